package dev.streamperf.evaluator.scoring;

import java.util.LinkedHashMap;
import java.util.Map;

/** A least-recently-used map of compiled references (patterns, schemas); not thread-safe. */
final class BoundedCache<K, V> extends LinkedHashMap<K, V> {

  private final int capacity;

  BoundedCache(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
