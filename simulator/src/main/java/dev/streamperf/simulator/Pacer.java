package dev.streamperf.simulator;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The clock of one event loop's responses: a binary heap of streams ordered by the instant their
 * next event is due, and one Netty timer armed for the earliest. A due stream runs on the event
 * loop; re-arming it costs a heap operation, no allocation, so a thousand streams emitting every
 * few milliseconds cost one timer per distinct wake-up instead of one per chunk. Confined to its
 * event loop.
 */
final class Pacer {

  /** Something that runs at an instant on this pacer's event loop. */
  abstract static class Timed {
    long due;
    int heapIndex = -1;

    /** The instant came. */
    abstract void fire();
  }

  private static final int MAX_FIRES_PER_WAKE = 1024;

  private final EventLoop loop;
  private final Runnable wake = this::wake;
  private Timed[] heap = new Timed[64];
  private int size;
  private ScheduledFuture<?> timer;
  private long timerDue = Long.MAX_VALUE;
  private boolean firing;
  private long[] pendingIntended = new long[16];
  private int pending;
  private TextPieces.Piece[] pieces = new TextPieces.Piece[16];

  /** Made on its event loop, so it can be tied to that loop's select strategy. */
  Pacer(EventLoop loop, PreciseSelect select) {
    this.loop = loop;
    select.bind(this);
  }

  /** When the earliest scheduled event is due; {@link Long#MAX_VALUE} when none is. */
  long nextDue() {
    return size == 0 ? Long.MAX_VALUE : heap[0].due;
  }

  EventLoop loop() {
    return loop;
  }

  /** Runs {@code t.fire()} at {@code due} (a {@link System#nanoTime()} instant) or just after. */
  void schedule(Timed t, long due) {
    t.due = due;
    if (t.heapIndex >= 0) {
      siftDown(siftUp(t.heapIndex));
    } else {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      heap[size] = t;
      t.heapIndex = size;
      siftUp(size++);
    }
    if (!firing) {
      arm();
    }
  }

  /** Forgets {@code t}; harmless when it is not scheduled. */
  void cancel(Timed t) {
    int i = t.heapIndex;
    if (i < 0) {
      return;
    }
    t.heapIndex = -1;
    Timed last = heap[--size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      last.heapIndex = i;
      siftDown(siftUp(i));
    }
  }

  int size() {
    return size;
  }

  /**
   * Scratch space of the stream firing now (streams on one loop fire one at a time): the intended
   * instants of the chunks it has written but not yet flushed.
   */
  void pendingChunk(long intended) {
    if (pending == pendingIntended.length) {
      pendingIntended = Arrays.copyOf(pendingIntended, pending * 2);
    }
    pendingIntended[pending++] = intended;
  }

  int pendingChunks() {
    return pending;
  }

  long pendingIntended(int i) {
    return pendingIntended[i];
  }

  void clearPending() {
    pending = 0;
  }

  /** Scratch space for the pieces of the chunk being framed. */
  void pendingPiece(int i, TextPieces.Piece piece) {
    if (i == pieces.length) {
      pieces = Arrays.copyOf(pieces, i * 2);
    }
    pieces[i] = piece;
  }

  TextPieces.Piece pendingPiece(int i) {
    return pieces[i];
  }

  private void arm() {
    if (size == 0) {
      return;
    }
    long due = heap[0].due;
    if (timer != null && timerDue - due <= 0) {
      return; // a wake-up at or before this one is already set
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerDue = due;
    // NIO's select may wake up to a millisecond late: a timer far ahead wakes the loop early, and
    // the loop's select strategy then parks until the instant itself
    long delay = due - System.nanoTime();
    if (delay > PreciseSelect.LEAD) {
      delay -= PreciseSelect.LEAD;
    }
    timer = loop.schedule(wake, Math.max(0L, delay), TimeUnit.NANOSECONDS);
  }

  private void wake() {
    timer = null;
    timerDue = Long.MAX_VALUE;
    firing = true;
    try {
      long now = System.nanoTime();
      int fired = 0;
      // a bounded turn, so reads and new requests are not starved when everything is due at once
      while (size > 0 && heap[0].due - now <= 0 && fired++ < MAX_FIRES_PER_WAKE) {
        Timed t = heap[0];
        cancel(t);
        t.fire();
        now = System.nanoTime();
      }
    } finally {
      firing = false;
    }
    arm();
  }

  private int siftUp(int i) {
    Timed t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Timed p = heap[parent];
      if (p.due - t.due <= 0) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = t;
    t.heapIndex = i;
    return i;
  }

  private void siftDown(int i) {
    Timed t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].due - heap[child].due < 0) {
        child = right;
      }
      if (t.due - heap[child].due <= 0) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = t;
    t.heapIndex = i;
  }
}
