package dev.streamperf.producer.schedule;

import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.Phase;

/**
 * Which phase each session belongs to and when publishing stops. Warmup comes first (by request
 * count, or by time from the anchor); profiling follows until the request count, session count or
 * duration (from the first profiling session) is reached. Counts are exact: the session that
 * reaches a request count is cut to the turns that fit.
 */
public final class PhasePlan {

  /** What to do with the next session: its phase and how many of its turns to publish. */
  public record Decision(Phase phase, int turns) {}

  private final WarmupSpec warmup;
  private final StopSpec stop;
  private final long warmupNanos;
  private final long durationNanos;
  private long warmupRequests;
  private long profilingRequests;
  private long profilingSessions;
  private long profilingStart = -1;
  private boolean done;

  public PhasePlan(WarmupSpec warmup, StopSpec stop) {
    this.warmup = warmup;
    this.stop = stop;
    this.warmupNanos = warmup.duration() == null ? -1 : warmup.duration().toNanos();
    this.durationNanos = stop.duration() == null ? -1 : stop.duration().toNanos();
  }

  /**
   * Decides the next session.
   *
   * @param atNanos its time from the anchor: the intended send time in open loop, the publication
   *     time in closed loop
   * @param turns turns the session has
   * @return its phase and turns to publish, or null when publishing is over
   */
  public Decision decide(long atNanos, int turns) {
    if (done) {
      return null;
    }
    if (warmup.requestCount() != null && warmupRequests < warmup.requestCount()) {
      int n = (int) Math.min(turns, warmup.requestCount() - warmupRequests);
      warmupRequests += n;
      return new Decision(Phase.WARMUP, n);
    }
    if (warmupNanos >= 0 && atNanos < warmupNanos) {
      warmupRequests += turns;
      return new Decision(Phase.WARMUP, turns);
    }
    if (profilingStart < 0) {
      profilingStart = warmupNanos >= 0 ? warmupNanos : atNanos;
    }
    if (durationNanos >= 0 && atNanos - profilingStart >= durationNanos) {
      done = true;
      return null;
    }
    if (stop.sessionCount() != null && profilingSessions >= stop.sessionCount()) {
      done = true;
      return null;
    }
    int n = turns;
    if (stop.requestCount() != null) {
      long remaining = stop.requestCount() - profilingRequests;
      if (remaining <= 0) {
        done = true;
        return null;
      }
      n = (int) Math.min(turns, remaining);
    }
    profilingRequests += n;
    profilingSessions++;
    return new Decision(Phase.PROFILING, n);
  }

  /** Whether {@link #decide} has said stop, or would for any further session by count. */
  public boolean done() {
    if (done) {
      return true;
    }
    boolean warmupLeft = warmup.requestCount() != null && warmupRequests < warmup.requestCount();
    if (warmupLeft) {
      return false;
    }
    return (stop.requestCount() != null && profilingRequests >= stop.requestCount())
        || (stop.sessionCount() != null && profilingSessions >= stop.sessionCount());
  }

  /** Time from the anchor after which no session is published (duration stop), or -1. */
  public long endNanos() {
    if (durationNanos < 0) {
      return -1;
    }
    if (profilingStart >= 0) {
      return profilingStart + durationNanos;
    }
    return warmupNanos >= 0 ? warmupNanos + durationNanos : -1;
  }

  public long warmupRequests() {
    return warmupRequests;
  }

  public long profilingRequests() {
    return profilingRequests;
  }
}
