package dev.streamperf.producer.schedule;

/**
 * Intended send times of successive sessions, as offsets from the run's anchor: the open-loop
 * schedule. Implementations: {@link RateArrivals} (constant, Poisson, gamma, with a linear rate
 * ramp); a trace or a replayed run supplies its own through {@code SessionSource.schedule()}.
 */
public interface Arrivals {

  /** Returned by {@link #next()} when the schedule has no more arrivals. */
  long END = Long.MAX_VALUE;

  /**
   * The next arrival's offset from the anchor in nanoseconds, non-decreasing; {@link #END} when
   * done.
   */
  long next();
}
