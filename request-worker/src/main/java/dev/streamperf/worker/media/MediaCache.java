package dev.streamperf.worker.media;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Media ready to send, by SHA-256, bounded in bytes: least recently used out first. Confined to the
 * media thread; the counters may be read from any thread.
 */
public final class MediaCache {

  private final long maxBytes;
  private final LinkedHashMap<String, ResolvedMedia> entries = new LinkedHashMap<>(64, 0.75f, true);
  private volatile long bytes;
  private volatile int size;

  public MediaCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    this.maxBytes = maxBytes;
  }

  /** The medium, or null; a hit makes it the most recently used. */
  public ResolvedMedia get(String sha256) {
    return entries.get(sha256);
  }

  /**
   * Adds a medium, evicting the least recently used until it fits. A medium larger than the whole
   * cache is not kept.
   */
  public void put(ResolvedMedia media) {
    long need = media.sizeBytes();
    if (need > maxBytes) {
      return;
    }
    ResolvedMedia old = entries.remove(media.sha256());
    long total = bytes - (old == null ? 0 : old.sizeBytes());
    Iterator<Map.Entry<String, ResolvedMedia>> it = entries.entrySet().iterator();
    while (total + need > maxBytes && it.hasNext()) {
      total -= it.next().getValue().sizeBytes();
      it.remove();
    }
    entries.put(media.sha256(), media);
    bytes = total + need;
    size = entries.size();
  }

  /** Adds a medium only if it fits without evicting anything (warming from the topic). */
  public boolean putIfRoom(ResolvedMedia media) {
    if (entries.containsKey(media.sha256()) || bytes + media.sizeBytes() > maxBytes) {
      return false;
    }
    put(media);
    return true;
  }

  public long bytes() {
    return bytes;
  }

  public int size() {
    return size;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
