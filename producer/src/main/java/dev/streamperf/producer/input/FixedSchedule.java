package dev.streamperf.producer.input;

/**
 * AIPerf's fixed schedule: the input's timestamps (ms) are the sessions' send times.
 *
 * @param autoOffset the first timestamp is time 0 ({@code --fixed-schedule-auto-offset})
 * @param startOffsetMs only timestamps at or after this, counted from it ({@code
 *     --fixed-schedule-start-offset}); null for none
 * @param endOffsetMs only timestamps at or before this ({@code --fixed-schedule-end-offset}); null
 *     for none
 * @param speedup the schedule runs this many times faster ({@code --fixed-schedule-speedup})
 */
public record FixedSchedule(
    boolean autoOffset, Long startOffsetMs, Long endOffsetMs, double speedup) {

  public FixedSchedule {
    if (startOffsetMs != null && startOffsetMs < 0) {
      throw new IllegalArgumentException(
          "--fixed-schedule-start-offset: " + startOffsetMs + " (expected: ms >= 0)");
    }
    if (endOffsetMs != null && endOffsetMs < 0) {
      throw new IllegalArgumentException(
          "--fixed-schedule-end-offset: " + endOffsetMs + " (expected: ms >= 0)");
    }
    if (autoOffset && startOffsetMs != null) {
      throw new IllegalArgumentException(
          "--fixed-schedule-start-offset: "
              + startOffsetMs
              + " (expected: not with --fixed-schedule-auto-offset)");
    }
    if (startOffsetMs != null && endOffsetMs != null && endOffsetMs < startOffsetMs) {
      throw new IllegalArgumentException(
          "--fixed-schedule-end-offset: "
              + endOffsetMs
              + " (expected: >= --fixed-schedule-start-offset "
              + startOffsetMs
              + ")");
    }
    if (!(speedup > 0) || Double.isInfinite(speedup)) {
      throw new IllegalArgumentException(
          "--fixed-schedule-speedup: " + speedup + " (expected: a finite number > 0)");
    }
  }

  /** Timestamps as they are, at their own pace. */
  public static FixedSchedule plain() {
    return new FixedSchedule(false, null, null, 1.0);
  }

  /**
   * The schedule's offsets from the run's anchor in nanoseconds for these timestamps, or -1 for a
   * timestamp outside the offsets' window.
   */
  public long[] offsetsNanos(double[] timestampsMs) {
    long[] out = new long[timestampsMs.length];
    double zero = 0;
    if (autoOffset && timestampsMs.length > 0) {
      zero = Double.MAX_VALUE;
      for (double t : timestampsMs) {
        zero = Math.min(zero, t);
      }
    } else if (startOffsetMs != null) {
      zero = startOffsetMs;
    }
    for (int i = 0; i < out.length; i++) {
      double t = timestampsMs[i];
      boolean inside =
          (startOffsetMs == null || t >= startOffsetMs)
              && (endOffsetMs == null || t <= endOffsetMs);
      out[i] = inside ? Math.round((t - zero) * 1e6 / speedup) : -1;
    }
    return out;
  }
}
