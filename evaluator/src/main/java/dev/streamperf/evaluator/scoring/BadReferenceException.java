package dev.streamperf.evaluator.scoring;

/**
 * The reference a request carried cannot be used by its scorer: the answer is not in the scorer's
 * form, or a metadata value is invalid. The message names the field and the value.
 */
public final class BadReferenceException extends Exception {

  public BadReferenceException(String message) {
    super(message);
  }

  public BadReferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
