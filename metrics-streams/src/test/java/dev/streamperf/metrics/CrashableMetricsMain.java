package dev.streamperf.metrics;

import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.registry.SchemaRegistryClient;
import dev.streamperf.schemas.serde.TopicNameStrategy;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificData;

/**
 * A metrics app in a JVM of its own, for {@link MetricsRestartIT} to kill with SIGKILL. Arguments:
 * bootstrap servers, registry name (mock://), application id, state directory.
 */
public final class CrashableMetricsMain {

  private CrashableMetricsMain() {}

  /**
   * Registers the contracts in a fixed order so that two JVMs, each with its own in-memory
   * registry, give them the same ids.
   */
  static void registerInOrder(ClusterConfig cluster) {
    SchemaRegistryClient registry = SchemaRegistries.connect(cluster.schemaRegistryUrl(), Map.of());
    TopicCatalog t = cluster.topics();
    registry.register(TopicNameStrategy.subject(t.runs(), false), schema(RunEvent.class));
    registry.register(TopicNameStrategy.subject(t.tokenEvents(), false), schema(TokenEvent.class));
    registry.register(TopicNameStrategy.subject(t.results(), false), schema(RequestResult.class));
    registry.register(TopicNameStrategy.subject(t.scores(), false), schema(Score.class));
    registry.register(TopicNameStrategy.subject(t.metrics(), false), schema(WindowedMetric.class));
  }

  private static org.apache.avro.Schema schema(Class<?> type) {
    return SpecificData.get().getSchema(type);
  }

  static ClusterConfig cluster(String bootstrap, String registry) {
    return new ClusterConfig(
        bootstrap,
        registry,
        TopicCatalog.builder().partitions(4).replicationFactor(1).build(),
        // a killed member leaves the group after 6 s, not the default 45 s
        Map.of(
            "session.timeout.ms",
            "6000",
            "heartbeat.interval.ms",
            "1000",
            "max.poll.records",
            "200"),
        Map.of());
  }

  public static void main(String[] args) throws Exception {
    ClusterConfig cluster = cluster(args[0], args[1]);
    registerInOrder(cluster);
    MetricsConfig config =
        MetricsRestartIT.config(cluster)
            .applicationId(args[2])
            .stateDir(Path.of(args[3]))
            .httpPort(MetricsConfig.NO_HTTP)
            .build();
    MetricsApp app = new MetricsApp(config).start();
    if (!app.awaitRunning(Duration.ofSeconds(60))) {
      throw new IllegalStateException("not running: " + app.state());
    }
    System.out.println("CRASHABLE RUNNING");
    System.out.flush();
    while (true) {
      Thread.sleep(1_000); // until SIGKILL
    }
  }
}
