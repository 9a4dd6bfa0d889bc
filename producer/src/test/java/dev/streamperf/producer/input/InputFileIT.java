package dev.streamperf.producer.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input files through the producer on a real broker: the schedule kept, a bad file publishes
 * nothing.
 */
class InputFileIT {

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

  static ProducerConfig config(String runId, InputSpec.File input) {
    return ProducerConfig.builder(cluster)
        .runId(runId)
        .model("test-model")
        .tokenizer("builtin")
        .input(input)
        .load(new LoadSpec.OpenLoop(1, ArrivalPattern.CONSTANT, null, null, null, null))
        .progressInterval(Duration.ofMillis(300))
        .build();
  }

  @Test
  void aSingleTurnFileIsPublishedOnItsTimestampsWithItsMediaOnce() throws Exception {
    InputSpec.File input =
        new InputSpec.File(
            InputSourceTest.fixture("single_turn.jsonl"),
            InputFormat.SINGLE_TURN,
            MediaUrls.PASS,
            FixedSchedule.plain());
    ProducerProgress done;
    try (RunHandle run = new RunProducer(config("input-single-turn", input)).start()) {
      assertThat(run.describe()).contains("fixed schedule").contains("single_turn, 4 sessions");
      done = run.await(Duration.ofSeconds(60));
    }
    assertThat(done.state()).isEqualTo(ProducerProgress.State.PRODUCED);
    assertThat(done.producedSessions()).as("the file, once: no default count").isEqualTo(4);
    assertThat(done.lateSessions()).isZero();

    List<InferenceRequest> requests = requests("input-single-turn");
    requests.sort(Comparator.comparingLong(InferenceRequest::getSequence));
    assertThat(requests).hasSize(4);
    long anchor = requests.get(0).getIntendedSendUs();
    assertThat(requests)
        .extracting(r -> r.getIntendedSendUs() - anchor)
        .containsExactly(0L, 250_500L, 1_000_000L, 1_500_000L);
    assertThat(requests.get(0).getTurns().get(0).getMaxTokens()).isEqualTo(16);
    assertThat(requests.get(1).getExtraBody()).isEqualTo("{\"temperature\":0.2}");
    assertThat(requests.get(1).getSource()).isEqualTo("single_turn.jsonl:2");
    ContentPart remote = requests.get(3).getTurns().get(0).getMessages().get(0).getParts().get(1);
    assertThat(remote.getUrl()).isEqualTo("https://example.invalid/cat.png");

    List<String> referenced = new ArrayList<>();
    requests.forEach(
        r ->
            r.getTurns()
                .forEach(
                    t ->
                        t.getMessages()
                            .forEach(
                                m ->
                                    m.getParts().stream()
                                        .filter(p -> p.getMediaSha256() != null)
                                        .forEach(p -> referenced.add(p.getMediaSha256())))));
    List<MediaBlob> media =
        read(cluster.topics().media(), MediaBlob.class, b -> referenced.contains(b.getSha256()));
    // other tests of this class publish the same fixture images in their own runs
    assertThat(media.stream().map(MediaBlob::getSha256).distinct()).hasSize(3);
    assertThat(done.mediaPublished()).isEqualTo(3);

    RunEvent last =
        read(cluster.topics().runs(), RunEvent.class, e -> e.getRunId().equals("input-single-turn"))
            .stream()
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(last.getStatus()).isEqualTo(RunStatus.PRODUCED);
    assertThat(last.getConfig()).contains("\"input_file\"").contains("\"fixed_schedule\"");
  }

  @Test
  void everyKindOfBadLinePublishesNothing() {
    String[] files = {
      "invalid_json.jsonl",
      "missing_field.jsonl",
      "wrong_type.jsonl",
      "missing_image.jsonl",
      "bad_row.csv",
      "missing_turns.jsonl"
    };
    int[] lines = {3, 2, 2, 2, 3, 2};
    for (int i = 0; i < files.length; i++) {
      String runId = "input-bad-" + i;
      InputSpec.File input =
          new InputSpec.File(
              InputSourceTest.fixture("bad/" + files[i]), null, MediaUrls.PASS, null);
      Throwable thrown = catchThrowable(() -> new RunProducer(config(runId, input)).start());
      assertThat(thrown).as(files[i]).isInstanceOf(InputException.class);
      assertThat(((InputException) thrown).line()).as(files[i]).isEqualTo(lines[i]);
      assertThat(thrown.getMessage()).contains(files[i] + ":" + lines[i] + ": ");
    }
    for (int i = 0; i < files.length; i++) {
      String runId = "input-bad-" + i;
      assertThat(requests(runId)).as(files[i]).isEmpty();
      assertThat(read(cluster.topics().runs(), RunEvent.class, e -> e.getRunId().equals(runId)))
          .as(files[i])
          .isEmpty();
    }
  }

  static List<InferenceRequest> requests(String runId) {
    return read(
        cluster.topics().requests(), InferenceRequest.class, r -> r.getRunId().equals(runId));
  }

  /** Every committed record of a topic that passes the filter. */
  static <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<T> filter) {
    Map<String, Object> config = cluster.consumerConfig(null, "test-reader");
    config.put("isolation.level", "read_committed");
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

  @Test
  void mmstarFromALocalCopyCarriesTheAnswerLetterAsTheReference() throws Exception {
    java.nio.file.Path copy =
        java.nio.file.Path.of(InputFileIT.class.getResource("/datasets/mmstar/rows.jsonl").toURI());
    ProducerConfig config =
        ProducerConfig.builder(cluster)
            .runId("input-mmstar")
            .model("test-model")
            .tokenizer("builtin")
            .input(
                new InputSpec.Dataset(
                    "mmstar",
                    copy,
                    java.net.URI.create("http://127.0.0.1:9"),
                    copy.getParent().resolve("no-cache"),
                    null))
            .load(new LoadSpec.ClosedLoop(2, null))
            .build();
    ProducerProgress done;
    try (RunHandle run = new RunProducer(config).start()) {
      // closed loop: nothing answers, so two sessions go out; stop ends the run there
      Thread.sleep(1500);
      run.stop();
      done = run.await(Duration.ofSeconds(30));
    }
    assertThat(done.producedSessions()).isEqualTo(2);
    List<InferenceRequest> requests = requests("input-mmstar");
    requests.sort(Comparator.comparingLong(InferenceRequest::getSequence));
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).getTurns().get(0).getReference().getAnswer()).isEqualTo("A");
    assertThat(requests.get(1).getTurns().get(0).getReference().getScorer())
        .isEqualTo("multiple_choice");
    assertThat(requests.get(0).getSource()).startsWith("mmstar:rows.jsonl:1");
  }
}
