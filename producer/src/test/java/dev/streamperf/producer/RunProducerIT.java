package dev.streamperf.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.replay.RunRecords;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import dev.streamperf.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The producer against a real broker (one per class): what a user would check in the topics. */
class RunProducerIT {

  static EmbeddedStack stack;
  static ClusterConfig cluster;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start();
    cluster = stack.cluster();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  static ProducerConfig.Builder base(String runId) {
    return ProducerConfig.builder(cluster)
        .runId(runId)
        .model("test-model")
        .tokenizer("builtin")
        .prompts(new PromptSpec(64, 8, 32, 0, 0, 0, null, null, 20))
        .progressInterval(Duration.ofMillis(300));
  }

  @Test
  void openLoopPublishesTheExactScheduleWithMediaOnceAndAnnouncesTheRun() throws Exception {
    ProducerConfig config =
        base("open-loop-it")
            .randomSeed(11L)
            .images(new ImageSpec(2, 40, 4, 30, 0, ImageFormat.RANDOM, "noise"))
            .load(new LoadSpec.OpenLoop(200, ArrivalPattern.CONSTANT, null, null, null, null))
            .warmup(new WarmupSpec(10L, null))
            .stop(new StopSpec(50L, null, null))
            .build();
    ProducerProgress done;
    try (RunHandle run = new RunProducer(config).start()) {
      done = run.await(Duration.ofSeconds(60));
    }
    assertThat(done).isNotNull();
    assertThat(done.state()).isEqualTo(ProducerProgress.State.PRODUCED);
    assertThat(done.producedSessions()).isEqualTo(60);
    assertThat(done.lateSessions()).as("published ahead of time").isZero();

    List<InferenceRequest> requests = requests("open-loop-it");
    assertThat(requests).hasSize(60);
    assertThat(requests).extracting(InferenceRequest::getSequence).doesNotHaveDuplicates();
    long anchor =
        requests.stream()
            .filter(r -> r.getSequence() == 0)
            .findFirst()
            .orElseThrow()
            .getIntendedSendUs();
    for (InferenceRequest r : requests) {
      assertThat(r.getIntendedSendUs())
          .as("constant 200/s")
          .isEqualTo(anchor + r.getSequence() * 5_000);
      assertThat(r.getPublishedUs())
          .as("published before its time")
          .isLessThan(r.getIntendedSendUs());
      assertThat(r.getPhase()).isEqualTo(r.getSequence() < 10 ? Phase.WARMUP : Phase.PROFILING);
      assertThat(r.getTurns()).hasSize(1);
      assertThat(r.getTurns().get(0).getRequestId()).isEqualTo(r.getSessionId());
      assertThat(r.getTurns().get(0).getMaxTokens()).isEqualTo(32);
      assertThat(r.getStream()).isFalse();
    }

    Set<String> referenced = RunRecords.referencedMedia(requests);
    // other runs of this class publish their own media; this run's must each be there once
    List<MediaBlob> media =
        read(cluster.topics().media(), MediaBlob.class, b -> referenced.contains(b.getSha256()));
    assertThat(media).extracting(MediaBlob::getSha256).doesNotHaveDuplicates();
    assertThat(media)
        .extracting(MediaBlob::getSha256)
        .containsExactlyInAnyOrderElementsOf(referenced);
    assertThat(referenced).hasSizeBetween(2, 40);
    assertThat(done.mediaPublished()).isEqualTo(referenced.size());

    List<RunEvent> events = runEvents("open-loop-it");
    assertThat(events.get(0).getStatus()).isEqualTo(RunStatus.STARTED);
    RunEvent last = events.get(events.size() - 1);
    assertThat(last.getStatus()).isEqualTo(RunStatus.PRODUCED);
    assertThat(last.getProducedSessions()).isEqualTo(60);
    assertThat(last.getProducedRequests()).isEqualTo(60);
    assertThat(last.getWarmupRequests()).isEqualTo(10);
    assertThat(new ObjectMapper().readTree(last.getConfig()).path("random_seed").asLong())
        .isEqualTo(11);

    assertThatThrownBy(() -> new RunProducer(config).start())
        .isInstanceOf(RunRefusedException.class)
        .hasMessageContaining("--run-id open-loop-it: that run is already PRODUCED (60 sessions");
  }

