package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.Distribution;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.MetricUnit;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.core.Tally;
import dev.streamperf.schemas.MetricScope;
import dev.streamperf.schemas.WindowedMetric;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;

/**
 * Turns an aggregate into the {@code WindowedMetric} records of the {@code metrics} topic: one per
 * distribution (exact count, sum, min, max, m2, and the compressed HdrHistogram so consumers can
 * merge windows), one single value per throughput and count (count 1, sum = min = max = the value),
 * errors per kind, and accuracy per scorer and category.
 */
public final class WindowedMetrics {

  private WindowedMetrics() {}

  /** The record key: run id, metric (with its labels) and window start. */
  public static String key(WindowedMetric m) {
    StringBuilder key = new StringBuilder(m.getRunId()).append('/').append(m.getMetric());
    if (!m.getLabels().isEmpty()) {
      key.append(new java.util.TreeMap<>(m.getLabels()));
    }
    return key.append('/')
        .append(m.getScope() == MetricScope.RUN ? "run" : Long.toString(m.getWindowStartUs()))
        .toString();
  }

  /**
   * The records of one scope's window or run total.
   *
   * @param durationSeconds the throughputs' denominator: the window length, or the run's benchmark
   *     duration
   */
  public static List<WindowedMetric> of(
      Scope scope,
      MetricScope kind,
      long startUs,
      long endUs,
      double durationSeconds,
      Aggregate a,
      GoodputSlos slos,
      long lateRecords,
      boolean closed,
      long emittedUs) {
    Template t = new Template(scope, kind, startUs, endUs, lateRecords, closed, emittedUs);
    List<WindowedMetric> out = new ArrayList<>();
    for (Metric m : Metric.distributions()) {
      Distribution d = a.distribution(m);
      if (d != null && d.count() > 0) {
        out.add(t.distribution(m.tag(), m.unit(), Map.of(), d));
      }
    }
    if (durationSeconds > 0) {
      Distribution osl = a.distribution(Metric.OUTPUT_SEQUENCE_LENGTH);
      double tokens = osl == null ? 0 : osl.sum().doubleValue();
      out.add(t.single(Metric.OUTPUT_TOKEN_THROUGHPUT, Map.of(), tokens / durationSeconds));
      out.add(t.single(Metric.REQUEST_THROUGHPUT, Map.of(), a.validRequests() / durationSeconds));
      if (!slos.isEmpty()) {
        out.add(t.single(Metric.GOODPUT, Map.of(), a.goodRequests() / durationSeconds));
      }
    }
    out.add(t.single(Metric.REQUEST_COUNT, Map.of(), a.validRequests()));
    out.add(t.single(Metric.ERROR_REQUEST_COUNT, Map.of(), a.errorRequests()));
    for (Map.Entry<String, Long> e : a.errors().entrySet()) {
      out.add(t.single(Metric.ERROR_REQUEST_COUNT, Map.of("error_kind", e.getKey()), e.getValue()));
    }
    if (kind == MetricScope.RUN && durationSeconds > 0) {
      out.add(t.single(Metric.BENCHMARK_DURATION, Map.of(), durationSeconds));
    }
    SortedMap<String, SortedMap<String, Tally>> categories = a.categories();
    for (Map.Entry<String, Tally> s : a.scorers().entrySet()) {
      accuracy(t, out, Map.of("scorer", s.getKey()), s.getValue());
      for (Map.Entry<String, Tally> c :
          categories.getOrDefault(s.getKey(), new java.util.TreeMap<>()).entrySet()) {
        accuracy(t, out, Map.of("scorer", s.getKey(), "category", c.getKey()), c.getValue());
      }
    }
    return out;
  }

  private static void accuracy(
      Template t, List<WindowedMetric> out, Map<String, String> labels, Tally tally) {
    out.add(t.distribution(Metric.ACCURACY.tag(), MetricUnit.RATIO, labels, tally.values()));
    Map<String, Double> sums = tally.componentSums();
    Double i = sums.get("intersection");
    Double p = sums.get("predicted");
    Double truth = sums.get("true");
    if (i != null && p != null && truth != null) {
      double precision = p == 0 ? 0 : i / p;
      double recall = truth == 0 ? 0 : i / truth;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      out.add(t.single(Metric.HIERARCHICAL_PRECISION, labels, precision));
      out.add(t.single(Metric.HIERARCHICAL_RECALL, labels, recall));
      out.add(t.single(Metric.HIERARCHICAL_F1, labels, f1));
    }
  }

  /** HdrHistogram's compressed form, as the contract carries it. */
  public static ByteBuffer compressed(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer, Deflater.DEFAULT_COMPRESSION);
    return ByteBuffer.wrap(Arrays.copyOf(buffer.array(), length));
  }

  private record Template(
      Scope scope,
      MetricScope kind,
      long startUs,
      long endUs,
      long lateRecords,
      boolean closed,
      long emittedUs) {

    WindowedMetric.Builder base(String metric, MetricUnit unit, Map<String, String> labels) {
      return WindowedMetric.newBuilder()
          .setRunId(scope.runId())
          .setModel(scope.model())
          .setEndpoint(scope.endpoint())
          .setMetric(metric)
          .setUnit(unit.unit())
          .setLabels(labels)
          .setScope(kind)
          .setWindowStartUs(startUs)
          .setWindowEndUs(endUs)
          .setLateRecords(kind == MetricScope.RUN ? lateRecords : 0)
          .setClosed(closed)
          .setEmittedUs(emittedUs);
    }

    WindowedMetric distribution(
        String metric, MetricUnit unit, Map<String, String> labels, Distribution d) {
      Statistics s = Statistics.of(d, unit);
      Histogram h = d.histogram();
      return base(metric, unit, labels)
          .setCount(s.count())
          .setSum(s.sum())
          .setMin(s.min())
          .setMax(s.max())
          .setM2(s.m2())
          .setHistogram(h == null ? null : compressed(h))
          .setHistogramScale(h == null ? 1.0 : unit.histogramScale())
          .build();
    }

    WindowedMetric single(Metric m, Map<String, String> labels, double value) {
      return base(m.tag(), m.unit(), labels)
          .setCount(1)
          .setSum(value)
          .setMin(value)
          .setMax(value)
          .setM2(0)
          .setHistogram(null)
          .setHistogramScale(1.0)
          .build();
    }
  }
}
