package dev.streamperf.schemas.clock;

/**
 * The time source of every timestamp streamperf writes: instants as epoch microseconds and
 * durations from a monotonic nanosecond counter. Components take it as a constructor argument so
 * tests can drive time by hand ({@link ManualClock}).
 */
public interface MicrosClock {

  /** The process-wide anchored clock; see {@link AnchoredClock}. */
  static MicrosClock system() {
    return AnchoredClock.INSTANCE;
  }

  /** Now, as epoch microseconds. Monotonic within a process. */
  long nowMicros();

  /** A monotonic nanosecond reading for durations, like {@link System#nanoTime()}. */
  long nanoTime();

  /** Converts a {@link #nanoTime()} reading of this clock to epoch microseconds. */
  long toEpochMicros(long nanoTime);
}
