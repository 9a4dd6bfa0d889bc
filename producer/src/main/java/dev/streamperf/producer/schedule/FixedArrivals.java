package dev.streamperf.producer.schedule;

/** A schedule given in full: the offsets of a trace, an input file's timestamps, a replayed run. */
public final class FixedArrivals implements Arrivals {

  private final long[] offsetsNanos;
  private int next;

  /**
   * @param offsetsNanos each session's send time from the anchor, non-decreasing
   */
  public FixedArrivals(long[] offsetsNanos) {
    for (int i = 1; i < offsetsNanos.length; i++) {
      if (offsetsNanos[i] < offsetsNanos[i - 1]) {
        throw new IllegalArgumentException(
            "offsets: "
                + offsetsNanos[i]
                + " after "
                + offsetsNanos[i - 1]
                + " (expected: sorted)");
      }
    }
    this.offsetsNanos = offsetsNanos.clone();
  }

  @Override
  public long next() {
    return next < offsetsNanos.length ? offsetsNanos[next++] : END;
  }
}
