package dev.streamperf.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.SampleRecords;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import dev.streamperf.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every contract through a real broker and the in-memory registry, on its catalogue topic. */
class SchemaRoundTripIT {

  static EmbeddedStack stack;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void theStackCreatedEveryCatalogueTopic() throws Exception {
    ClusterConfig cluster = stack.cluster();
    try (Admin admin = cluster.admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .containsAll(cluster.topics().specs().stream().map(s -> s.name()).toList());
    }
  }

  @Test
  void runEvent() {
    roundTrip(stack.cluster().topics().runs(), RunEvent.class, SampleRecords.runEvent());
  }

  @Test
  void inferenceRequest() {
    roundTrip(
        stack.cluster().topics().requests(),
        InferenceRequest.class,
        SampleRecords.inferenceRequest());
  }

  @Test
  void mediaBlob() {
    roundTrip(stack.cluster().topics().media(), MediaBlob.class, SampleRecords.mediaBlob());
  }

  @Test
  void tokenEvent() {
    roundTrip(stack.cluster().topics().tokenEvents(), TokenEvent.class, SampleRecords.tokenEvent());
  }

  @Test
  void requestResult() {
    roundTrip(
        stack.cluster().topics().results(), RequestResult.class, SampleRecords.requestResult());
  }

  @Test
  void score() {
    roundTrip(stack.cluster().topics().scores(), Score.class, SampleRecords.score());
  }

  @Test
  void windowedMetric() {
    roundTrip(
        stack.cluster().topics().metrics(), WindowedMetric.class, SampleRecords.windowedMetric());
  }

  private static <T extends SpecificRecord> void roundTrip(String topic, Class<T> type, T sample) {
    ClusterConfig cluster = stack.cluster();
    Map<String, Object> serde = cluster.serdeConfig();
    AvroSerializer<T> serializer = new AvroSerializer<>();
    serializer.configure(serde, false);
    try (KafkaProducer<String, T> producer =
        new KafkaProducer<>(
            cluster.producerConfig("rt-" + topic), new StringSerializer(), serializer)) {
      producer.send(new ProducerRecord<>(topic, "key-1", sample)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("producing to " + topic, e);
    }
    AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
    deserializer.configure(serde, false);
    List<T> read = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            cluster.consumerConfig("rt-" + topic, "rt-" + topic),
            new StringDeserializer(),
            deserializer)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.key()).isEqualTo("key-1");
          read.add(r.value());
        }
      }
    }
    assertThat(read).containsExactly(sample);
  }
}
