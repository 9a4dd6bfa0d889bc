package dev.streamperf.worker;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes requests and media and reads results and token events back, read-committed. */
public final class PipelineClient implements AutoCloseable {

  private final ClusterConfig cluster;
  private final KafkaProducer<String, InferenceRequest> requests;
  private final KafkaProducer<String, MediaBlob> media;

  public PipelineClient(ClusterConfig cluster) {
    this.cluster = cluster;
    this.requests =
        new KafkaProducer<>(
            cluster.producerConfig("test-requests"),
            new StringSerializer(),
            cluster.valueSerde(InferenceRequest.class).serializer());
    Map<String, Object> mediaConfig = cluster.producerConfig("test-media");
    mediaConfig.put("max.request.size", 16 << 20);
    this.media =
        new KafkaProducer<>(
            mediaConfig, new StringSerializer(), cluster.valueSerde(MediaBlob.class).serializer());
  }

  public void publish(InferenceRequest request) {
    requests.send(
        new ProducerRecord<>(cluster.topics().requests(), request.getSessionId(), request));
  }

  public void publish(List<InferenceRequest> all) {
    all.forEach(this::publish);
    requests.flush();
  }

  public void publish(MediaBlob blob) {
    media.send(new ProducerRecord<>(cluster.topics().media(), blob.getSha256(), blob));
    media.flush();
  }

  public void flush() {
    requests.flush();
  }

  /** Reads committed results until {@code done} holds of them or the timeout passes. */
  public List<RequestResult> results(Predicate<List<RequestResult>> done, Duration timeout) {
    return read(cluster.topics().results(), RequestResult.class, done, timeout);
  }

  public List<TokenEvent> tokenEvents(Predicate<List<TokenEvent>> done, Duration timeout) {
    return read(cluster.topics().tokenEvents(), TokenEvent.class, done, timeout);
  }

  private <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
      String topic, Class<T> type, Predicate<List<T>> done, Duration timeout) {
    Map<String, Object> config =
        cluster.consumerConfig("test-reader-" + UUID.randomUUID(), "test-reader");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<T> all = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), cluster.valueSerde(type).deserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(all) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(100))) {
          all.add(record.value());
        }
      }
      // and whatever else is there now
      for (int i = 0; i < 3; i++) {
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
          all.add(record.value());
        }
      }
    }
    return all;
  }

  @Override
  public void close() {
    requests.close();
    media.close();
  }
}
