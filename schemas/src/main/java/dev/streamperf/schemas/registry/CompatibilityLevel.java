package dev.streamperf.schemas.registry;

import java.util.Locale;

/** Schema Registry compatibility levels, with the Confluent API's names. */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE;

  /** Parses a level as the REST API writes it, case-insensitively. */
  public static CompatibilityLevel parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "compatibility level: '"
              + text
              + "' (expected one of NONE, BACKWARD, FORWARD, FULL"
              + " and their _TRANSITIVE forms)",
          e);
    }
  }
}
