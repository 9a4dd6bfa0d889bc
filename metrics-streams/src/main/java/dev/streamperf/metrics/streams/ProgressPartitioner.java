package dev.streamperf.metrics.streams;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the internal topic between the stages: progress records go to every partition (each
 * per-run task needs every input partition's progress); everything else by the murmur2 hash of its
 * run-id key, as Kafka's default partitioner would.
 */
final class ProgressPartitioner implements StreamPartitioner<String, PartialMessage> {

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, PartialMessage value, int numPartitions) {
    if (value instanceof PartialMessage.Progress) {
      return Optional.of(
          IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
  }
}
