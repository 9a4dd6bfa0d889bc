package dev.streamperf.cli;

import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches the pipeline: the Kafka cluster, the schema registry, the topic names, and
 * client properties passed through unchanged. Shared by every command as a mixin.
 */
public final class ClusterOptions {

  @Option(
      names = {"--bootstrap-servers", "-b"},
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL[,...]",
      description = "Confluent-API schema registry URL(s), or mock://NAME for an in-memory one.")
  String schemaRegistryUrl;

  @Mixin TopicOptions topicOptions = new TopicOptions();

  @Option(
      names = {"--kafka-property", "-X"},
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client property given to every producer, consumer, admin and Streams client,"
              + " e.g. security.protocol=SASL_SSL. Repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description = "A properties file of Kafka client properties; --kafka-property wins over it.")
  Path kafkaConfigFile;

  @Option(
      names = "--registry-property",
      paramLabel = "KEY=VALUE",
      description =
          "A schema registry client property, e.g. basic.auth.user.info=USER:PASSWORD. Repeatable.")
  Map<String, String> registryProperties = new LinkedHashMap<>();

  /** Whether a cluster was named; without one, {@code profile} starts the embedded stack. */
  public boolean hasCluster() {
    return bootstrapServers != null;
  }

  /** The topic catalogue these options describe. */
  public TopicCatalog topics() {
    return topicOptions.catalog();
  }

  /**
   * The cluster these options name.
   *
   * @throws IllegalArgumentException when --bootstrap-servers or --schema-registry-url is missing
   */
  public ClusterConfig cluster() {
    if (bootstrapServers == null) {
      throw new IllegalArgumentException(
          "--bootstrap-servers: missing (expected: HOST:PORT[,...])");
    }
    if (schemaRegistryUrl == null) {
      throw new IllegalArgumentException(
          "--schema-registry-url: missing (expected: http(s)://HOST:PORT or mock://NAME)");
    }
    return new ClusterConfig(
        bootstrapServers, schemaRegistryUrl, topics(), kafkaProperties(), registryProperties);
  }

  /** The pass-through Kafka properties: the file's, then the command line's. */
  public Map<String, String> kafkaProperties() {
    Map<String, String> merged = new LinkedHashMap<>();
    if (kafkaConfigFile != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(kafkaConfigFile)) {
        file.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("--kafka-config " + kafkaConfigFile + ": cannot read", e);
      }
      file.stringPropertyNames().forEach(k -> merged.put(k, file.getProperty(k)));
    }
    merged.putAll(kafkaProperties);
    return merged;
  }
}
