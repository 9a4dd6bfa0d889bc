package dev.streamperf.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.topics.TopicCatalog;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void startsAndLeavesNoThreadOrPortBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    long start = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
    long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    int port = kafka.port();
    Path logDir = kafka.logDir();
    // Its start time is printed, not asserted: a timing is a benchmark's figure, not a test's.
    System.out.printf("embedded broker started in %d ms%n", startMillis);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
    }
    kafka.close();

    assertThat(Files.exists(logDir)).as("temporary log dir deleted").isFalse();
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
    // The broker's Yammer metrics registry is a JVM-wide singleton whose two daemon tick threads
    // outlive any one broker; everything else must be gone.
    assertThat(threadsStartedSince(before))
        .allMatch(name -> name.startsWith("metrics-meter-tick-thread-"));

    Set<Thread> afterFirst = Thread.getAllStackTraces().keySet();
    EmbeddedKafka.builder().build().start().close();
    assertThat(threadsStartedSince(afterFirst)).as("threads left by a second broker").isEmpty();
  }

  /** Threads started since the snapshot and still alive a moment after close. */
  static List<String> threadsStartedSince(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t) && t.isAlive())
              // JDK-internal pools that outlive any client: not ours to stop.
              .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
              .filter(t -> !t.getName().equals("process reaper"))
              .filter(t -> !t.getName().startsWith("HttpClient-"))
              .map(Thread::getName)
              .collect(Collectors.toList());
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return left;
  }

  @Test
  void transactionsCommitAndAbortAsReadCommittedConsumersExpect() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .createTopics(List.of(new NewTopic("tx", 2, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      Map<String, Object> producerConfig =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ProducerConfig.TRANSACTIONAL_ID_CONFIG,
              "tx-test",
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
              StringSerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
              StringSerializer.class);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "k1", "committed-1"));
        producer.send(new ProducerRecord<>("tx", "k2", "committed-2"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "k3", "aborted"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "k4", "committed-3"));
        producer.commitTransaction();
      }
      assertThat(readAll(kafka, "read_committed", 3))
          .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
      assertThat(readAll(kafka, "read_uncommitted", 4))
          .containsExactlyInAnyOrder("committed-1", "committed-2", "aborted", "committed-3");
    }
  }

  /**
   * The broker's small segments must still hold the largest record the media topic takes: Kafka
   * refuses a batch larger than its segment (RecordBatchTooLargeException).
   */
  @Test
  void aMediaRecordAsLargeAsTheCatalogueAllowsFitsInASegment() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
      int limit = TopicCatalog.MEDIA_MAX_MESSAGE_BYTES;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("media", 1, (short) 1)
                        .configs(Map.of("max.message.bytes", Integer.toString(limit)))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                  limit),
              new StringSerializer(),
              new ByteArraySerializer())) {
        byte[] image = new byte[limit - 1024];
        long offset =
            producer
                .send(new ProducerRecord<>("media", "image-1", image))
                .get(60, TimeUnit.SECONDS)
                .offset();
        assertThat(offset).isZero();
      }
    }
  }

  @Test
  void brokerPropertiesFromSystemPropertiesWinOverTheBuilders() throws Exception {
    System.setProperty("streamperf.broker.num.partitions", "3");
    System.setProperty("streamperf.broker.log.retention.hours", "7");
    try (EmbeddedKafka kafka =
        EmbeddedKafka.builder().property("log.retention.hours", "5").build().start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())))
            .all()
            .get(30, TimeUnit.SECONDS);
        assertThat(
                admin
                    .describeTopics(List.of("defaults"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get("defaults")
                    .partitions())
            .hasSize(3);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config =
            admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        assertThat(config.get("log.retention.hours").value()).isEqualTo("7");
      }
    } finally {
      System.clearProperty("streamperf.broker.num.partitions");
      System.clearProperty("streamperf.broker.log.retention.hours");
    }
  }

  @Test
  void persistentLogDirKeepsRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
    int port = FreePorts.loopback();
    int controllerPort = FreePorts.loopback();
    EmbeddedKafka.Builder builder =
        EmbeddedKafka.builder()
            .port(port)
            .controllerPort(controllerPort)
            .logDir(dir.resolve("kafka"));
    try (EmbeddedKafka kafka = builder.build().start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "k", "survives")).get(30, TimeUnit.SECONDS);
      }
    }
    try (EmbeddedKafka kafka = builder.build().start()) {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      try (KafkaConsumer<String, String> consumer = consumer(kafka, "read_committed")) {
        consumer.subscribe(List.of("kept"));
        assertThat(poll(consumer, 1)).containsExactly("survives");
      }
    }
    assertThat(Files.exists(dir.resolve("kafka").resolve("meta.properties"))).isTrue();
  }

  private static List<String> readAll(EmbeddedKafka kafka, String isolation, int expected) {
    try (KafkaConsumer<String, String> consumer = consumer(kafka, isolation)) {
      consumer.subscribe(List.of("tx"));
      List<String> values = poll(consumer, expected);
      // nothing more arrives: the aborted record stays invisible to read_committed
      values.addAll(poll(consumer, Duration.ofMillis(500)));
      return values;
    }
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, String isolation) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "g-" + isolation + "-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            isolation),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private static List<String> poll(KafkaConsumer<String, String> consumer, int expected) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (values.size() < expected && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        values.add(r.value());
      }
    }
    return values;
  }

  private static List<String> poll(KafkaConsumer<String, String> consumer, Duration duration) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        values.add(r.value());
      }
    }
    return values;
  }
}
