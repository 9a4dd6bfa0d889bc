package dev.streamperf.metrics.http;

import dev.streamperf.metrics.summary.RunSummary;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.net.URI;
import java.util.List;

/** What the HTTP server serves; {@link dev.streamperf.metrics.MetricsApp} implements it. */
public interface MetricsApi {

  /** The /metrics exposition. */
  MetricSnapshots scrape();

  /** The runs this instance holds. */
  List<RunOverview> runs();

  /** Where a run's summary is. */
  SummaryAnswer locateSummary(String runId);

  /** The Kafka Streams state, e.g. RUNNING. */
  String state();

  /** Whether the instance is healthy (RUNNING or REBALANCING). */
  boolean healthy();

  /** The answer to {@code GET /runs/{id}/summary}. */
  sealed interface SummaryAnswer {
    /** This instance holds the run. */
    record Found(RunSummary summary) implements SummaryAnswer {}

    /** Another instance of the application holds it, at this URL. */
    record Elsewhere(URI location) implements SummaryAnswer {}

    /** No instance holds it. */
    record NotFound() implements SummaryAnswer {}

    /** The stores are not queryable now (starting, rebalancing). */
    record Unavailable(String why) implements SummaryAnswer {}
  }
}
