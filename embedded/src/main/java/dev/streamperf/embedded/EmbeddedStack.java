package dev.streamperf.embedded;

import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.registry.InMemorySchemaRegistry;
import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.topics.TopicAdmin;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * The embedded default in one object: an {@link EmbeddedKafka} broker on a free loopback port, an
 * in-memory registry ({@code mock://} URL, private to this stack) and the catalogue's topics
 * created. What {@code streamperf profile} without {@code --bootstrap-servers} runs on, and what
 * tests start.
 */
public final class EmbeddedStack implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final String registryName;
  private final ClusterConfig cluster;

  private EmbeddedStack(EmbeddedKafka kafka, String registryName, ClusterConfig cluster) {
    this.kafka = kafka;
    this.registryName = registryName;
    this.cluster = cluster;
  }

  /** Starts a stack with the default topic catalogue (replication factor 1). */
  public static EmbeddedStack start() {
    return start(TopicCatalog.builder().replicationFactor(1).build());
  }

  /** Starts a stack and creates the catalogue's topics. */
  public static EmbeddedStack start(TopicCatalog topics) {
    EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
    try {
      String registryName = "streamperf-" + UUID.randomUUID();
      ClusterConfig cluster =
          new ClusterConfig(
              kafka.bootstrapServers(),
              SchemaRegistries.MOCK_SCHEME + registryName,
              topics,
              Map.of(),
              Map.of());
      try (Admin admin = cluster.admin()) {
        TopicAdmin.ensureTopics(admin, topics, Duration.ofSeconds(30));
      }
      return new EmbeddedStack(kafka, registryName, cluster);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** How components connect to this stack. */
  public ClusterConfig cluster() {
    return cluster;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** Stops the broker, deletes its data and forgets the in-memory registry. */
  @Override
  public void close() {
    kafka.close();
    InMemorySchemaRegistry.drop(registryName);
  }
}
