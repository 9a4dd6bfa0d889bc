package dev.streamperf.producer.schedule;

import java.time.Duration;

/**
 * A concurrency limit that ramps linearly from 1 to its target over a duration (AIPerf's {@code
 * --concurrency-ramp-duration}): limit {@code k} applies from {@code (k-1)/(target-1)} of the ramp.
 */
public final class ConcurrencyRamp {

  private final int target;
  private final long rampNanos;

  public ConcurrencyRamp(int target, Duration ramp) {
    this.target = target;
    this.rampNanos = ramp == null ? 0 : ramp.toNanos();
  }

  public int target() {
    return target;
  }

  /** The limit at {@code elapsedNanos} after the anchor. */
  public int limit(long elapsedNanos) {
    if (rampNanos == 0 || target == 1 || elapsedNanos >= rampNanos) {
      return target;
    }
    if (elapsedNanos < 0) {
      return 1;
    }
    return 1 + (int) ((target - 1) * (double) elapsedNanos / rampNanos);
  }

  /**
   * When the limit next rises after {@code elapsedNanos}; {@link Long#MAX_VALUE} once at target.
   */
  public long nextStep(long elapsedNanos) {
    int current = limit(elapsedNanos);
    if (current >= target) {
      return Long.MAX_VALUE;
    }
    return (long) Math.ceil((double) current * rampNanos / (target - 1));
  }
}
