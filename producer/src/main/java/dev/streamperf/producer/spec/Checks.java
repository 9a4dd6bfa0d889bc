package dev.streamperf.producer.spec;

import java.time.Duration;

/** Argument checks whose messages name the option and the value, as every config here reports. */
final class Checks {

  private Checks() {}

  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static long atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static double atLeast(String name, double value, double min) {
    if (!(value >= min) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: a finite number >= " + min + ")");
    }
    return value;
  }

  static double positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a finite number > 0)");
    }
    return value;
  }

  static Duration positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  static Duration notNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }
}
