package dev.streamperf.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.metrics.bench.SyntheticRun;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: a metrics app in another JVM is killed with SIGKILL while it works
 * through a backlog (partial aggregates in memory, a transaction open), an instance with the same
 * application id takes over, and the run's summary equals what the records give when read straight
 * from the topics.
 */
class MetricsRestartIT {

  private static final GoodputSlos SLOS = GoodputSlos.parse("time_to_first_token:150");

  static MetricsConfig.Builder config(ClusterConfig cluster) {
    return MetricsConfig.builder(cluster)
        .window(Duration.ofSeconds(10))
        .grace(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofSeconds(1))
        .completionGrace(Duration.ofSeconds(60))
        .goodput(SLOS);
  }

  @Test
  void anInstanceKilledMidRunIsReplacedAndTheSummaryCountsEveryRecordOnce(@TempDir Path state)
      throws Exception {
    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().partitions(4).replicationFactor(1).build())) {
      ClusterConfig cluster =
          CrashableMetricsMain.cluster(
              stack.cluster().bootstrapServers(), stack.cluster().schemaRegistryUrl());
      CrashableMetricsMain.registerInOrder(cluster);
      long start = (System.currentTimeMillis() - 600_000) * 1_000L;
      SyntheticRun run =
          new SyntheticRun(
              "run-crash",
              11,
              start,
              6_000,
              20,
              50_000,
              40,
              10_000,
              0.05,
              0.02,
              0.5,
              List.of("http://endpoint-a", "http://endpoint-b"));
      int half = 3_000;
      try (BrokerRecords broker = new BrokerRecords(cluster)) {
        broker.send(run.announcement(RunStatus.STARTED, start));
        run.generate(broker.sink(), 0, half);
        broker.flush();
      }

      String appId = "metrics-crash";
      Path log = state.resolve("child.log");
      Process child = startChild(cluster, appId, state.resolve("streams"), log);
      try {
        awaitLine(log, "CRASHABLE RUNNING", Duration.ofSeconds(90), child);
        long total = endOffsets(cluster);
        long committed = awaitCommitted(cluster, appId, total);
        assertThat(committed)
            .as("killed mid-backlog: some offsets committed, most not (of %d)", total)
            .isPositive()
            .isLessThan(total);
      } finally {
        child.destroyForcibly(); // SIGKILL: no commit, no close, the transaction left open
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      try (BrokerRecords broker = new BrokerRecords(cluster)) {
        run.generate(broker.sink(), half, run.warmup() + run.requests());
        broker.send(run.announcement(RunStatus.PRODUCED, start));
        broker.flush();
      }

      RunSummary live;
      try (MetricsApp app =
          new MetricsApp(
                  config(cluster)
                      .applicationId(appId)
                      .stateDir(state.resolve("streams"))
                      .httpPort(MetricsConfig.NO_HTTP)
                      .build())
              .start()) {
        live = app.awaitFinished("run-crash", Duration.ofSeconds(120));
      }
      RunSummary expected =
          new RunReader(cluster, Duration.ofSeconds(60)).read("run-crash", SLOS, r -> {}).summary();

      assertThat(live.run().message()).startsWith("all 6020 results in");
      assertThat(live.counts().lateRecords())
          .as("the restarted instance holds windows until every partition reports")
          .isZero();
      assertThat(live.metrics()).isEqualTo(expected.metrics());
      assertThat(live.counts().results()).isEqualTo(6_020);
      assertThat(live.counts().tokenEvents()).isEqualTo(expected.counts().tokenEvents());
      assertThat(live.counts().duplicateResults()).isEqualTo(expected.counts().duplicateResults());
      assertThat(live.counts().scores()).isEqualTo(expected.counts().scores());
      assertThat(live.accuracy()).isEqualTo(expected.accuracy());
      assertThat(live.metric(Metric.INTER_CHUNK_LATENCY).orElseThrow().stats().count())
          .isEqualTo(expected.metric(Metric.INTER_CHUNK_LATENCY).orElseThrow().stats().count());
    }
  }

  private static Process startChild(ClusterConfig cluster, String appId, Path stateDir, Path log)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
            "-cp",
            System.getProperty("java.class.path"),
            CrashableMetricsMain.class.getName(),
            cluster.bootstrapServers(),
            cluster.schemaRegistryUrl(),
            appId,
            stateDir.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  private static void awaitLine(Path log, String line, Duration timeout, Process child)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError("the child exited: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no '" + line + "' from the child in " + timeout + ":\n" + Files.readString(log));
  }

  private static long endOffsets(ClusterConfig cluster) throws Exception {
    try (Admin admin = cluster.admin()) {
      var specs =
          new java.util.HashMap<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
      for (int p = 0; p < 4; p++) {
        specs.put(
            new TopicPartition(cluster.topics().tokenEvents(), p),
            org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      return admin.listOffsets(specs).all().get().values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  /** Waits for the first committed token-event offsets of the group; returns their sum. */
  private static long awaitCommitted(ClusterConfig cluster, String group, long total)
      throws Exception {
    try (Admin admin = cluster.admin()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long sum =
            offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(cluster.topics().tokenEvents()))
                .filter(e -> e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
        if (sum > 0) {
          return sum;
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("the child committed nothing in 60 s");
  }
}
