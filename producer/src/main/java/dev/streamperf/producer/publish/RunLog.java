package dev.streamperf.producer.publish;

import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a run's latest committed {@link RunEvent} from the compacted runs topic. */
public final class RunLog {

  private RunLog() {}

  /**
   * The latest committed RunEvent of a run, reading the runs topic to its end.
   *
   * @throws IllegalStateException when the topic cannot be read within the timeout
   */
  public static Optional<RunEvent> latest(ClusterConfig cluster, String runId, Duration timeout) {
    Map<String, Object> config = cluster.consumerConfig(null, "streamperf-producer-runlog");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroDeserializer<RunEvent> values = new AvroDeserializer<>(RunEvent.class);
    values.configure(cluster.serdeConfig(), false);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, RunEvent> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(cluster.topics().runs(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      RunEvent latest = null;
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic " + cluster.topics().runs() + ": not read to its end within " + timeout);
        }
        for (ConsumerRecord<String, RunEvent> record : consumer.poll(Duration.ofMillis(200))) {
          if (runId.equals(record.key()) && record.value() != null) {
            latest = record.value();
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
