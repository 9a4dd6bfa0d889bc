package dev.streamperf.producer.replay;

import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the committed records of a topic (read_committed, no group) to its end as it was when the
 * scan began: from the beginning, or from the first record written at or after a time.
 */
final class TopicScan {

  private TopicScan() {}

  /**
   * The committed records of {@code topic} that pass {@code filter} (key, value), per partition in
   * offset order, partitions in order.
   *
   * @param sinceMs read from the records written at or after this (epoch ms), or -1 for all
   * @throws IllegalStateException when the topic is not read to its end within the timeout
   */
  static <T extends SpecificRecord> List<T> scan(
      ClusterConfig cluster,
      String topic,
      Class<T> type,
      long sinceMs,
      BiPredicate<String, T> filter,
      Duration timeout) {
    Map<String, Object> config = cluster.consumerConfig(null, "streamperf-replay-reader");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 1024);
    AvroDeserializer<T> values = new AvroDeserializer<>(type);
    values.configure(cluster.serdeConfig(), false);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
              .collect(Collectors.toList());
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, OffsetAndTimestamp> starts =
          sinceMs < 0
              ? Map.of()
              : consumer.offsetsForTimes(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> sinceMs)), timeout);
      for (TopicPartition partition : partitions) {
        long end = ends.get(partition);
        long start;
        if (sinceMs < 0) {
          consumer.assign(List.of(partition));
          consumer.seekToBeginning(List.of(partition));
          start = consumer.position(partition);
        } else {
          OffsetAndTimestamp at = starts.get(partition);
          start = at == null ? end : at.offset();
          consumer.assign(List.of(partition));
          consumer.seek(partition, start);
        }
        while (consumer.position(partition) < end) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "topic " + topic + ": not read to its end within " + timeout);
          }
          for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.offset() < end
                && record.value() != null
                && filter.test(record.key(), record.value())) {
              out.add(record.value());
            }
          }
        }
      }
    }
    return out;
  }
}
