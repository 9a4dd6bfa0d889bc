package dev.streamperf.simulator;

import java.util.ArrayDeque;

/**
 * The batch model: at most {@code maxRunning} sequences decode at once; later requests wait in
 * arrival order and are admitted as sequences finish, so load raises time to first token the way a
 * continuous-batching server's queue does. Two synchronized steps per request, none per token.
 */
final class BatchScheduler {

  /** A request waiting for, or holding, a batch slot. */
  interface Sequence {
    /** The slot was granted at {@code nanoTime}; called on whichever thread released it. */
    void admit(long nanoTime);
  }

  private final int maxRunning;
  private final ArrayDeque<Sequence> queue = new ArrayDeque<>();
  private volatile int running;
  private volatile int waiting;

  BatchScheduler(int maxRunning) {
    this.maxRunning = maxRunning;
  }

  /** Admits the sequence now (calling {@link Sequence#admit}) or queues it. */
  void submit(Sequence sequence) {
    boolean admitted;
    synchronized (this) {
      admitted = running < maxRunning;
      if (admitted) {
        running++;
      } else {
        queue.addLast(sequence);
        waiting = queue.size();
      }
    }
    if (admitted) {
      sequence.admit(System.nanoTime());
    }
  }

  /** Gives a slot back; the longest-waiting sequence, if any, takes it. */
  void release() {
    Sequence next;
    synchronized (this) {
      next = queue.pollFirst();
      if (next == null) {
        running--;
      } else {
        waiting = queue.size();
      }
    }
    if (next != null) {
      next.admit(System.nanoTime());
    }
  }

  /** Removes a sequence that gave up while waiting; false when it was not waiting. */
  synchronized boolean cancel(Sequence sequence) {
    boolean removed = queue.remove(sequence);
    waiting = queue.size();
    return removed;
  }

  int running() {
    return running;
  }

  int waiting() {
    return waiting;
  }
}
