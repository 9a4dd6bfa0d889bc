package dev.streamperf.simulator;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets an event loop sleep until its next chunk is due, to the instant. Netty 4.2.20's NIO
 * transport sleeps in {@code select(ms)} with the delay rounded up to whole milliseconds, so a
 * timer fires up to a millisecond late; the native epoll transport, whose timers are exact, is not
 * published for 4.2.20. A {@link Pacer} therefore arms its Netty timer {@link #LEAD} early, and
 * when a loop with nothing to run has its pacer's next event due within {@link #LEAD}, this
 * strategy parks the loop's own thread until that instant ({@link LockSupport#parkNanos}, about
 * 0.08 ms late at the median on a 2-CPU VM), polling the loop's sockets every {@link #SLICE} so a
 * request that arrives meanwhile waits no longer than that. A busy loop never sleeps here.
 *
 * <p>This replaced a waker thread that woke sleeping selectors at their pacers' instants: at 1,000
 * streams and 50,000 chunks/s on 2 cores the extra hand-off cost about a tenth of a core and made
 * wake-ups later (p99 0.5-1.0 ms against 0.3-0.4 ms here).
 */
final class PreciseSelect implements SelectStrategyFactory {

  /** How long before an event its pacer's Netty timer fires: more than NIO's rounding. */
  static final long LEAD = 2_000_000;

  /** The longest a parked loop leaves its sockets unpolled. */
  static final long SLICE = 200_000;

  /** Closer to the instant than this, a park would only overshoot it: the loop spins instead. */
  private static final long NIO_POLLS_BELOW = 5_000;

  private final List<Strategy> strategies = new CopyOnWriteArrayList<>();

  @Override
  public SelectStrategy newSelectStrategy() {
    Strategy strategy = new Strategy();
    strategies.add(strategy);
    return strategy;
  }

  /** Ties a pacer to the select strategy of the loop it runs on; called on that loop. */
  void bind(Pacer pacer) {
    Thread current = Thread.currentThread();
    for (Strategy s : strategies) {
      if (s.owner == current) {
        s.pacer = pacer;
        return;
      }
    }
  }

  /** One event loop's strategy: poll when work is queued, park until a near event, else select. */
  private static final class Strategy implements SelectStrategy {
    private volatile Thread owner;
    private volatile Pacer pacer;

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
      if (owner == null) {
        owner = Thread.currentThread();
      }
      if (hasTasks) {
        return selectNow.get();
      }
      Pacer p = pacer;
      long due = p == null ? Long.MAX_VALUE : p.nextDue();
      if (due == Long.MAX_VALUE || due - System.nanoTime() >= LEAD) {
        return SelectStrategy.SELECT; // the pacer's timer wakes the selector LEAD early
      }
      while (true) {
        int ready = selectNow.get();
        if (ready > 0) {
          return ready;
        }
        long left = due - System.nanoTime();
        if (left < NIO_POLLS_BELOW) {
          return 0; // the loop runs its due timer now
        }
        LockSupport.parkNanos(this, Math.min(left, SLICE));
      }
    }
  }
}
