package dev.streamperf.metrics.streams;

import java.util.Collection;
import org.apache.kafka.common.serialization.Serde;

/**
 * Every per-partition task's progress as one per-run task has heard it, and the watermark the
 * windows close on: the smallest watermark of the partitions still active; when all are idle, the
 * later of their watermarks and the wall clock minus the idle timeout, so the last windows of a
 * finished load close too. A partition silent for longer than {@code staleAfterMs} holds every
 * window until it reports again.
 */
final class Sources {

  /** One input partition's last report. */
  record Progress(long watermarkUs, boolean idle, long heardWallMs) {

    static Serde<Progress> serde() {
      return Codecs.serde(
          "source progress",
          (p, out) -> {
            out.writeLong(p.watermarkUs());
            out.writeBoolean(p.idle());
            out.writeLong(p.heardWallMs());
          },
          in -> new Progress(in.readLong(), in.readBoolean(), in.readLong()));
    }
  }

  private Sources() {}

  /**
   * The id of a per-partition task as a source: token events and results (with scores) are separate
   * sub-topologies, so their tasks of one partition number are separate sources.
   */
  static int id(int subtopology, int partition) {
    return (subtopology << 16) | partition;
  }

  /** The input partition of a source id. */
  static int partition(int sourceId) {
    return sourceId & 0xFFFF;
  }

  /** A source id for log lines: its task id, as Kafka Streams names tasks. */
  static String describe(int sourceId) {
    return (sourceId >>> 16) + "_" + partition(sourceId);
  }

  private static boolean current(Progress p, long wallMs, long staleAfterMs) {
    return wallMs - p.heardWallMs() < staleAfterMs;
  }

  /**
   * The watermark, epoch µs; {@code Long.MIN_VALUE} (every window held) before any partition
   * reported, or while one has not reported for {@code staleAfterMs}: after a restart or while its
   * task moves to another instance it may still hold records of any age.
   */
  static long watermark(
      Collection<Progress> sources, long wallMs, long idleTimeoutMs, long staleAfterMs) {
    if (sources.isEmpty()) {
      return Long.MIN_VALUE;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean anyActive = false;
    for (Progress p : sources) {
      if (!current(p, wallMs, staleAfterMs)) {
        return Long.MIN_VALUE;
      }
      max = Math.max(max, p.watermarkUs());
      if (!p.idle()) {
        anyActive = true;
        min = Math.min(min, p.watermarkUs());
      }
    }
    if (anyActive) {
      return min;
    }
    return Math.max(max, (wallMs - idleTimeoutMs) * 1_000L);
  }

  /** Whether every input partition reported lately that it holds nothing unflushed. */
  static boolean allIdle(Collection<Progress> sources, long wallMs, long staleAfterMs) {
    for (Progress p : sources) {
      if (!p.idle() || !current(p, wallMs, staleAfterMs)) {
        return false;
      }
    }
    return true;
  }
}
