package dev.streamperf.metrics.summary;

import dev.streamperf.metrics.core.Metric;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a report shows about one run: the run's announcement, counts that reconcile, every
 * statistic of every metric of METRICS.md, errors by kind, where token counts came from, and
 * accuracy. Built by {@link SummaryBuilder} from the run's merged aggregate, the same way for the
 * live app and for {@code streamperf report}.
 *
 * @param runId the run
 * @param run what the runs topic says about it
 * @param counts produced, results, pending, duplicates, late records, and whether they reconcile
 * @param startUs min(sent) over profiling requests, epoch µs; null when none was sent
 * @param endUs max(c[last]) over valid requests, epoch µs; null when none
 * @param durationSeconds {@code endUs − startUs} in seconds: the throughputs' denominator
 * @param metrics every metric, in report order; accuracy entries carry a scorer (and category)
 *     label
 * @param errorsByKind failed profiling requests by ErrorKind
 * @param errorsByHttpStatus failed profiling requests by HTTP status, where one arrived
 * @param outputTokenSources valid requests by where their OSL came from (SERVER, TOKENIZER,
 *     UNREPORTED)
 * @param inputTokenSources valid requests by where their ISL came from
 * @param accuracy per scorer, then per scorer and category
 * @param goodput the goodput objectives in AIPerf's spelling, or null when none
 * @param models the models seen in the run's records
 * @param endpoints the endpoints seen in the run's records
 */
public record RunSummary(
    String runId,
    RunInfo run,
    Counts counts,
    Long startUs,
    Long endUs,
    double durationSeconds,
    List<MetricSummary> metrics,
    Map<String, Long> errorsByKind,
    Map<Integer, Long> errorsByHttpStatus,
    Map<String, Long> outputTokenSources,
    Map<String, Long> inputTokenSources,
    List<AccuracySummary> accuracy,
    String goodput,
    List<String> models,
    List<String> endpoints) {

  public RunSummary {
    metrics = List.copyOf(metrics);
    errorsByKind = Map.copyOf(errorsByKind);
    errorsByHttpStatus = Map.copyOf(errorsByHttpStatus);
    outputTokenSources = Map.copyOf(outputTokenSources);
    inputTokenSources = Map.copyOf(inputTokenSources);
    accuracy = List.copyOf(accuracy);
    models = List.copyOf(models);
    endpoints = List.copyOf(endpoints);
  }

  /** The unlabelled summary of a metric, if the run has values of it. */
  public Optional<MetricSummary> metric(Metric m) {
    return metrics.stream()
        .filter(s -> s.tag().equals(m.tag()) && s.labels().isEmpty())
        .findFirst();
  }

  /** The summary of a metric with exactly these labels. */
  public Optional<MetricSummary> metric(Metric m, Map<String, String> labels) {
    return metrics.stream()
        .filter(s -> s.tag().equals(m.tag()) && s.labels().equals(labels))
        .findFirst();
  }
}
