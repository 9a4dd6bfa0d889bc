package dev.streamperf.metrics.streams;

import java.util.Collection;
import org.apache.kafka.common.serialization.Serde;

/**
 * Every input partition's progress as one per-run task has heard it, and the watermark the windows
 * close on: the smallest watermark of the partitions still active; when all are idle (or silent for
 * {@code staleAfterMs}, e.g. their instance died), the later of their watermarks and the wall clock
 * minus the idle timeout, so the last windows of a finished load close too.
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

  static boolean active(Progress p, long wallMs, long staleAfterMs) {
    return !p.idle() && wallMs - p.heardWallMs() < staleAfterMs;
  }

  /** The watermark, epoch µs; {@code Long.MIN_VALUE} before any partition reported. */
  static long watermark(
      Collection<Progress> sources, long wallMs, long idleTimeoutMs, long staleAfterMs) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean anyActive = false;
    for (Progress p : sources) {
      max = Math.max(max, p.watermarkUs());
      if (active(p, wallMs, staleAfterMs)) {
        anyActive = true;
        min = Math.min(min, p.watermarkUs());
      }
    }
    if (anyActive) {
      return min;
    }
    if (sources.isEmpty()) {
      return Long.MIN_VALUE;
    }
    return Math.max(max, (wallMs - idleTimeoutMs) * 1_000L);
  }

  /** Whether no input partition holds unflushed records. */
  static boolean allIdle(Collection<Progress> sources, long wallMs, long staleAfterMs) {
    for (Progress p : sources) {
      if (active(p, wallMs, staleAfterMs)) {
        return false;
      }
    }
    return true;
  }
}
