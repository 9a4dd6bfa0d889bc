package dev.streamperf.schemas.topics;

import java.util.Map;
import java.util.Objects;

/**
 * How one topic is created: name, partition count, replication factor (-1 takes the broker's
 * default) and topic-level configs ({@code cleanup.policy}, {@code max.message.bytes}, ...).
 */
public record TopicSpec(
    TopicRole role,
    String name,
    int partitions,
    short replicationFactor,
    Map<String, String> configs) {

  public TopicSpec {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
    if (partitions <= 0) {
      throw new IllegalArgumentException(
          "partitions of " + name + ": " + partitions + " (expected: > 0)");
    }
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException(
          "replicationFactor of " + name + ": " + replicationFactor + " (expected: -1 or > 0)");
    }
    configs = Map.copyOf(configs);
  }

  /** Whether the topic is compacted (keeps the latest value per key). */
  public boolean compacted() {
    return configs.getOrDefault("cleanup.policy", "delete").contains("compact");
  }
}
