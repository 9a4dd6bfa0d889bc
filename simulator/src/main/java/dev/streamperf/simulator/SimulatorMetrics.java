package dev.streamperf.simulator;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The simulator's own metrics, served at {@code /metrics}: vLLM's names and labels for what vLLM
 * reports (running and waiting requests, prompt and generation tokens, time to first token, end to
 * end latency, queue time), and {@code streamperf_simulator_*} for what only a simulator knows
 * (faults injected, chunk emission lateness, rejected requests). One registry per simulator.
 */
final class SimulatorMetrics {

  private static final double[] LATENCY_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    20.0, 40.0, 80.0
  };
  private static final double[] LATENESS_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0
  };
  private static final String LATENESS = "streamperf_simulator_chunk_lateness_seconds";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final LatenessRecorder lateness = new LatenessRecorder();

  private final CounterDataPoint promptTokens;
  private final CounterDataPoint generationTokens;
  private final Map<String, CounterDataPoint> success = new LinkedHashMap<>();
  private final DistributionDataPoint ttft;
  private final DistributionDataPoint e2e;
  private final DistributionDataPoint queueTime;
  private final Counter requests;
  private final Counter faults;
  private final Counter errors;
  private final Map<Outcome, CounterDataPoint> requestsByOutcome = new EnumMap<>(Outcome.class);
  private final Map<FaultKind, CounterDataPoint> faultsByKind = new EnumMap<>(FaultKind.class);
  private final Map<String, CounterDataPoint> errorsByKind = new ConcurrentHashMap<>();

  SimulatorMetrics(String model, BatchScheduler scheduler, LongSupplier truthLogDropped) {
    promptTokens =
        Counter.builder()
            .name("vllm:prompt_tokens")
            .help("Prompt tokens charged (text and media).")
            .labelNames("model_name")
            .withoutExemplars()
            .register(registry)
            .labelValues(model);
    generationTokens =
        Counter.builder()
            .name("vllm:generation_tokens")
            .help("Output tokens written (reasoning and content).")
            .labelNames("model_name")
            .withoutExemplars()
            .register(registry)
            .labelValues(model);
    Counter successCounter =
        Counter.builder()
            .name("vllm:request_success")
            .help("Requests that completed, by finish reason.")
            .labelNames("model_name", "finished_reason")
            .withoutExemplars()
            .register(registry);
    for (String reason : new String[] {"stop", "length"}) {
      success.put(reason, successCounter.labelValues(model, reason));
    }
    ttft =
        latencyHistogram(
            "vllm:time_to_first_token_seconds",
            "Time to first token: " + "request read to first token written.",
            model);
    e2e =
        latencyHistogram(
            "vllm:e2e_request_latency_seconds", "Request read to last token " + "written.", model);
    queueTime =
        latencyHistogram(
            "vllm:request_queue_time_seconds", "Time waiting for the " + "batch.", model);
    GaugeWithCallback.builder()
        .name("vllm:num_requests_running")
        .help("Sequences decoding now.")
        .labelNames("model_name")
        .callback(cb -> cb.call(scheduler.running(), model))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vllm:num_requests_waiting")
        .help("Requests waiting for the batch.")
        .labelNames("model_name")
        .callback(cb -> cb.call(scheduler.waiting(), model))
        .register(registry);
    GaugeWithCallback.builder()
        .name("streamperf_simulator_open_connections")
        .help("Client connections open now.")
        .callback(cb -> cb.call(openConnections.get()))
        .register(registry);
    requests =
        Counter.builder()
            .name("streamperf_simulator_requests")
            .help("Finished chat completion requests by outcome.")
            .labelNames("outcome")
            .withoutExemplars()
            .register(registry);
    for (Outcome outcome : Outcome.values()) {
      requestsByOutcome.put(outcome, requests.labelValues(outcome.name().toLowerCase(Locale.ROOT)));
    }
    faults =
        Counter.builder()
            .name("streamperf_simulator_faults")
            .help("Faults injected, by kind.")
            .labelNames("fault")
            .withoutExemplars()
            .register(registry);
    for (FaultKind kind : FaultKind.values()) {
      faultsByKind.put(kind, faults.labelValues(kind.label()));
    }
    errors =
        Counter.builder()
            .name("streamperf_simulator_errors")
            .help("Rejected requests and runtime faults, by kind.")
            .labelNames("kind")
            .withoutExemplars()
            .register(registry);
    CounterWithCallback.builder()
        .name("streamperf_simulator_ground_truth_log_dropped")
        .help("Ground-truth log lines dropped because the writer fell behind.")
        .callback(cb -> cb.call(truthLogDropped.getAsLong()))
        .register(registry);
    registry.register(
        new Collector() {
          @Override
          public MetricSnapshot collect() {
            return latenessSnapshot();
          }

          @Override
          public String getPrometheusName() {
            return LATENESS;
          }
        });
  }

  private DistributionDataPoint latencyHistogram(String name, String help, String model) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames("model_name")
        .classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS)
        .withoutExemplars()
        .register(registry)
        .labelValues(model);
  }

  private MetricSnapshot latenessSnapshot() {
    org.HdrHistogram.Histogram h = lateness.snapshot();
    long[] counts = new long[LATENESS_BUCKETS.length + 1];
    double[] bounds = new double[LATENESS_BUCKETS.length + 1];
    long below = 0;
    for (int i = 0; i < LATENESS_BUCKETS.length; i++) {
      long upToBound = h.getCountBetweenValues(0, (long) (LATENESS_BUCKETS[i] * 1e9));
      counts[i] = upToBound - below;
      below = upToBound;
      bounds[i] = LATENESS_BUCKETS[i];
    }
    bounds[LATENESS_BUCKETS.length] = Double.POSITIVE_INFINITY;
    counts[LATENESS_BUCKETS.length] = h.getTotalCount() - below;
    return HistogramSnapshot.builder()
        .name(LATENESS)
        .help("Chunk written minus chunk intended by the timing model.")
        .dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(lateness.sumNanos() / 1e9)
                .build())
        .build();
  }

  void connectionOpened() {
    openConnections.incrementAndGet();
  }

  void connectionClosed() {
    openConnections.decrementAndGet();
  }

  void promptTokens(int tokens) {
    promptTokens.inc(tokens);
  }

  void generated(int tokens) {
    generationTokens.inc(tokens);
  }

  void chunkLateness(long nanos) {
    lateness.record(nanos);
  }

  void queued(long nanos) {
    queueTime.observe(nanos / 1e9);
  }

  void firstToken(long nanos) {
    ttft.observe(nanos / 1e9);
  }

  void finished(Outcome outcome, String finishReason, long e2eNanos) {
    requestsByOutcome.get(outcome).inc();
    if (outcome == Outcome.COMPLETED) {
      CounterDataPoint reason = success.get(finishReason);
      if (reason != null) {
        reason.inc();
      }
      e2e.observe(e2eNanos / 1e9);
    }
  }

  void fault(FaultKind kind) {
    faultsByKind.get(kind).inc();
  }

  void error(String kind) {
    errorsByKind.computeIfAbsent(kind, errors::labelValues).inc();
  }

  org.HdrHistogram.Histogram lateness() {
    return lateness.snapshot();
  }

  SimulatorStats stats(BatchScheduler scheduler) {
    Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
    requestsByOutcome.forEach((k, v) -> byOutcome.put(k, v.getLongValue()));
    Map<FaultKind, Long> byFault = new EnumMap<>(FaultKind.class);
    faultsByKind.forEach((k, v) -> byFault.put(k, v.getLongValue()));
    Map<String, Long> byError = new LinkedHashMap<>();
    errorsByKind.forEach((k, v) -> byError.put(k, v.getLongValue()));
    return new SimulatorStats(
        openConnections.get(),
        scheduler.running(),
        scheduler.waiting(),
        byOutcome,
        promptTokens.getLongValue(),
        generationTokens.getLongValue(),
        byFault,
        byError);
  }

  String contentType() {
    return writer.getContentType();
  }

  void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }
}
