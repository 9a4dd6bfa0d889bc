package dev.streamperf.simulator;

import dev.streamperf.schemas.clock.MicrosClock;

/**
 * One event as the simulator wrote it: when it meant to write it and when it handed it to the
 * socket, both {@link System#nanoTime()} readings of this JVM (so a client in the same JVM never
 * reads an event before its actual instant).
 *
 * @param kind what the event was
 * @param tokens output tokens it carried (0 for role, finish, usage, done)
 * @param intendedNanos when the timing model scheduled it
 * @param actualNanos when the event loop began flushing it to the socket
 */
public record EventTruth(EventKind kind, int tokens, long intendedNanos, long actualNanos) {

  /** How late it was written: actual minus intended. */
  public long latenessNanos() {
    return actualNanos - intendedNanos;
  }

  /** The intended instant as epoch microseconds of the process clock. */
  public long intendedEpochMicros() {
    return MicrosClock.system().toEpochMicros(intendedNanos);
  }

  /** The actual instant as epoch microseconds of the process clock. */
  public long actualEpochMicros() {
    return MicrosClock.system().toEpochMicros(actualNanos);
  }
}
