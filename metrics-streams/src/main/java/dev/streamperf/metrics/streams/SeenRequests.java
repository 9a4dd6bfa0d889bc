package dev.streamperf.metrics.streams;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Request ids already counted, per input partition (results and scores are keyed by request id, so
 * all records of a request meet in one task), remembered for the dedup retention around their event
 * time in a logged window store.
 */
final class SeenRequests {

  private final WindowStore<String, Integer> store;
  private final long retentionMs;

  SeenRequests(WindowStore<String, Integer> store, long retentionMs) {
    this.store = store;
    this.retentionMs = retentionMs;
  }

  /** True the first time a key is offered within the retention; it is remembered then. */
  boolean firstTime(String key, int attempt, long eventUs) {
    long ms = Math.max(0, eventUs / 1_000L);
    try (WindowStoreIterator<Integer> seen =
        store.fetch(key, Math.max(0, ms - retentionMs), ms + retentionMs)) {
      if (seen.hasNext()) {
        return false;
      }
    }
    store.put(key, attempt, ms);
    return true;
  }
}
