package dev.streamperf.worker.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-worker cap on HTTP requests outstanding. A turn due while the cap is reached waits in
 * FIFO order and is sent, on its own event loop, when a slot frees; its schedule delay shows the
 * wait. Lock-free.
 */
final class InFlightLimiter {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentLinkedQueue<SessionRun> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();

  InFlightLimiter(int max) {
    this.max = max;
  }

  /** Takes a slot, or queues the run to be {@linkplain SessionRun#granted() granted} one later. */
  boolean tryAcquire(SessionRun run) {
    if (inFlight.incrementAndGet() <= max) {
      return true;
    }
    inFlight.decrementAndGet();
    waitingCount.incrementAndGet();
    waiting.add(run);
    grantWaiting();
    return false;
  }

  void release() {
    inFlight.decrementAndGet();
    grantWaiting();
  }

  private void grantWaiting() {
    while (!waiting.isEmpty()) {
      if (inFlight.incrementAndGet() > max) {
        inFlight.decrementAndGet();
        return;
      }
      SessionRun run = waiting.poll();
      if (run == null) {
        inFlight.decrementAndGet();
        return;
      }
      waitingCount.decrementAndGet();
      run.loop().client.eventLoop().execute(run::granted);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  int waiting() {
    return waitingCount.get();
  }
}
