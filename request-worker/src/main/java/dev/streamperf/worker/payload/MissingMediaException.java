package dev.streamperf.worker.payload;

/** A request references a medium that the worker could not resolve. */
public final class MissingMediaException extends Exception {

  private static final long serialVersionUID = 1L;

  public MissingMediaException(String message) {
    super(message);
  }
}
