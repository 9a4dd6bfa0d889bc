package dev.streamperf.metrics;

import dev.streamperf.metrics.streams.MetricsStores;
import dev.streamperf.metrics.streams.RunStoreView;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The metrics topology under a TopologyTestDriver with a mock:// registry. */
public final class DriverHarness implements AutoCloseable {

  public final MetricsConfig config;
  public final TopologyTestDriver driver;
  public final TestInputTopic<String, RunEvent> runs;
  public final TestInputTopic<String, TokenEvent> tokens;
  public final TestInputTopic<String, RequestResult> results;
  public final TestInputTopic<String, Score> scores;
  public final TestOutputTopic<String, WindowedMetric> metrics;
  public final TestOutputTopic<String, RunEvent> runEvents;
  private final String registryName;
  private final Path stateDir;

  /** A driver whose wall clock starts at {@code wallStart}. */
  public DriverHarness(Instant wallStart, UnaryOperator<MetricsConfig.Builder> configure) {
    registryName = "metrics-test-" + UUID.randomUUID();
    ClusterConfig cluster = ClusterConfig.of("unused:9092", "mock://" + registryName);
    try {
      stateDir = Files.createTempDirectory("metrics-driver-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config =
        configure
            .apply(
                MetricsConfig.builder(cluster).stateDir(stateDir).httpPort(MetricsConfig.NO_HTTP))
            .build();
    Properties props = MetricsTopology.streamsConfig(config, null);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(MetricsTopology.build(config), props, wallStart);
    StringSerializer keys = new StringSerializer();
    runs =
        driver.createInputTopic(
            cluster.topics().runs(), keys, cluster.valueSerde(RunEvent.class).serializer());
    tokens =
        driver.createInputTopic(
            cluster.topics().tokenEvents(),
            keys,
            cluster.valueSerde(TokenEvent.class).serializer());
    results =
        driver.createInputTopic(
            cluster.topics().results(), keys, cluster.valueSerde(RequestResult.class).serializer());
    scores =
        driver.createInputTopic(
            cluster.topics().scores(), keys, cluster.valueSerde(Score.class).serializer());
    metrics =
        driver.createOutputTopic(
            cluster.topics().metrics(),
            new StringDeserializer(),
            cluster.valueSerde(WindowedMetric.class).deserializer());
    runEvents =
        driver.createOutputTopic(
            cluster.topics().runs(),
            new StringDeserializer(),
            cluster.valueSerde(RunEvent.class).deserializer());
  }

  public void announce(RunEvent e) {
    runs.pipeInput(e.getRunId(), e);
  }

  public void pipe(RequestResult r) {
    results.pipeInput(r.getRequestId(), r);
  }

  public void pipe(List<TokenEvent> events) {
    for (TokenEvent e : events) {
      tokens.pipeInput(e.getRequestId(), e);
    }
  }

  public void pipe(Score s) {
    scores.pipeInput(s.getRequestId(), s);
  }

  public void advance(Duration d) {
    driver.advanceWallClockTime(d);
  }

  public RunStoreView view() {
    return new RunStoreView(
        driver.getKeyValueStore(MetricsStores.RUN_STATES),
        driver.getKeyValueStore(MetricsStores.RUN_TOTALS),
        driver.getKeyValueStore(MetricsStores.LAST_WINDOWS),
        config.goodput());
  }

  @Override
  public void close() {
    driver.close();
    InMemorySchemaRegistry.drop(registryName);
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
