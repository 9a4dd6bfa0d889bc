package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import org.apache.kafka.common.serialization.Serde;

/**
 * The latest closed window of a scope, as /metrics shows it.
 *
 * @param startUs window start, epoch µs (inclusive)
 * @param endUs window end, epoch µs (exclusive)
 * @param aggregate its records
 */
public record ClosedWindow(long startUs, long endUs, Aggregate aggregate) {

  static Serde<ClosedWindow> serde() {
    return Codecs.serde(
        "closed window",
        (w, out) -> {
          out.writeLong(w.startUs());
          out.writeLong(w.endUs());
          w.aggregate().writeTo(out);
        },
        in -> new ClosedWindow(in.readLong(), in.readLong(), Aggregate.readFrom(in)));
  }
}
