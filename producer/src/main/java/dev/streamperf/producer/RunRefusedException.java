package dev.streamperf.producer;

/**
 * A run cannot start or resume as asked: the run id names a run that is already over, one started
 * with another configuration, or one whose state a restarted producer cannot recover exactly.
 */
public final class RunRefusedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public RunRefusedException(String message) {
    super(message);
  }
}
