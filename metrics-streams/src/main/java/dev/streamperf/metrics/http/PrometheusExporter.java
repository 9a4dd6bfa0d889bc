package dev.streamperf.metrics.http;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.Distribution;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.MetricUnit;
import dev.streamperf.metrics.core.Tally;
import dev.streamperf.metrics.streams.ClosedWindow;
import dev.streamperf.metrics.streams.RunState;
import dev.streamperf.metrics.streams.RunStoreView;
import dev.streamperf.metrics.streams.Scope;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Builds the /metrics exposition from the stores: per run, model and endpoint, the run totals and
 * the latest closed window of every metric (summaries with quantiles from the HdrHistograms, in
 * base units), throughputs, counters, accuracy, the run's progress, and the Streams instance's
 * health. The JVM's own families are added by the HTTP server ({@link
 * dev.streamperf.schemas.health.ProcessMetrics}).
 */
public final class PrometheusExporter {

  /** The quantiles every summary carries. */
  static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.999};

  private PrometheusExporter() {}

  /**
   * The snapshots of everything this instance holds.
   *
   * @param view the stores, or empty while they are not queryable (the run families are then left
   *     out and {@code streamperf_streams_stores_queryable} is 0)
   * @param state the Kafka Streams state, e.g. RUNNING
   * @param health the instance's counters
   */
  public static MetricSnapshots scrape(
      Optional<RunStoreView> view, String state, StreamsHealth health) {
    Families f = new Families();
    if (view.isPresent()) {
      for (RunState run : view.get().states()) {
        run(f, view.get(), run);
      }
    }
    f.gauge(
        "streamperf_streams_stores_queryable",
        "1 when the run stores answer queries, 0 while starting or rebalancing.",
        Labels.EMPTY,
        view.isPresent() ? 1 : 0);
    f.gauge(
        "streamperf_streams_state",
        "1 for the Kafka Streams state this instance is in.",
        Labels.of("state", state),
        1);
    f.counter(
        "streamperf_streams_dropped_records",
        "Input records Kafka Streams dropped (corrupt or unprocessable), logged with their offsets.",
        Labels.EMPTY,
        health.droppedRecords());
    f.counter(
        "streamperf_streams_late_records",
        "Records that arrived after their window closed (in the run totals, not in their window).",
        Labels.EMPTY,
        health.lateRecords());
    f.counter(
        "streamperf_streams_invalid_records",
        "Input records without a value, skipped and logged with their offsets.",
        Labels.EMPTY,
        health.invalidRecords());
    f.counter(
        "streamperf_streams_duplicate_results",
        "Results of a request id already counted (re-executed attempts), counted once.",
        Labels.EMPTY,
        health.duplicateResults());
    f.counter(
        "streamperf_streams_duplicate_scores",
        "Scores of a request id already counted.",
        Labels.EMPTY,
        health.duplicateScores());
    f.counter(
        "streamperf_streams_records_after_finish",
        "Records of runs that had already finished.",
        Labels.EMPTY,
        health.recordsAfterFinish());
    f.counter(
        "streamperf_streams_processed_records",
        "Records the stream threads processed.",
        Labels.EMPTY,
        health.processedRecords());
    if (Double.isFinite(health.recordsLagMax())) {
      f.gauge(
          "streamperf_streams_records_lag_max",
          "The largest consumer lag of any input partition, in records.",
          Labels.EMPTY,
          health.recordsLagMax());
    }
    return f.build();
  }

  private static void run(Families f, RunStoreView view, RunState run) {
    Labels runLabels = Labels.of("run", run.runId());
    long produced = run.producedRequests();
    f.gauge(
        "streamperf_run_finished",
        "1 when the run finished (or was aborted), else 0.",
        runLabels,
        run.finished() ? 1 : 0);
    f.counter(
        "streamperf_run_results",
        "Results received, one per request id, warmup included.",
        runLabels,
        run.results());
    if (produced >= 0) {
      f.gauge(
          "streamperf_run_produced_requests",
          "Requests the producer published, warmup included (final once PRODUCED).",
          runLabels,
          produced);
      f.gauge(
          "streamperf_run_pending_requests",
          "Requests produced minus results received.",
          runLabels,
          produced - run.results());
    }
    f.counter(
        "streamperf_run_late_records",
        "Records of the run that arrived after their window closed.",
        runLabels,
        run.lateRecords());
    f.counter(
        "streamperf_run_records_after_finish",
        "Records of the run that arrived after it finished.",
        runLabels,
        run.recordsAfterFinish());
    Map<Scope, ClosedWindow> windows = view.lastWindows(run);
    for (Map.Entry<Scope, Aggregate> e : view.totals(run).entrySet()) {
      Scope scope = e.getKey();
      Labels labels =
          Labels.of("run", scope.runId(), "model", scope.model(), "endpoint", scope.endpoint());
      Aggregate total = e.getValue();
      aggregate(f, "streamperf_", labels, total, total.durationNs() / 1e9, "the run so far");
      counters(f, labels, total);
      ClosedWindow w = windows.get(scope);
      if (w != null) {
        aggregate(
            f,
            "streamperf_window_",
            labels,
            w.aggregate(),
            (w.endUs() - w.startUs()) / 1e6,
            "the latest closed window");
        f.gauge(
            "streamperf_window_start_timestamp_seconds",
            "Start of the latest closed window, Unix time.",
            labels,
            w.startUs() / 1e6);
        f.gauge(
            "streamperf_window_end_timestamp_seconds",
            "End of the latest closed window, Unix time.",
            labels,
            w.endUs() / 1e6);
      }
    }
  }

  private static void aggregate(
      Families f, String prefix, Labels labels, Aggregate a, double seconds, String what) {
    for (Metric m : Metric.distributions()) {
      Distribution d = a.distribution(m);
      if (d != null && d.count() > 0) {
        f.summary(
            prefix + m.tag() + "_" + m.unit().baseUnit(),
            m.header() + " over " + what + ", in " + m.unit().baseUnit().replace('_', ' ') + ".",
            labels,
            d,
            m.unit());
      }
    }
    if (seconds > 0) {
      Distribution osl = a.distribution(Metric.OUTPUT_SEQUENCE_LENGTH);
      f.gauge(
          prefix + "output_token_throughput_tokens_per_second",
          "Output tokens per second over " + what + ".",
          labels,
          osl == null ? 0 : osl.sum().doubleValue() / seconds);
      f.gauge(
          prefix + "request_throughput_requests_per_second",
          "Successful requests per second over " + what + ".",
          labels,
          a.validRequests() / seconds);
      f.gauge(
          prefix + "goodput_requests_per_second",
          "Requests meeting every goodput objective per second over " + what + ".",
          labels,
          a.goodRequests() / seconds);
    }
    for (Map.Entry<String, Tally> s : a.scorers().entrySet()) {
      Tally t = s.getValue();
      Labels scorer = labels.add("scorer", s.getKey());
      f.gauge(
          prefix + "accuracy_ratio", "Mean score per scorer over " + what + ".", scorer, mean(t));
      Map<String, Double> sums = t.componentSums();
      Double i = sums.get("intersection");
      Double p = sums.get("predicted");
      Double truth = sums.get("true");
      if (i != null && p != null && truth != null) {
        double precision = p == 0 ? 0 : i / p;
        double recall = truth == 0 ? 0 : i / truth;
        f.gauge(
            prefix + "hierarchical_f1_ratio",
            "Micro-averaged hierarchical F1 (from ΣI, ΣP, ΣT) over " + what + ".",
            scorer,
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
      }
      for (Map.Entry<String, Tally> c :
          a.categories().getOrDefault(s.getKey(), new java.util.TreeMap<>()).entrySet()) {
        f.gauge(
            prefix + "accuracy_by_category_ratio",
            "Mean score per scorer and category over " + what + ".",
            scorer.add("category", c.getKey()),
            mean(c.getValue()));
      }
    }
  }

  private static double mean(Tally t) {
    return t.count() == 0
        ? 0
        : t.values().sum().doubleValue() / t.count() / MetricUnit.RATIO.scale();
  }

  private static void counters(Families f, Labels labels, Aggregate a) {
    f.counter(
        "streamperf_requests",
        "Successful profiling requests (AIPerf's request count).",
        labels,
        a.validRequests());
    f.counter(
        "streamperf_good_requests",
        "Successful requests that met every goodput objective.",
        labels,
        a.goodRequests());
    for (Map.Entry<String, Long> e : a.errors().entrySet()) {
      f.counter(
          "streamperf_error_requests",
          "Failed profiling requests by kind (HTTP_STATUS, TIMEOUT, CONNECTION, PROTOCOL,"
              + " CANCELLED, OTHER).",
          labels.add("error_kind", e.getKey()),
          e.getValue());
    }
    Distribution osl = a.distribution(Metric.OUTPUT_SEQUENCE_LENGTH);
    Distribution isl = a.distribution(Metric.INPUT_SEQUENCE_LENGTH);
    f.counter(
        "streamperf_output_tokens",
        "Output tokens of successful requests.",
        labels,
        osl == null ? 0 : osl.sum().doubleValue());
    f.counter(
        "streamperf_input_tokens",
        "Input tokens of successful requests.",
        labels,
        isl == null ? 0 : isl.sum().doubleValue());
    f.counter(
        "streamperf_content_events",
        "Content events (token events) of profiling requests.",
        labels,
        a.tokenEvents());
    f.counter(
        "streamperf_duplicate_results",
        "Results of a request id already counted.",
        labels,
        a.duplicateResults());
    for (Map.Entry<String, Tally> s : a.scorers().entrySet()) {
      f.counter(
          "streamperf_scores",
          "Profiling scores per scorer.",
          labels.add("scorer", s.getKey()),
          s.getValue().count());
    }
  }

  /** Data points grouped into families by name, in first-seen order. */
  private static final class Families {
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, List<GaugeDataPointSnapshot>> gauges = new LinkedHashMap<>();
    private final Map<String, List<CounterDataPointSnapshot>> counters = new LinkedHashMap<>();
    private final Map<String, List<SummaryDataPointSnapshot>> summaries = new LinkedHashMap<>();

    void gauge(String name, String text, Labels labels, double value) {
      help.putIfAbsent(name, text);
      gauges
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    /** {@code name} without {@code _total}: the text format adds it. */
    void counter(String name, String text, Labels labels, double value) {
      help.putIfAbsent(name, text);
      counters
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void summary(String name, String text, Labels labels, Distribution d, MetricUnit unit) {
      help.putIfAbsent(name, text);
      double toBase = unit.toBase();
      List<Quantile> quantiles = new ArrayList<>();
      Histogram h = d.histogram();
      double min = unit.toDisplay(d.min());
      double max = unit.toDisplay(d.max());
      if (h != null) {
        for (double q : QUANTILES) {
          double v = h.getValueAtPercentile(q * 100) / unit.histogramScale();
          quantiles.add(new Quantile(q, Math.max(min, Math.min(max, v)) * toBase));
        }
      }
      double sum = d.sum().doubleValue() / unit.scale() * toBase;
      summaries
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(
              SummaryDataPointSnapshot.builder()
                  .labels(labels)
                  .quantiles(Quantiles.of(quantiles))
                  .count(d.count())
                  .sum(sum)
                  .build());
    }

    MetricSnapshots build() {
      List<MetricSnapshot> out = new ArrayList<>();
      summaries.forEach(
          (name, points) -> {
            SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help.get(name));
            points.forEach(b::dataPoint);
            out.add(b.build());
          });
      gauges.forEach(
          (name, points) -> {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help.get(name));
            points.forEach(b::dataPoint);
            out.add(b.build());
          });
      counters.forEach(
          (name, points) -> {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help.get(name));
            points.forEach(b::dataPoint);
            out.add(b.build());
          });
      return new MetricSnapshots(out);
    }
  }
}
