package dev.streamperf.worker.commit;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition of the requests topic, as the committer sees it: every record fetched from
 * the committed offset on, whether it was started and whether it is done, and the outputs of the
 * done ones not yet committed. Plans each transaction's share of the partition: the offset to
 * commit (the first request not done), the metadata that records the fate of every later request,
 * and the outputs to send with it, so that a request's results commit atomically with the statement
 * that it is done. Confined to the committer thread.
 *
 * @param <O> what a done request leaves to publish
 */
final class PartitionLedger<O> {

  /** One fetched record. */
  static final class Entry<O> {
    final long offset;
    int starts;
    boolean startedByUs;
    boolean done;
    boolean published;
    O outputs;

    Entry(long offset, int starts) {
      this.offset = offset;
      this.starts = starts;
    }
  }

  /** This partition's share of one transaction. */
  record Plan<O>(TopicPartition partition, long offset, String metadata, List<Entry<O>> include) {}

  private final TopicPartition partition;
  private final long epoch;
  private final long inheritedBase;
  private final byte[] inherited;
  private final List<Entry<O>> window = new ArrayList<>();
  private int head;
  private long headOffset = -1;
  private long committedOffset;
  private boolean dirty;

  /**
   * @param committedOffset the offset committed when the partition was assigned, -1 if none
   * @param inherited the decoded metadata committed with it
   */
  PartitionLedger(TopicPartition partition, long epoch, long committedOffset, byte[] inherited) {
    this.partition = partition;
    this.epoch = epoch;
    this.inheritedBase = committedOffset;
    this.inherited = committedOffset < 0 ? new byte[0] : inherited;
    this.committedOffset = committedOffset;
  }

  TopicPartition partition() {
    return partition;
  }

  long epoch() {
    return epoch;
  }

  long committedOffset() {
    return committedOffset;
  }

  boolean dirty() {
    return dirty;
  }

  /** Records fetched and not yet behind the committed offset. */
  int windowSize() {
    return window.size() - head;
  }

  /** What the previous owner recorded for an offset: {@link CommitMetadata#DONE} or starts. */
  byte inheritedCode(long offset) {
    long i = offset - inheritedBase;
    return i >= 0 && i < inherited.length ? inherited[(int) i] : 0;
  }

  /** A record was fetched; {@code done} when it needs no work (done before, or undecodable). */
  void fetched(long offset, boolean done) {
    if (head == window.size()) {
      window.clear();
      head = 0;
      headOffset = offset;
    }
    long expected = headOffset + window.size() - head;
    if (offset < expected) {
      return; // already known
    }
    for (long gap = expected; gap < offset; gap++) {
      window.add(null); // no record at this offset (transaction marker)
    }
    byte code = inheritedCode(offset);
    Entry<O> entry = new Entry<>(offset, code == CommitMetadata.DONE ? 0 : code);
    if (done) {
      entry.done = true;
      entry.published = true;
    }
    window.add(entry);
  }

  private Entry<O> entry(long offset) {
    if (headOffset < 0) {
      return null;
    }
    long i = offset - headOffset;
    if (i < 0 || i >= window.size() - head) {
      return null;
    }
    return window.get(head + (int) i);
  }

  /** The request's first byte is being written. */
  void started(long offset) {
    Entry<O> entry = entry(offset);
    if (entry != null && !entry.startedByUs) {
      entry.startedByUs = true;
      entry.starts++;
      dirty = true;
    }
  }

  /** Every turn of the request has ended; {@code outputs} are to be published. */
  boolean completed(long offset, O outputs) {
    Entry<O> entry = entry(offset);
    if (entry == null || entry.done) {
      return false;
    }
    entry.done = true;
    entry.outputs = outputs;
    dirty = true;
    return true;
  }

  /**
   * This partition's share of the next transaction, or null when nothing changed.
   *
   * @param maxChars bound of the metadata text
   */
  Plan<O> plan(int maxChars) {
    if (!dirty || headOffset < 0) {
      return null;
    }
    int n = window.size() - head;
    int firstOpen = n;
    for (int i = 0; i < n; i++) {
      Entry<O> e = window.get(head + i);
      if (e != null && !e.done) {
        firstOpen = i;
        break;
      }
    }
    long offset = headOffset + firstOpen;
    long fetchedEnd = headOffset + n;
    int inheritedTail = (int) Math.max(0, inheritedBase + inherited.length - fetchedEnd);
    byte[] codes = new byte[n - firstOpen + inheritedTail];
    for (int i = firstOpen; i < n; i++) {
      Entry<O> e = window.get(head + i);
      codes[i - firstOpen] =
          e == null || e.done
              ? CommitMetadata.DONE
              : (byte) Math.min(CommitMetadata.MAX_STARTS, e.starts);
    }
    for (int i = 0; i < inheritedTail; i++) {
      codes[n - firstOpen + i] = inheritedCode(fetchedEnd + i);
    }
    CommitMetadata.Encoded encoded = CommitMetadata.encode(codes, codes.length, maxChars);
    List<Entry<O>> include = new ArrayList<>();
    int coveredEnd = Math.min(n, firstOpen + encoded.covered());
    for (int i = 0; i < coveredEnd; i++) {
      Entry<O> e = window.get(head + i);
      if (e != null && e.done && !e.published) {
        include.add(e);
      }
    }
    return new Plan<>(partition, offset, encoded.text(), include);
  }

  /** The plan's transaction committed. */
  void committed(Plan<O> plan) {
    for (Entry<O> e : plan.include()) {
      e.published = true;
      e.outputs = null;
    }
    committedOffset = plan.offset();
    int n = window.size();
    while (head < n) {
      Entry<O> e = window.get(head);
      if (e != null && !(e.done && e.published)) {
        break;
      }
      head++;
      headOffset++;
    }
    if (head > 1024 && head > n / 2) {
      window.subList(0, head).clear();
      head = 0;
    }
    dirty = false;
    for (int i = head; i < window.size(); i++) {
      Entry<O> e = window.get(i);
      if (e != null && e.done && !e.published) {
        dirty = true; // beyond what the metadata could hold this time
        break;
      }
    }
  }

  /** The plan's transaction aborted: its outputs stay to be published. */
  void aborted(Plan<O> plan) {
    dirty = true;
  }
}
