package dev.streamperf.producer.publish;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds where a run's committed requests end. The producer publishes sessions in sequence order, in
 * transactions of contiguous sequences committed one after another, so the committed sessions of a
 * run are always a prefix {@code [0, M)}: {@code M - 1} is the highest committed sequence in any
 * partition, and the highest of a partition is its last record of the run.
 */
public final class RequestLog {

  private static final int STEP = 2_000;

  private RequestLog() {}

  /**
   * The number of sessions of the run that are committed: 1 + its highest committed sequence, or 0.
   * Reads each partition backwards from its end, no further than records written at {@code sinceMs}
   * (the run's creation, less a margin for clock skew).
   */
  public static long committedSessions(
      ClusterConfig cluster, String runId, long sinceMs, Duration timeout) {
    Map<String, Object> config = cluster.consumerConfig(null, "streamperf-producer-requestlog");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroDeserializer<InferenceRequest> values = new AvroDeserializer<>(InferenceRequest.class);
    values.configure(cluster.serdeConfig(), false);
    long deadline = System.nanoTime() + timeout.toNanos();
    long highest = -1;
    try (KafkaConsumer<String, InferenceRequest> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(cluster.topics().requests(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .collect(Collectors.toList());
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, OffsetAndTimestamp> starts =
          consumer.offsetsForTimes(
              partitions.stream().collect(Collectors.toMap(p -> p, p -> Math.max(0, sinceMs))),
              timeout);
      for (TopicPartition partition : partitions) {
        long end = ends.get(partition);
        OffsetAndTimestamp start = starts.get(partition);
        long floor = start == null ? end : start.offset();
        long found = lastOfRun(consumer, partition, floor, end, runId, deadline);
        highest = Math.max(highest, found);
      }
    }
    return highest + 1;
  }

  private static long lastOfRun(
      KafkaConsumer<String, InferenceRequest> consumer,
      TopicPartition partition,
      long floor,
      long end,
      String runId,
      long deadline) {
    consumer.assign(List.of(partition));
    long upper = end;
    while (upper > floor) {
      long lower = Math.max(floor, upper - STEP);
      consumer.seek(partition, lower);
      long best = -1;
      while (consumer.position(partition) < upper) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic " + partition + ": the run's last requests were not found in time");
        }
        for (ConsumerRecord<String, InferenceRequest> record :
            consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < upper
              && record.value() != null
              && runId.equals(record.value().getRunId())) {
            best = Math.max(best, record.value().getSequence());
          }
        }
      }
      if (best >= 0) {
        return best;
      }
      upper = lower;
    }
    return -1;
  }
}
