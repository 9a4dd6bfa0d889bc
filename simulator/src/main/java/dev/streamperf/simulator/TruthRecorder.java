package dev.streamperf.simulator;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The events of one response as they are written, in primitive arrays: one entry per event, the
 * actual instant stamped on every event of a flush as that flush begins. {@link #freeze()} hands
 * the stamped events over as an immutable {@link Events}; no object is made per event until someone
 * reads them.
 */
final class TruthRecorder {

  private static final EventKind[] KINDS = EventKind.values();

  /** Stamped events, immutable; a {@link List} view makes {@link EventTruth}s on access. */
  static final class Events extends AbstractList<EventTruth> {
    static final Events NONE = new Events(new byte[0], new int[0], new long[0], new long[0], 0);

    private final byte[] kinds;
    private final int[] tokens;
    private final long[] intended;
    private final long[] actual;
    private final int size;

    private Events(byte[] kinds, int[] tokens, long[] intended, long[] actual, int size) {
      this.kinds = kinds;
      this.tokens = tokens;
      this.intended = intended;
      this.actual = actual;
      this.size = size;
    }

    @Override
    public EventTruth get(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("event " + i + " of " + size);
      }
      return new EventTruth(KINDS[kinds[i]], tokens[i], intended[i], actual[i]);
    }

    @Override
    public int size() {
      return size;
    }

    EventKind kind(int i) {
      return KINDS[kinds[i]];
    }

    int tokens(int i) {
      return tokens[i];
    }

    long intended(int i) {
      return intended[i];
    }

    long actual(int i) {
      return actual[i];
    }
  }

  private byte[] kinds;
  private int[] tokens;
  private long[] intended;
  private long[] actual;
  private int size;
  private int unstamped;

  /** Room for {@code expected} events; more still fit. */
  TruthRecorder(int expected) {
    kinds = new byte[expected];
    tokens = new int[expected];
    intended = new long[expected];
    actual = new long[expected];
  }

  void add(EventKind kind, int eventTokens, long intendedNanos) {
    if (size == kinds.length) {
      int capacity = Math.max(8, size * 2);
      kinds = Arrays.copyOf(kinds, capacity);
      tokens = Arrays.copyOf(tokens, capacity);
      intended = Arrays.copyOf(intended, capacity);
      actual = Arrays.copyOf(actual, capacity);
    }
    kinds[size] = (byte) kind.ordinal();
    tokens[size] = eventTokens;
    intended[size] = intendedNanos;
    size++;
  }

  /** Sets the actual instant of every event added since the last stamp. */
  void stamp(long actualNanos) {
    for (int i = unstamped; i < size; i++) {
      actual[i] = actualNanos;
    }
    unstamped = size;
  }

  /** The stamped events; an unstamped (never flushed) tail is left out. */
  Events freeze() {
    int n = unstamped;
    if (n == kinds.length) {
      return new Events(kinds, tokens, intended, actual, n); // this recorder is done with them
    }
    return new Events(
        Arrays.copyOf(kinds, n),
        Arrays.copyOf(tokens, n),
        Arrays.copyOf(intended, n),
        Arrays.copyOf(actual, n),
        n);
  }
}
