package dev.streamperf.producer.schedule;

import java.util.ArrayDeque;

/**
 * The load controller's clockwork, without Kafka and without a clock of its own: given the time
 * since the run's anchor, it says whether the next session may be published now and, if not, when
 * to ask again. Results feed it credits.
 *
 * <ul>
 *   <li>Closed loop: a session may go whenever fewer than the (ramped) concurrency are outstanding;
 *       each one that replaces a completed session carries that session's completion instant
 *       ({@code creditReleasedUs}).
 *   <li>Open loop: the next arrival may go {@code lead} before its intended time, provided fewer
 *       than the (ramped) cap are outstanding. A capped arrival waits for a credit and keeps its
 *       intended time, so its lateness is measured, not hidden. Outstanding counts sessions
 *       published ahead of their time too, so the cap is never exceeded.
 * </ul>
 *
 * Not thread-safe: one publishing thread drives it.
 */
public final class Pacer {

  /** A session that may be published now. */
  public record Slot(long intendedNanos, Long creditReleasedUs) {
    /** Closed loop: no intended time (send on receipt). */
    public static final long NONE = Long.MIN_VALUE;
  }

  private final Arrivals arrivals;
  private final ConcurrencyRamp limit;
  private final long leadNanos;
  private final ArrayDeque<Long> credits = new ArrayDeque<>();
  private long outstanding;
  private long nextArrival;

  private Pacer(Arrivals arrivals, ConcurrencyRamp limit, long leadNanos) {
    this.arrivals = arrivals;
    this.limit = limit;
    this.leadNanos = leadNanos;
    this.nextArrival = arrivals == null ? Slot.NONE : arrivals.next();
  }

  /** A closed loop of {@code limit} sessions. */
  public static Pacer closedLoop(ConcurrencyRamp limit) {
    return new Pacer(null, limit, 0);
  }

  /** An open loop, capped when {@code cap} is not null. */
  public static Pacer openLoop(Arrivals arrivals, ConcurrencyRamp cap, long leadNanos) {
    return new Pacer(arrivals, cap, leadNanos);
  }

  public boolean closed() {
    return arrivals == null;
  }

  /**
   * The slot that may be published at {@code elapsedNanos}, or null; call {@link #take} to use it.
   */
  public Slot peek(long elapsedNanos) {
    if (limit != null && outstanding >= limit.limit(elapsedNanos)) {
      return null;
    }
    if (arrivals == null) {
      return new Slot(Slot.NONE, credits.peekFirst());
    }
    if (nextArrival == Arrivals.END || elapsedNanos < nextArrival - leadNanos) {
      return null;
    }
    return new Slot(nextArrival, null);
  }

  /** Uses the slot {@link #peek} returned: the session is published and outstanding. */
  public void take() {
    outstanding++;
    if (arrivals == null) {
      credits.pollFirst();
    } else {
      nextArrival = arrivals.next();
    }
  }

  /** The intended time of the next arrival (open loop), {@link Arrivals#END} when none. */
  public long nextArrival() {
    return nextArrival;
  }

  /** A session completed at {@code completedUs}: its credit is free. */
  public void credit(long completedUs) {
    outstanding--;
    if (arrivals == null) {
      credits.addLast(completedUs);
    }
  }

  /** Sessions published and not yet completed. */
  public long outstanding() {
    return outstanding;
  }

  /**
   * When to look again if no credit arrives: the next arrival's publication time, or the next step
   * of a concurrency ramp; {@link Long#MAX_VALUE} when only a credit can help.
   */
  public long wakeAt(long elapsedNanos) {
    long wake = Long.MAX_VALUE;
    boolean limited = limit != null && outstanding >= limit.limit(elapsedNanos);
    if (limited) {
      wake = limit.nextStep(elapsedNanos);
    } else if (arrivals != null && nextArrival != Arrivals.END) {
      wake = nextArrival - leadNanos;
    }
    return wake;
  }
}
