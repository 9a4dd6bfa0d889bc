package dev.streamperf.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The events of one response as they are written, in primitive arrays: one entry per event, the
 * actual instant stamped on every event of a flush once that flush returns.
 */
final class TruthRecorder {

  private EventKind[] kinds = new EventKind[16];
  private int[] tokens = new int[16];
  private long[] intended = new long[16];
  private long[] actual = new long[16];
  private int size;
  private int unstamped;

  void add(EventKind kind, int eventTokens, long intendedNanos) {
    if (size == kinds.length) {
      int capacity = size * 2;
      kinds = Arrays.copyOf(kinds, capacity);
      tokens = Arrays.copyOf(tokens, capacity);
      intended = Arrays.copyOf(intended, capacity);
      actual = Arrays.copyOf(actual, capacity);
    }
    kinds[size] = kind;
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

  List<EventTruth> events() {
    List<EventTruth> events = new ArrayList<>(size);
    for (int i = 0; i < unstamped; i++) {
      events.add(new EventTruth(kinds[i], tokens[i], intended[i], actual[i]));
    }
    return events;
  }
}