  @Test
  void theSameSeedGivesTheSameRequestsByteForByte() throws Exception {
    for (String id : List.of("seed-a", "seed-b")) {
      ProducerConfig config =
          base(id)
              .randomSeed(5L)
              .images(new ImageSpec(1, 24, 3, 24, 3, ImageFormat.WEBP, ImageSpec.ASSETS))
              .load(new LoadSpec.OpenLoop(500, ArrivalPattern.POISSON, null, null, null, null))
              .stop(new StopSpec(30L, null, null))
              .build();
      try (RunHandle run = new RunProducer(config).start()) {
        assertThat(run.await(Duration.ofSeconds(60))).isNotNull();
      }
    }
    List<InferenceRequest> a = requests("seed-a");
    List<InferenceRequest> b = requests("seed-b");
    long anchorA = a.get(0).getIntendedSendUs() - offsetOf(a, 0);
    long anchorB = b.get(0).getIntendedSendUs() - offsetOf(b, 0);
    for (int i = 0; i < 30; i++) {
      InferenceRequest x = a.get(i);
      InferenceRequest y = b.get(i);
      assertThat(x.getTurns()).isEqualTo(y.getTurns());
      assertThat(x.getIntendedSendUs() - anchorA).isEqualTo(y.getIntendedSendUs() - anchorB);
    }
  }

  private static long offsetOf(List<InferenceRequest> sorted, int index) {
    return sorted.get(index).getIntendedSendUs() - sorted.get(0).getIntendedSendUs();
  }

