package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;

/**
 * What one task folded into one window of one scope since the last commit, and which input offsets
 * it came from (for the log line of a late delta).
 */
final class Partial {

  /** Input kinds, indexes into the offset ranges. */
  static final int TOKEN_EVENTS = 0;

  static final int RESULTS = 1;
  static final int SCORES = 2;

  final Scope scope;
  final long windowStartUs;
  final Aggregate aggregate = new Aggregate();
  final long[] offsets = {-1, -1, -1, -1, -1, -1};

  Partial(Scope scope, long windowStartUs) {
    this.scope = scope;
    this.windowStartUs = windowStartUs;
  }

  void offset(int kind, long offset) {
    if (offset < 0) {
      return;
    }
    int first = 2 * kind;
    if (offsets[first] < 0 || offset < offsets[first]) {
      offsets[first] = offset;
    }
    if (offset > offsets[first + 1]) {
      offsets[first + 1] = offset;
    }
  }
}
