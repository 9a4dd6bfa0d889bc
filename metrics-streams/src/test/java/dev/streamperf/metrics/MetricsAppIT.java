package dev.streamperf.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.metrics.bench.SyntheticRun;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.http.Json;
import dev.streamperf.metrics.report.RecordsCheck;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.MetricScope;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics app on a real broker (4 partitions): the run's summary equals the test driver's for
 * the same records, the HTTP API serves it, the windows land on the metrics topic, and {@code
 * streamperf report}'s rebuild from the topics gives the same numbers as records.jsonl.
 */
class MetricsAppIT {

  private static final GoodputSlos SLOS = GoodputSlos.parse("time_to_first_token:150");
  private static EmbeddedStack stack;

  @BeforeAll
  static void startBroker() {
    stack = EmbeddedStack.start(TopicCatalog.builder().partitions(4).replicationFactor(1).build());
  }

  @AfterAll
  static void stopBroker() {
    if (stack != null) {
      stack.close();
    }
  }

  private static MetricsConfig.Builder config(ClusterConfig cluster) {
    return MetricsConfig.builder(cluster)
        .window(Duration.ofSeconds(10))
        .grace(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofSeconds(1))
        .completionGrace(Duration.ofSeconds(60))
        .goodput(SLOS);
  }

  @Test
  void aRunThroughTheBrokerMatchesTheTestDriverTheHttpApiAndTheReport(@TempDir Path artifacts)
      throws Exception {
    ClusterConfig cluster = stack.cluster();
    long start = (System.currentTimeMillis() - 120_000) * 1_000L;
    SyntheticRun run =
        new SyntheticRun(
            "run-it",
            7,
            start,
            400,
            10,
            100_000,
            20,
            15_000,
            0.05,
            0.03,
            0.5,
            List.of("http://endpoint-a", "http://endpoint-b"));
    BrokerRecords.Recorded recorded = new BrokerRecords.Recorded();
    RunEvent started = run.announcement(RunStatus.STARTED, start);
    RunEvent produced = run.announcement(RunStatus.PRODUCED, start);
    try (BrokerRecords broker = new BrokerRecords(cluster)) {
      broker.send(started);
      run.generate(
          new SyntheticRun.Sink() {
            @Override
            public void tokenEvent(TokenEvent e) {
              broker.send(e);
              recorded.tokenEvent(e);
            }

            @Override
            public void result(RequestResult r) {
              broker.send(r);
              recorded.result(r);
            }

            @Override
            public void score(Score s) {
              broker.send(s);
              recorded.score(s);
            }
          });
      broker.send(produced);
      broker.flush();
    }

    RunSummary live;
    try (MetricsApp app =
        new MetricsApp(config(cluster).applicationId("metrics-it").httpPort(0).build()).start()) {
      assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
      live = app.awaitFinished("run-it", Duration.ofSeconds(90));
      assertThat(live.run().status()).isEqualTo("FINISHED");
      assertThat(live.run().message())
          .isEqualTo(
              "all 410 results in and "
                  + live.counts().scores()
                  + " of "
                  + live.counts().scorableResults()
                  + " scores");
      assertThat(live.counts().results()).isEqualTo(410);
      assertThat(live.counts().duplicateResults()).isPositive();
      assertThat(live.counts().reconciliation())
          .isEqualTo("requests produced 410 = results 410 + pending 0");
      http(app, live);
    }

    // the same records, in the same order per request, through a TopologyTestDriver
    RunSummary driven;
    try (DriverHarness h =
        new DriverHarness(Instant.now(), b -> config(b.build().cluster()).build().toBuilder())) {
      h.announce(started);
      recorded.replay(
          r -> {
            if (r instanceof TokenEvent e) {
              h.pipe(List.of(e));
            } else if (r instanceof RequestResult res) {
              h.pipe(res);
            } else {
              h.pipe((Score) r);
            }
          });
      h.announce(produced);
      h.advance(Duration.ofSeconds(2));
      driven = h.view().summary("run-it").orElseThrow();
    }
    assertThat(driven.run().finished()).isTrue();
    assertThat(live.metrics()).isEqualTo(driven.metrics());
    assertThat(live.counts()).isEqualTo(driven.counts());
    assertThat(live.accuracy()).isEqualTo(driven.accuracy());
    assertThat(live.errorsByKind()).isEqualTo(driven.errorsByKind());
    assertThat(live.outputTokenSources()).isEqualTo(driven.outputTokenSources());
    assertThat(live.durationSeconds()).isEqualTo(driven.durationSeconds());

    // the windows on the metrics topic: closed, and with the run totals they add up
    List<WindowedMetric> windows = metricsTopic(cluster, "run-it");
    long windowTtft =
        windows.stream()
            .filter(
                m ->
                    m.getScope() == MetricScope.WINDOW
                        && m.getMetric().equals("time_to_first_token"))
            .peek(m -> assertThat(m.getClosed()).isTrue())
            .mapToLong(WindowedMetric::getCount)
            .sum();
    long lateResults = live.counts().lateRecords();
    assertThat(windowTtft)
        .as(
            "every TTFT value is in exactly one closed window unless late (%d late records)",
            lateResults)
        .isEqualTo(live.metric(Metric.TIME_TO_FIRST_TOKEN).orElseThrow().stats().count());
    assertThat(windows)
        .anyMatch(
            m ->
                m.getScope() == MetricScope.RUN
                    && m.getClosed()
                    && m.getMetric().equals("request_latency"));

    // streamperf report: rebuilt from the topics with the same aggregation code
    Path dir = artifacts.resolve("run-it");
    RunReader.Result report;
    try (ReportFiles.RecordsWriter records = ReportFiles.records(dir)) {
      report = new RunReader(cluster, Duration.ofSeconds(30)).read("run-it", SLOS, records::append);
    }
    ReportFiles.writeSummary(dir, report.summary());
    assertThat(report.summary().metrics()).isEqualTo(live.metrics());
    assertThat(report.summary().run().status()).isEqualTo("FINISHED");
    assertThat(report.summary().run().message()).isEqualTo(live.run().message());
    assertThat(report.summary().counts().results()).isEqualTo(410);
    assertThat(report.summary().counts().duplicateResults())
        .isEqualTo(live.counts().duplicateResults());
    // every per-request metric but the credit gap (an open-loop run has none)
    assertThat(RecordsCheck.assertMatches(report.summary(), dir.resolve(ReportFiles.RECORDS)))
        .isEqualTo(11);
  }

