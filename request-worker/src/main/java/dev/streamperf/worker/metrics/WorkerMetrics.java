package dev.streamperf.worker.metrics;

import dev.streamperf.schemas.ErrorKind;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The worker's own health, as Prometheus metrics in a registry of its own: what it has in flight,
 * how fast it sends, how late against the schedule, how late its event loops run, errors by kind,
 * the media cache, transactions and consumer lag. The harness proves it was not the bottleneck with
 * these. Thread-safe: the Prometheus data points are striped for concurrent updates.
 */
public final class WorkerMetrics {

  private static final double[] DELAY_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint sent;
  private final CounterDataPoint succeeded;
  private final CounterDataPoint contentEvents;
  private final Map<ErrorKind, CounterDataPoint> errors = new EnumMap<>(ErrorKind.class);
  private final DistributionDataPoint scheduleDelay;
  private final DistributionDataPoint creditGap;
  private final DistributionDataPoint loopLag;
  private final DistributionDataPoint commitLatency;
  private final CounterDataPoint commits;
  private final CounterDataPoint aborts;
  private final CounterDataPoint recordsProduced;
  private final CounterDataPoint mediaHits;
  private final CounterDataPoint mediaMisses;
  private final Counter abandoned;
  private final CounterDataPoint malformedRequests;
  private final CounterDataPoint skippedDone;

  public WorkerMetrics(String workerId) {
    sent =
        Counter.builder()
            .name("streamperf_worker_requests_sent")
            .help("HTTP requests whose first byte was written (rate: sends per second).")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    succeeded =
        Counter.builder()
            .name("streamperf_worker_requests_succeeded")
            .help("Requests whose response completed.")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    contentEvents =
        Counter.builder()
            .name("streamperf_worker_content_events")
            .help("SSE events that carried content or reasoning.")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    Counter errorCounter =
        Counter.builder()
            .name("streamperf_worker_errors")
            .help("Failed request attempts, by error kind.")
            .labelNames("worker", "kind")
            .withoutExemplars()
            .register(registry);
    for (ErrorKind kind : ErrorKind.values()) {
      errors.put(kind, errorCounter.labelValues(workerId, kind.name().toLowerCase(Locale.ROOT)));
    }
    scheduleDelay =
        histogram(
            "streamperf_worker_schedule_delay_seconds",
            "Send instant minus the instant the schedule intended (open loop and later turns).",
            workerId);
    creditGap =
        histogram(
            "streamperf_worker_credit_gap_seconds",
            "Closed loop: send instant minus completion of the result that released the credit.",
            workerId);
    loopLag =
        histogram(
            "streamperf_worker_event_loop_lag_seconds",
            "How late a probe task scheduled on each event loop ran.",
            workerId);
    commitLatency =
        histogram(
            "streamperf_worker_commit_seconds",
            "Duration of one Kafka transaction: begin, sends, offsets, commit.",
            workerId);
    Counter transactions =
        Counter.builder()
            .name("streamperf_worker_transactions")
            .help("Kafka transactions, by result.")
            .labelNames("worker", "result")
            .withoutExemplars()
            .register(registry);
    commits = transactions.labelValues(workerId, "committed");
    aborts = transactions.labelValues(workerId, "aborted");
    recordsProduced =
        Counter.builder()
            .name("streamperf_worker_records_produced")
            .help("Results and token events committed.")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    Counter media =
        Counter.builder()
            .name("streamperf_worker_media_lookups")
            .help("Media references resolved, by whether the local cache held them.")
            .labelNames("worker", "cache")
            .withoutExemplars()
            .register(registry);
    mediaHits = media.labelValues(workerId, "hit");
    mediaMisses = media.labelValues(workerId, "miss");
    abandoned =
        Counter.builder()
            .name("streamperf_worker_sessions_abandoned")
            .help("Sessions given up before they finished (left to the partition's next owner).")
            .labelNames("worker", "reason")
            .withoutExemplars()
            .register(registry);
    malformedRequests =
        Counter.builder()
            .name("streamperf_worker_malformed_requests")
            .help("Records of the requests topic that could not be decoded (skipped, logged).")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    skippedDone =
        Counter.builder()
            .name("streamperf_worker_requests_already_done")
            .help("Requests skipped because an earlier owner of the partition committed them.")
            .labelNames("worker")
            .withoutExemplars()
            .register(registry)
            .labelValues(workerId);
    this.workerId = workerId;
  }

  private final String workerId;

  private DistributionDataPoint histogram(String name, String help, String workerId) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames("worker")
        .classicUpperBounds(DELAY_BUCKETS)
        .classicOnly()
        .withoutExemplars()
        .register(registry)
        .labelValues(workerId);
  }

  /** Registers a gauge read when scraped. */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("worker")
        .callback(cb -> cb.call(value.getAsDouble(), workerId))
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void sent() {
    sent.inc();
  }

  public void succeeded() {
    succeeded.inc();
  }

  public void contentEvents(int n) {
    if (n > 0) {
      contentEvents.inc(n);
    }
  }

  public void error(ErrorKind kind) {
    errors.get(kind).inc();
  }

  public void scheduleDelayNanos(long nanos) {
    scheduleDelay.observe(Math.max(0, nanos) / 1e9);
  }

  public void creditGapNanos(long nanos) {
    creditGap.observe(Math.max(0, nanos) / 1e9);
  }

  public void loopLagNanos(long nanos) {
    loopLag.observe(Math.max(0, nanos) / 1e9);
  }

  public void committed(long nanos, int records) {
    commits.inc();
    commitLatency.observe(nanos / 1e9);
    recordsProduced.inc(records);
  }

  public void aborted() {
    aborts.inc();
  }

  public void mediaLookup(boolean hit) {
    (hit ? mediaHits : mediaMisses).inc();
  }

  public void abandoned(String reason) {
    abandoned.labelValues(workerId, reason).inc();
  }

  public void malformedRequest() {
    malformedRequests.inc();
  }

  public void skippedDone() {
    skippedDone.inc();
  }

  /** Error count of one kind so far. */
  public long errors(ErrorKind kind) {
    return (long) errors.get(kind).get();
  }

  public long sentCount() {
    return (long) sent.get();
  }
}
