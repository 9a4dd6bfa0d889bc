package dev.streamperf.schemas.cluster;

import dev.streamperf.schemas.serde.AvroSerde;
import dev.streamperf.schemas.serde.AvroSerdeConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where a component finds the pipeline: the Kafka cluster, the schema registry, the topic names,
 * and client properties passed through unchanged to every Kafka client (security, SASL, tuning) and
 * to the registry client. Every component is built from one of these, so they all connect the same
 * way.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param schemaRegistryUrl registry URL(s), or {@code mock://NAME}
 * @param topics the topic catalogue (prefix, partitions)
 * @param kafkaProperties properties given to every Kafka client, over streamperf's defaults
 * @param registryProperties properties given to the Avro serde and registry client, e.g. {@code
 *     basic.auth.user.info}
 */
public record ClusterConfig(
    String bootstrapServers,
    String schemaRegistryUrl,
    TopicCatalog topics,
    Map<String, String> kafkaProperties,
    Map<String, String> registryProperties) {

  public ClusterConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "bootstrap servers: missing (expected: host:port[,host:port])");
    }
    if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
      throw new IllegalArgumentException(
          "schema registry url: missing (expected: http(s):// or mock:// URL)");
    }
    Objects.requireNonNull(topics, "topics");
    kafkaProperties = Map.copyOf(kafkaProperties);
    registryProperties = Map.copyOf(registryProperties);
  }

  /** A config with the default topic catalogue and no extra properties. */
  public static ClusterConfig of(String bootstrapServers, String schemaRegistryUrl) {
    return new ClusterConfig(
        bootstrapServers, schemaRegistryUrl, TopicCatalog.defaults(), Map.of(), Map.of());
  }

  /** The same cluster with another topic catalogue. */
  public ClusterConfig withTopics(TopicCatalog catalog) {
    return new ClusterConfig(
        bootstrapServers, schemaRegistryUrl, catalog, kafkaProperties, registryProperties);
  }

  /** Properties of an admin client. */
  public Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.putAll(kafkaProperties);
    return config;
  }

  /** Properties of a producer: idempotent, acks=all, plus the pass-through properties. */
  public Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putAll(kafkaProperties);
    return config;
  }

  /**
   * Properties of a transactional producer: {@link #producerConfig} with its transactional id, and
   * retries after 2 ms instead of Kafka's 100. Right after a commit the coordinators may still be
   * writing its markers and answer the next transaction's first call with CONCURRENT_TRANSACTIONS;
   * the default backoff then stalls everything behind it (measured on loopback: the producer's p90
   * transaction start 105 -> 9 ms; a closed-loop profile's credit gap, waiting on the worker's
   * commits, p50 56.9 -> 14.3 ms). Pass-through properties still set the backoff.
   */
  public Map<String, Object> transactionalProducerConfig(String clientId, String transactionalId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 2);
    config.putAll(producerConfig(clientId));
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return config;
  }

  /** Properties of a consumer in a group (null for none), plus the pass-through properties. */
  public Map<String, Object> consumerConfig(String groupId, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    if (groupId != null) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putAll(kafkaProperties);
    return config;
  }

  /** Properties of the Avro serde: the registry URL and the registry pass-through properties. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> config = new HashMap<>(registryProperties);
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
    return config;
  }

  /** A configured value serde of a generated record class. */
  public <T extends SpecificRecord> AvroSerde<T> valueSerde(Class<T> type) {
    return AvroSerde.specific(type, serdeConfig());
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(adminConfig());
  }
}
