package dev.streamperf.metrics.summary;

import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.Statistics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every statistic of one metric over a run (or one labelled part of it, e.g. one scorer's
 * accuracy).
 *
 * @param tag AIPerf's tag, e.g. {@code time_to_first_token}
 * @param header AIPerf's display name with unit, e.g. {@code Time to First Token (ms)}
 * @param unit the display unit, e.g. {@code ms}, {@code tokens/sec}
 * @param labels further dimensions (scorer, category); empty for most
 * @param single whether the metric is one value per run (throughputs, counts) rather than a
 *     distribution of per-request values
 * @param stats avg, min, max, std, percentiles, count and sum
 */
public record MetricSummary(
    String tag,
    String header,
    String unit,
    Map<String, String> labels,
    boolean single,
    Statistics stats) {

  public MetricSummary {
    labels = Map.copyOf(new TreeMap<>(labels));
  }

  static MetricSummary of(Metric m, Map<String, String> labels, Statistics stats) {
    return new MetricSummary(
        m.tag(), m.label(), m.unit().consoleUnit(), labels, m.kind() == Metric.Kind.DERIVED, stats);
  }
}
