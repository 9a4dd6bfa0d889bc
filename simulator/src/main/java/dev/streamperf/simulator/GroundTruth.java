package dev.streamperf.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process record of what the simulator sent, by request id: the client's {@code
 * X-Request-Id} when it sent one (echoed in the response), otherwise the response id. Keeps the
 * last {@link SimulatorConfig#groundTruthRetention()} finished requests; a request retried under
 * the same id keeps its latest attempt.
 */
public final class GroundTruth {

  private final int retention;
  private final ConcurrentHashMap<String, RequestTruth> byId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Object monitor = new Object();
  private volatile int waiters;

  GroundTruth(int retention) {
    this.retention = retention;
  }

  /** The finished request with this id, if it is still kept. */
  public Optional<RequestTruth> get(String requestId) {
    return Optional.ofNullable(byId.get(requestId));
  }

  /**
   * Waits until the request with this id has finished (the client may read {@code [DONE]} a moment
   * before the simulator files its record).
   *
   * @return the record, or empty when it did not finish within the timeout
   */
  public Optional<RequestTruth> await(String requestId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      waiters++;
      try {
        while (true) {
          RequestTruth truth = byId.get(requestId);
          if (truth != null) {
            return Optional.of(truth);
          }
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            return Optional.empty();
          }
          TimeUnit.NANOSECONDS.timedWait(monitor, remaining);
        }
      } finally {
        waiters--;
      }
    }
  }

  /** Every kept record, oldest first. */
  public List<RequestTruth> all() {
    List<RequestTruth> all = new ArrayList<>();
    for (String id : order) {
      RequestTruth truth = byId.get(id);
      if (truth != null) {
        all.add(truth);
      }
    }
    return all;
  }

  /** How many records are kept now. */
  public int size() {
    return byId.size();
  }

  void record(RequestTruth truth) {
    if (retention == 0) {
      return;
    }
    if (byId.put(truth.requestId(), truth) == null) {
      order.add(truth.requestId());
      if (size.incrementAndGet() > retention) {
        String oldest = order.poll();
        if (oldest != null) {
          byId.remove(oldest);
          size.decrementAndGet();
        }
      }
    }
    if (waiters > 0) {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }
}
