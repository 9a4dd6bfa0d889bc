package dev.streamperf.metrics.summary;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.Distribution;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.core.Tally;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Turns a run's merged {@link Aggregate} and its announcement into a {@link RunSummary}. */
public final class SummaryBuilder {

  /** The order of the console table, like AIPerf's; load-generator metrics come last. */
  public static final List<Metric> REPORT_ORDER =
      List.of(
          Metric.TIME_TO_FIRST_TOKEN,
          Metric.TIME_TO_SECOND_TOKEN,
          Metric.REQUEST_LATENCY,
          Metric.INTER_TOKEN_LATENCY,
          Metric.INTER_CHUNK_LATENCY,
          Metric.OUTPUT_TOKEN_THROUGHPUT_PER_USER,
          Metric.OUTPUT_SEQUENCE_LENGTH,
          Metric.INPUT_SEQUENCE_LENGTH,
          Metric.IMAGE_THROUGHPUT,
          Metric.IMAGE_LATENCY,
          Metric.QUEUE_INCLUSIVE_LATENCY,
          Metric.OUTPUT_TOKEN_THROUGHPUT,
          Metric.REQUEST_THROUGHPUT,
          Metric.GOODPUT,
          Metric.REQUEST_COUNT,
          Metric.ERROR_REQUEST_COUNT,
          Metric.BENCHMARK_DURATION,
          Metric.SCHEDULE_DELAY,
          Metric.CREDIT_GAP);

  private SummaryBuilder() {}

  /** The produced count a RunEvent makes final, or -1 while the producer is still publishing. */
  public static long producedRequests(RunEvent e) {
    return e == null || e.getStatus() == RunStatus.STARTED ? -1 : e.getProducedRequests();
  }

  /** The warmup count a RunEvent makes final, or -1. */
  public static long warmupRequests(RunEvent e) {
    return e == null || e.getStatus() == RunStatus.STARTED ? -1 : e.getWarmupRequests();
  }

  /**
   * Builds a run's summary.
   *
   * @param runId the run
   * @param run its announcement
   * @param producedRequests the producer's final count of requests (warmup included), or -1
   * @param warmupRequests of those, warmup, or -1
   * @param totals the run's records folded into one aggregate (every model and endpoint)
   * @param slos the goodput objectives the aggregate was folded with
   * @param lateRecords records that missed their window
   * @param models the models of the run's records
   * @param endpoints the endpoints of the run's records
   */
  public static RunSummary build(
      String runId,
      RunInfo run,
      long producedRequests,
      long warmupRequests,
      Aggregate totals,
      GoodputSlos slos,
      long lateRecords,
      Collection<String> models,
      Collection<String> endpoints) {
    long durationNs = totals.durationNs();
    double seconds = durationNs / 1e9;
    List<MetricSummary> metrics = new ArrayList<>();
    for (Metric m : REPORT_ORDER) {
      if (m.hasDistribution()) {
        Distribution d = totals.distribution(m);
        if (d != null && d.count() > 0) {
          metrics.add(MetricSummary.of(m, Map.of(), Statistics.of(d, m.unit())));
        }
        continue;
      }
      Statistics single =
          switch (m) {
            case OUTPUT_TOKEN_THROUGHPUT -> rate(outputTokens(totals), seconds);
            case REQUEST_THROUGHPUT -> rate(totals.validRequests(), seconds);
            case GOODPUT -> slos.isEmpty() ? null : rate(totals.goodRequests(), seconds);
            case REQUEST_COUNT -> Statistics.single(totals.validRequests());
            case ERROR_REQUEST_COUNT -> Statistics.single(totals.errorRequests());
            case BENCHMARK_DURATION -> durationNs > 0 ? Statistics.single(seconds) : null;
            default -> null;
          };
      if (single != null) {
        metrics.add(MetricSummary.of(m, Map.of(), single));
      }
    }
    List<AccuracySummary> accuracy = new ArrayList<>();
    SortedMap<String, SortedMap<String, Tally>> categories = totals.categories();
    for (Map.Entry<String, Tally> e : totals.scorers().entrySet()) {
      String scorer = e.getKey();
      accuracy.add(accuracy(scorer, null, e.getValue()));
      metrics.addAll(accuracyMetrics(scorer, null, e.getValue()));
      for (Map.Entry<String, Tally> c : categories.getOrDefault(scorer, emptyMap()).entrySet()) {
        accuracy.add(accuracy(scorer, c.getKey(), c.getValue()));
        metrics.addAll(accuracyMetrics(scorer, c.getKey(), c.getValue()));
      }
    }
    Counts counts = counts(producedRequests, warmupRequests, totals, lateRecords);
    return new RunSummary(
        runId,
        run,
        counts,
        totals.minSentNs() == Long.MAX_VALUE ? null : totals.minSentNs() / 1_000L,
        totals.maxLastContentNs() == Long.MIN_VALUE ? null : totals.maxLastContentNs() / 1_000L,
        seconds,
        metrics,
        totals.errors(),
        totals.httpStatuses(),
        totals.outputTokenSources(),
        totals.inputTokenSources(),
        accuracy,
        slos.isEmpty() ? null : slos.spec(),
        List.copyOf(new java.util.TreeSet<>(models)),
        List.copyOf(new java.util.TreeSet<>(endpoints)));
  }

