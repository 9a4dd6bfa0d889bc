package dev.streamperf.metrics.streams;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Objects of one logged store, held in memory between commits: reads load through (a miss is
 * remembered too), writes only mark the key dirty, and {@link #flush()} writes the dirty keys to
 * the store, once per commit.
 */
final class Cached<K, V> {

  private final KeyValueStore<K, V> store;
  private final Map<K, V> values = new HashMap<>();
  private final Set<K> dirty = new HashSet<>();

  Cached(KeyValueStore<K, V> store) {
    this.store = store;
  }

  KeyValueStore<K, V> store() {
    return store;
  }

  V get(K key) {
    if (values.containsKey(key)) {
      return values.get(key);
    }
    V v = store.get(key);
    values.put(key, v);
    return v;
  }

  /** Remembers a value read from the store some other way (a scan). */
  void loaded(K key, V value) {
    if (!dirty.contains(key)) {
      values.put(key, value);
    }
  }

  void put(K key, V value) {
    values.put(key, value);
    dirty.add(key);
  }

  void delete(K key) {
    values.put(key, null);
    dirty.add(key);
  }

  /** Forgets a key that is not dirty, to bound memory. */
  void evict(K key) {
    if (!dirty.contains(key)) {
      values.remove(key);
    }
  }

  boolean dirty() {
    return !dirty.isEmpty();
  }

  /** Writes the dirty keys; returns how many. */
  int flush() {
    int n = dirty.size();
    for (K key : dirty) {
      V v = values.get(key);
      if (v == null) {
        store.delete(key);
        values.remove(key);
      } else {
        store.put(key, v);
      }
    }
    dirty.clear();
    return n;
  }

  void clear() {
    values.clear();
    dirty.clear();
  }
}
