package dev.streamperf.metrics.streams;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Request ids already counted, per input partition (results and scores are keyed by request id, so
 * all records of a request meet in one task), remembered for the dedup retention around their event
 * time in a logged window store.
 *
 * <p>Entries are stored at their event time rounded down to a bucket of a thirtieth of the
 * retention: an in-memory window store keeps one map per distinct timestamp and a fetch visits
 * every map in its range, so millisecond timestamps made each lookup cost one probe per millisecond
 * that had a request (tens of thousands over five minutes), while buckets bound it to about 60. The
 * rounding only widens the remembered span by one bucket.
 */
final class SeenRequests {

  /** Buckets per retention. */
  static final int BUCKETS = 30;

  private final WindowStore<String, Integer> store;
  private final long retentionMs;
  private final long bucketMs;

  SeenRequests(WindowStore<String, Integer> store, long retentionMs) {
    this.store = store;
    this.retentionMs = retentionMs;
    this.bucketMs = Math.max(1, retentionMs / BUCKETS);
  }

  /** True the first time a key is offered within the retention; it is remembered then. */
  boolean firstTime(String key, int attempt, long eventUs) {
    long ms = Math.max(0, eventUs / 1_000L);
    try (WindowStoreIterator<Integer> seen =
        store.fetch(key, bucket(Math.max(0, ms - retentionMs)), bucket(ms + retentionMs))) {
      if (seen.hasNext()) {
        return false;
      }
    }
    store.put(key, attempt, bucket(ms));
    return true;
  }

  private long bucket(long ms) {
    return ms - Math.floorMod(ms, bucketMs);
  }
}