  private static SortedMap<String, Tally> emptyMap() {
    return new java.util.TreeMap<>();
  }

  private static double outputTokens(Aggregate totals) {
    Distribution osl = totals.distribution(Metric.OUTPUT_SEQUENCE_LENGTH);
    return osl == null ? 0 : osl.sum().doubleValue();
  }

  private static Statistics rate(double amount, double seconds) {
    return seconds > 0 ? Statistics.single(amount / seconds) : null;
  }

  private static Counts counts(long produced, long warmup, Aggregate totals, long lateRecords) {
    long results = totals.results();
    long pending = produced < 0 ? -1 : produced - results;
    boolean reconciled;
    String sentence;
    if (produced < 0) {
      reconciled = false;
      sentence =
          "results "
              + results
              + "; the producer has not announced its final count, so pending is unknown";
    } else if (pending >= 0) {
      reconciled = true;
      sentence =
          "requests produced " + produced + " = results " + results + " + pending " + pending;
    } else {
      reconciled = false;
      sentence =
          "results "
              + results
              + " exceed requests produced "
              + produced
              + " by "
              + (-pending)
              + ": results of requests this run's producer did not announce";
    }
    return new Counts(
        produced,
        warmup,
        results,
        totals.profilingResults(),
        totals.warmupResults(),
        pending,
        totals.validRequests(),
        totals.errorRequests(),
        totals.goodRequests(),
        totals.duplicateResults(),
        totals.scorableResults(),
        totals.scores(),
        totals.duplicateScores(),
        totals.tokenEvents(),
        lateRecords,
        reconciled,
        sentence);
  }

  private static Map<String, String> labels(String scorer, String category) {
    return category == null
        ? Map.of("scorer", scorer)
        : Map.of("scorer", scorer, "category", category);
  }

  private static List<MetricSummary> accuracyMetrics(String scorer, String category, Tally t) {
    List<MetricSummary> out = new ArrayList<>();
    Map<String, String> labels = labels(scorer, category);
    out.add(
        MetricSummary.of(
            Metric.ACCURACY, labels, Statistics.of(t.values(), Metric.ACCURACY.unit())));
    Hierarchical h = Hierarchical.of(t.componentSums());
    if (h != null) {
      out.add(MetricSummary.of(Metric.HIERARCHICAL_PRECISION, labels, single(h.precision, t)));
      out.add(MetricSummary.of(Metric.HIERARCHICAL_RECALL, labels, single(h.recall, t)));
      out.add(MetricSummary.of(Metric.HIERARCHICAL_F1, labels, single(h.f1, t)));
    }
    return out;
  }

  private static Statistics single(double value, Tally t) {
    return new Statistics(t.count(), value, value, value, value, 0, 0, Map.of());
  }

  private static AccuracySummary accuracy(String scorer, String category, Tally t) {
    Statistics s = Statistics.of(t.values(), Metric.ACCURACY.unit());
    Map<String, Double> sums = t.componentSums();
    Hierarchical h = Hierarchical.of(sums);
    Double brand =
        sums.containsKey("brand_match") && t.count() > 0
            ? sums.get("brand_match") / t.count()
            : null;
    Double secondhand = null;
    if (sums.containsKey("secondhand_tp")) {
      double tp = sums.get("secondhand_tp");
      double denominator =
          2 * tp
              + sums.getOrDefault("secondhand_fp", 0.0)
              + sums.getOrDefault("secondhand_fn", 0.0);
      secondhand = denominator == 0 ? 0.0 : 2 * tp / denominator;
    }
    return new AccuracySummary(
        scorer,
        category,
        t.count(),
        t.parsed(),
        s.avg(),
        s.std(),
        sums,
        h == null ? null : h.precision,
        h == null ? null : h.recall,
        h == null ? null : h.f1,
        brand,
        secondhand);
  }

  /** Micro-averaged hierarchical precision, recall and F1 from ΣI, ΣP, ΣT. */
  record Hierarchical(double precision, double recall, double f1) {
    static Hierarchical of(Map<String, Double> sums) {
      Double i = sums.get("intersection");
      Double p = sums.get("predicted");
      Double t = sums.get("true");
      if (i == null || p == null || t == null) {
        return null;
      }
      double precision = p == 0 ? 0 : i / p;
      double recall = t == 0 ? 0 : i / t;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      return new Hierarchical(precision, recall, f1);
    }
  }
}