  @Test
  void closedLoopKeepsExactlyNSessionsOutstandingAndIgnoresDuplicateResults() throws Exception {
    int concurrency = 4;
    String runId = "closed-loop-it";
    AtomicInteger held = new AtomicInteger();
    AtomicInteger maxHeld = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    KafkaProducer<String, SpecificRecord> results = resultsProducer();
    // what of the media topic a worker could read when each request reached it
    Map<String, Map<TopicPartition, Long>> mediaEndAtReceipt = new ConcurrentHashMap<>();
    Thread responder =
        new Thread(
            () -> {
              try (KafkaConsumer<String, InferenceRequest> consumer = requestConsumer("responder");
                  KafkaConsumer<String, byte[]> media = mediaProbe()) {
                List<TopicPartition> mediaPartitions = partitions(media, cluster.topics().media());
                while (running.get()) {
                  for (ConsumerRecord<String, InferenceRequest> record :
                      consumer.poll(Duration.ofMillis(100))) {
                    InferenceRequest r = record.value();
                    if (!runId.equals(r.getRunId())) {
                      continue;
                    }
                    mediaEndAtReceipt.put(r.getSessionId(), media.endOffsets(mediaPartitions));
                    maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                    timer.schedule(
                        () -> {
                          held.decrementAndGet();
                          answered.incrementAndGet();
                          long now =
                              stack.cluster() == null
                                  ? 0
                                  : dev.streamperf.schemas.clock.MicrosClock.system().nowMicros();
                          results.send(
                              new ProducerRecord<>(
                                  cluster.topics().results(), r.getSessionId(), result(r, 1, now)));
                          if (r.getSequence() % 3
                              == 0) { // a retried attempt: must not free a second credit
                            results.send(
                                new ProducerRecord<>(
                                    cluster.topics().results(),
                                    r.getSessionId(),
                                    result(r, 2, now)));
                          }
                          results.flush();
                        },
                        15,
                        TimeUnit.MILLISECONDS);
                  }
                }
              }
            });
    responder.start();
    ProducerConfig config =
        base(runId)
            .images(new ImageSpec(1, 40, 4, 30, 0, ImageFormat.RANDOM, "noise"))
            .load(new LoadSpec.ClosedLoop(concurrency, null))
            .stop(new StopSpec(60L, null, null))
            .build();
    ProducerProgress done;
    try (RunHandle run = new RunProducer(config).start()) {
      done = run.await(Duration.ofSeconds(60));
    } finally {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (answered.get() < 60 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      running.set(false);
      responder.join();
      timer.shutdown();
      results.close();
    }
    assertThat(done).isNotNull();
    assertThat(done.producedSessions()).isEqualTo(60);
    assertThat(maxHeld.get()).as("never more than N outstanding").isEqualTo(concurrency);
    assertThat(answered.get()).isEqualTo(60);
    List<InferenceRequest> requests = requests(runId);
    assertThat(requests).hasSize(60);
    assertThat(requests)
        .filteredOn(r -> r.getCreditReleasedUs() == null)
        .extracting(InferenceRequest::getSequence)
        .containsExactly(0L, 1L, 2L, 3L);
    assertThat(requests).allMatch(r -> r.getIntendedSendUs() == null);
    assertThat(requests)
        .filteredOn(r -> r.getCreditReleasedUs() != null)
        .allMatch(r -> r.getCreditReleasedUs() <= r.getPublishedUs());

    // closed loop publishes outside transactions: still, a request reaches a worker only after
    // the media it references is in the topic, and PRODUCED counts what was published
    Map<String, TopicPartition> mediaAt = new HashMap<>();
    Map<String, Long> mediaOffset = new HashMap<>();
    try (KafkaConsumer<String, byte[]> media = mediaProbe()) {
      List<TopicPartition> partitions = partitions(media, cluster.topics().media());
      media.assign(partitions);
      media.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = media.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(p -> media.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : media.poll(Duration.ofMillis(100))) {
          mediaAt.putIfAbsent(record.key(), new TopicPartition(record.topic(), record.partition()));
          mediaOffset.putIfAbsent(record.key(), record.offset());
        }
      }
    }
    int checked = 0;
    for (InferenceRequest r : requests) {
      Map<TopicPartition, Long> visible = mediaEndAtReceipt.get(r.getSessionId());
      assertThat(visible).as("request %s was received", r.getSessionId()).isNotNull();
      for (String sha : RunRecords.referencedMedia(List.of(r))) {
        assertThat(mediaAt).as("medium %s of %s published", sha, r.getSessionId()).containsKey(sha);
        assertThat(mediaOffset.get(sha))
            .as("medium %s was in the topic when %s reached the worker", sha, r.getSessionId())
            .isLessThan(visible.get(mediaAt.get(sha)));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(60);
    RunEvent last = runEvents(runId).get(runEvents(runId).size() - 1);
    assertThat(last.getStatus()).isEqualTo(RunStatus.PRODUCED);
    assertThat(last.getProducedRequests()).isEqualTo(60);
  }

  /** A read_committed consumer of the media topic's keys and offsets, in no group. */
  static KafkaConsumer<String, byte[]> mediaProbe() {
    return new KafkaConsumer<>(
        cluster.consumerConfig(null, "media-probe"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  @Test
  void aRestartedProducerFencesTheOldOneAndResumesWithoutDuplicates() throws Exception {
    String runId = "resume-it";
    ProducerConfig config =
        base(runId)
            .load(new LoadSpec.OpenLoop(150, ArrivalPattern.POISSON, null, null, null, null))
            .stop(new StopSpec(300L, null, null))
            .build();
    RunHandle first = new RunProducer(config).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (first.progress().producedSessions() < 100 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // a different configuration is refused and does not disturb the live producer
    assertThatThrownBy(
            () ->
                new RunProducer(
                        config.toBuilder()
                            .prompts(new PromptSpec(65, 8, 32, 0, 0, 0, null, null, 20))
                            .build())
                    .start())
        .isInstanceOf(RunRefusedException.class)
        .hasMessageContaining("prompts.inputTokensMean differ");
    assertThat(first.isDone()).isFalse();

    RunHandle second = new RunProducer(config).start();
    assertThatThrownBy(first::await).hasMessageContaining("another producer took over this run");
    ProducerProgress done = second.await(Duration.ofSeconds(60));
    second.close();
    assertThat(second.resumedFrom()).isGreaterThanOrEqualTo(90);
    assertThat(done.producedSessions()).isEqualTo(300);
    List<InferenceRequest> requests = requests(runId);
    assertThat(requests)
        .extracting(InferenceRequest::getSequence)
        .doesNotHaveDuplicates()
        .hasSize(300);
    RunEvent last = runEvents(runId).get(runEvents(runId).size() - 1);
    assertThat(last.getStatus()).isEqualTo(RunStatus.PRODUCED);
    assertThat(last.getProducedRequests()).isEqualTo(300);
    // the schedule continued: intended times are those of one uninterrupted Poisson process
    for (int i = 1; i < requests.size(); i++) {
      assertThat(requests.get(i).getIntendedSendUs())
          .isGreaterThanOrEqualTo(requests.get(i - 1).getIntendedSendUs());
    }
  }

  @Test
  void anInterruptedClosedLoopIsRefusedBecauseItsCreditsCannotBeRecovered() throws Exception {
    ProducerConfig config =
        base("closed-refused-it")
            .load(new LoadSpec.ClosedLoop(2, null))
            .stop(new StopSpec(10L, null, null))
            .build();
    try (RunHandle run = new RunProducer(config).start()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (run.progress().producedSessions() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThatThrownBy(() -> new RunProducer(config).start())
          .isInstanceOf(RunRefusedException.class)
          .hasMessageContaining("cannot resume");
      assertThat(run.isDone()).isFalse();
      assertThat(run.progress().inFlight()).isEqualTo(2);
    }
  }

  /** Holds each request of a run for a while, then answers it: counts how many it holds at once. */
  static final class HoldingResponder implements AutoCloseable {
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger maxHeld = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final KafkaProducer<String, SpecificRecord> results = resultsProducer();
    private final Thread thread;

    HoldingResponder(String runId, long holdMs) {
      KafkaConsumer<String, InferenceRequest> consumer = requestConsumer("holding-" + runId);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (running.get()) {
                    for (ConsumerRecord<String, InferenceRequest> record :
                        consumer.poll(Duration.ofMillis(50))) {
                      InferenceRequest r = record.value();
                      if (!runId.equals(r.getRunId())) {
                        continue;
                      }
                      maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                      timer.schedule(
                          () -> {
                            held.decrementAndGet();
                            answered.incrementAndGet();
                            long now =
                                dev.streamperf.schemas.clock.MicrosClock.system().nowMicros();
                            results.send(
                                new ProducerRecord<>(
                                    cluster.topics().results(),
                                    r.getSessionId(),
                                    result(r, 1, now)));
                            results.flush();
                          },
                          holdMs,
                          TimeUnit.MILLISECONDS);
                    }
                  }
                }
              });
      thread.start();
    }

    void awaitAnswered(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (answered.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
      timer.shutdown();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      results.close();
    }
  }

  @Test
  void aConcurrencyCapHoldsOpenLoopArrivalsBackWithoutMovingTheirIntendedTimes() throws Exception {
    String runId = "capped-open-loop-it";
    ProducerProgress done;
    HoldingResponder responder = new HoldingResponder(runId, 40);
    try (responder) {
      ProducerConfig config =
          base(runId)
              .load(new LoadSpec.OpenLoop(200, ArrivalPattern.CONSTANT, null, 2, null, null))
              .stop(new StopSpec(40L, null, null))
              .build();
      try (RunHandle run = new RunProducer(config).start()) {
        done = run.await(Duration.ofSeconds(60));
      }
      responder.awaitAnswered(40);
    }
    assertThat(done.producedSessions()).isEqualTo(40);
    assertThat(responder.maxHeld.get()).as("never more than the cap outstanding").isEqualTo(2);
    // 200/s offered against 2 slots of 40 ms each (50/s): most arrivals wait for a credit
    assertThat(done.lateSessions()).isGreaterThan(20);
    List<InferenceRequest> requests = requests(runId);
    long anchor = requests.get(0).getIntendedSendUs();
    for (InferenceRequest r : requests) {
      assertThat(r.getIntendedSendUs())
          .as("keeps its schedule time")
          .isEqualTo(anchor + r.getSequence() * 5_000);
    }
    assertThat(requests)
        .filteredOn(r -> r.getPublishedUs() > r.getIntendedSendUs())
        .hasSizeGreaterThan(20);
  }

  static RequestResult result(InferenceRequest r, int attempt, long completedUs) {
    return RequestResult.newBuilder()
        .setRunId(r.getRunId())
        .setRequestId(r.getTurns().get(0).getRequestId())
        .setSessionId(r.getSessionId())
        .setTurnIndex(0)
        .setSequence(r.getSequence())
        .setAttempt(attempt)
        .setWorkerId("test")
        .setPhase(r.getPhase())
        .setModel(r.getModel())
        .setEndpoint("test://")
        .setSuccess(true)
        .setCompletedUs(completedUs)
        .build();
  }

  static KafkaProducer<String, SpecificRecord> resultsProducer() {
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(cluster.serdeConfig(), false);
    return new KafkaProducer<>(
        cluster.producerConfig("test-results"), new StringSerializer(), values);
  }

  static KafkaConsumer<String, InferenceRequest> requestConsumer(String group) {
    Map<String, Object> config = cluster.consumerConfig(group, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    AvroDeserializer<InferenceRequest> values = new AvroDeserializer<>(InferenceRequest.class);
    values.configure(cluster.serdeConfig(), false);
    KafkaConsumer<String, InferenceRequest> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values);
    consumer.subscribe(List.of(cluster.topics().requests()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(50));
    }
    return consumer;
  }

  static List<InferenceRequest> requests(String runId) {
    List<InferenceRequest> out =
        read(cluster.topics().requests(), InferenceRequest.class, r -> runId.equals(r.getRunId()));
    out.sort((x, y) -> Long.compare(x.getSequence(), y.getSequence()));
    return out;
  }

  static List<RunEvent> runEvents(String runId) {
    return read(cluster.topics().runs(), RunEvent.class, e -> runId.equals(e.getRunId()));
  }

  /** Every committed record of a topic, read to its end. */
  static <T extends SpecificRecord> List<T> read(
      String topic, Class<T> type, java.util.function.Predicate<T> filter) {
    Map<String, Object> config = cluster.consumerConfig(null, "test-reader");
    AvroDeserializer<T> values = new AvroDeserializer<>(type);
    values.configure(cluster.serdeConfig(), false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.value() != null && filter.test(record.value())) {
            out.add(record.value());
          }
        }
      }
    }
    return out;
  }
}
