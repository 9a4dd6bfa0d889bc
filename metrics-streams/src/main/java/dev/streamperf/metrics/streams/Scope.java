package dev.streamperf.metrics.streams;

import java.util.Objects;

/**
 * One run, model and endpoint: the unit of every aggregate. Store keys are the three joined by NUL
 * (which neither ids nor URLs contain), so a run's keys share the prefix {@code runId + NUL}.
 */
public record Scope(String runId, String model, String endpoint) {

  static final char SEPARATOR = '\u0000';

  public Scope {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  /** The store key of this scope. */
  public String key() {
    return runId + SEPARATOR + model + SEPARATOR + endpoint;
  }

  /** The store key of one of this scope's windows; keys sort by window start. */
  String windowKey(long windowStartUs) {
    String hex = Long.toHexString(windowStartUs);
    return key() + SEPARATOR + "0".repeat(16 - hex.length()) + hex;
  }

  /** The prefix of every key of a run. */
  static String runPrefix(String runId) {
    return runId + SEPARATOR;
  }

  /** The scope of a {@link #key()} or {@link #windowKey} key. */
  static Scope parse(String key) {
    int a = key.indexOf(SEPARATOR);
    int b = key.indexOf(SEPARATOR, a + 1);
    int c = key.indexOf(SEPARATOR, b + 1);
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException("not a scope key: " + key.replace(SEPARATOR, '|'));
    }
    return new Scope(
        key.substring(0, a),
        key.substring(a + 1, b),
        key.substring(b + 1, c < 0 ? key.length() : c));
  }

  /** The window start of a {@link #windowKey} key. */
  static long windowStart(String windowKey) {
    return Long.parseUnsignedLong(windowKey.substring(windowKey.lastIndexOf(SEPARATOR) + 1), 16);
  }
}