  private static void http(MetricsApp app, RunSummary live) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + app.httpPort();
    HttpResponse<String> metrics =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("# TYPE streamperf_time_to_first_token_seconds summary")
        .containsPattern(
            "streamperf_time_to_first_token_seconds\\{endpoint=\"http://endpoint-a\",model=\"synthetic/model\",run=\"run-it\",quantile=\"0.99\"} 0\\.[0-9]+")
        .containsPattern(
            "streamperf_window_inter_chunk_latency_seconds_count\\{endpoint=\"http://endpoint-b\",model=\"synthetic/model\",run=\"run-it\"} [0-9]+")
        .contains("streamperf_window_end_timestamp_seconds{endpoint=\"http://endpoint-a\"")
        .contains("streamperf_run_finished{run=\"run-it\"} 1.0")
        .contains("streamperf_run_results_total{run=\"run-it\"} 410.0")
        .contains("streamperf_run_pending_requests{run=\"run-it\"} 0.0")
        .containsPattern(
            "streamperf_error_requests_total\\{endpoint=\"[^\"]+\",error_kind=\"[A-Z_]+\"")
        .contains("streamperf_streams_state{state=\"RUNNING\"} 1.0")
        .contains("streamperf_streams_late_records_total ")
        .contains("streamperf_streams_dropped_records_total ");

    HttpResponse<String> runs =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/runs")).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode list = Json.MAPPER.readTree(runs.body());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("runId").asText()).isEqualTo("run-it");
    assertThat(list.get(0).get("status").asText()).isEqualTo("FINISHED");
    assertThat(list.get(0).get("pending").asLong()).isZero();

    HttpResponse<String> summary =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/runs/run-it/summary")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(summary.statusCode()).isEqualTo(200);
    JsonNode s = Json.MAPPER.readTree(summary.body());
    assertThat(s.get("counts").get("results").asLong()).isEqualTo(410);
    assertThat(s.get("metrics").get(0).get("tag").asText()).isEqualTo("time_to_first_token");
    assertThat(s.get("metrics").get(0).get("stats").get("avg").asDouble())
        .isEqualTo(live.metric(Metric.TIME_TO_FIRST_TOKEN).orElseThrow().stats().avg());

    HttpResponse<String> missing =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/runs/nope/summary")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  private static List<WindowedMetric> metricsTopic(ClusterConfig cluster, String runId) {
    List<WindowedMetric> out = new ArrayList<>();
    try (KafkaConsumer<String, WindowedMetric> consumer =
        new KafkaConsumer<>(
            cluster.consumerConfig(null, "metrics-it-reader"),
            new StringDeserializer(),
            cluster.valueSerde(WindowedMetric.class).deserializer())) {
      var partitions =
          consumer.partitionsFor(cluster.topics().metrics()).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, WindowedMetric> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value().getRunId().equals(runId)) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }
}
