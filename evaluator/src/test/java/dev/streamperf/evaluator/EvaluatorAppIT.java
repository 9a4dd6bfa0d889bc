package dev.streamperf.evaluator;

import static dev.streamperf.evaluator.TestResults.mmstar;
import static dev.streamperf.evaluator.TestResults.product;
import static dev.streamperf.evaluator.TestResults.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.evaluator.EvaluatorCounts.Outcome;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluator app on a real broker: results in, exactly one score per scorable result out. */
class EvaluatorAppIT {

  private static final String SHOES = "Apparel & Accessories > Shoes > Athletic Shoes";

  private static EmbeddedStack stack;

  @BeforeAll
  static void startStack() {
    stack = EmbeddedStack.start(TopicCatalog.builder().partitions(3).replicationFactor(1).build());
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void scoresResultsFromTheResultsTopicIntoTheScoresTopic() throws Exception {
    ClusterConfig cluster = stack.cluster();
    List<RequestResult> input = new ArrayList<>();
    int mmstar = 60;
    for (int i = 0; i < mmstar; i++) {
      // every third answer is wrong
      input.add(
          success("mc-" + i, i % 3 == 0 ? "(A)" : "Answer: B", mmstar("B", "c" + i % 2)).build());
    }
    input.add(
        success(
                "pc-1",
                new ProductMetadata(SHOES, "Nike", false).toJson(),
                product(SHOES, "Nike", false))
            .build());
    input.add(success("pc-2", "```json\n{}\n```", product(SHOES, "Nike", false)).build());
    input.add(
        success("failed", null, mmstar("B", null))
            .setSuccess(false)
            .setErrorKind(ErrorKind.CONNECTION)
            .build());
    input.add(success("plain", "hello", null).build());
    input.add(
        success("unknown", "x", Reference.newBuilder().setScorer("bleu").setAnswer("x").build())
            .build());

    try (KafkaProducer<String, RequestResult> producer =
        new KafkaProducer<>(
            cluster.producerConfig("evaluator-it-producer"),
            new StringSerializer(),
            cluster.valueSerde(RequestResult.class).serializer())) {
      for (RequestResult result : input) {
        producer.send(
            new ProducerRecord<>(cluster.topics().results(), result.getRequestId(), result));
      }
      producer.flush();
    }

    int expectedScores = mmstar + 2;
    Map<String, Score> scores = new HashMap<>();
    EvaluatorApp closedApp;
    try (EvaluatorApp app =
            new EvaluatorApp(
                EvaluatorConfig.defaults(cluster)
                    .withApplicationId("evaluator-it")
                    .withCommitInterval(Duration.ofMillis(50)));
        KafkaConsumer<String, Score> consumer =
            new KafkaConsumer<>(
                cluster.consumerConfig("evaluator-it-reader", "evaluator-it-reader"),
                new StringDeserializer(),
                cluster.valueSerde(Score.class).deserializer())) {
      app.start();
      assertThat(app.awaitRunning(Duration.ofSeconds(60))).as("evaluator running").isTrue();
      consumer.subscribe(List.of(cluster.topics().scores()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (scores.size() < expectedScores && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Score> record : consumer.poll(Duration.ofMillis(200))) {
          assertThat(scores.put(record.key(), record.value()))
              .as("duplicate " + record.key())
              .isNull();
        }
      }
      // nothing more arrives: one score per scorable result
      for (int i = 0; i < 5; i++) {
        assertThat(consumer.poll(Duration.ofMillis(200)).count()).isZero();
      }

      EvaluatorCounts counts = app.counts();
      assertThat(counts.get(Outcome.SCORED)).isEqualTo(expectedScores);
      assertThat(counts.get(Outcome.FAILED_SKIPPED)).isEqualTo(1);
      assertThat(counts.get(Outcome.UNREFERENCED_SKIPPED)).isEqualTo(1);
      assertThat(counts.get(Outcome.UNKNOWN_SCORER)).isEqualTo(1);
      assertThat(counts.read()).isEqualTo(input.size());
      closedApp = app;
    }
    // the counts survive close, for reports written after the pipeline stopped
    assertThat(closedApp.counts().get(Outcome.SCORED)).isEqualTo(expectedScores);

    assertThat(scores).hasSize(expectedScores);
    double mmstarAccuracy =
        scores.values().stream()
            .filter(s -> s.getScorer().equals("multiple_choice"))
            .mapToDouble(Score::getValue)
            .average()
            .orElseThrow();
    assertThat(mmstarAccuracy).isEqualTo(40.0 / 60.0);
    assertThat(scores.get("pc-1").getValue()).isEqualTo(1.0);
    assertThat(scores.get("pc-2").getParsed()).isFalse();
    assertThat(scores.get("pc-2").getComponents()).containsEntry("predicted", 3.0);
  }
}
