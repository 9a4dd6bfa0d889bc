package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.cli.StreamperfCommandTest.Run;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** {@code streamperf evaluator --until-idle} scores a finished run's results and exits. */
class EvaluatorCommandIT {

  private static RequestResult result(String id, String output, String answer) {
    return RequestResult.newBuilder()
        .setRunId("run-cli")
        .setRequestId(id)
        .setSessionId(id)
        .setTurnIndex(0)
        .setSequence(0)
        .setAttempt(1)
        .setWorkerId("w")
        .setPhase(Phase.PROFILING)
        .setModel("m")
        .setEndpoint("http://e")
        .setSuccess(true)
        .setCompletedUs(1L)
        .setOutputText(output)
        .setReference(
            Reference.newBuilder()
                .setScorer("multiple_choice")
                .setAnswer(answer)
                .setMetadata(Map.of("A", "cat", "B", "dog"))
                .build())
        .build();
  }

  @Test
  void scoresAFinishedRunAndExitsWhenIdle() {
    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().partitions(2).replicationFactor(1).build())) {
      ClusterConfig cluster = stack.cluster();
      try (KafkaProducer<String, RequestResult> producer =
          new KafkaProducer<>(
              cluster.producerConfig("cli-it"),
              new StringSerializer(),
              cluster.valueSerde(RequestResult.class).serializer())) {
        for (RequestResult r :
            List.of(
                result("a", "Answer: B", "B"), result("b", "A", "B"), result("c", "dog", "B"))) {
          producer.send(new ProducerRecord<>(cluster.topics().results(), r.getRequestId(), r));
        }
        producer.flush();
      }

      Run run =
          StreamperfCommandTest.run(
              "evaluator",
              "--bootstrap-servers",
              cluster.bootstrapServers(),
              "--schema-registry-url",
              cluster.schemaRegistryUrl(),
              "--evaluator-application-id",
              "cli-it-evaluator",
              "--until-idle",
              "PT3S",
              "--report-interval",
              "PT1S");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("evaluator cli-it-evaluator: scoring streamperf.results into streamperf.scores")
          .contains("read 3, scored 3, failed-skipped 0");

      List<Score> scores = new ArrayList<>();
      try (KafkaConsumer<String, Score> consumer =
          new KafkaConsumer<>(
              cluster.consumerConfig("cli-it-reader", "cli-it-reader"),
              new StringDeserializer(),
              cluster.valueSerde(Score.class).deserializer())) {
        consumer.subscribe(List.of(cluster.topics().scores()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (scores.size() < 3 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, Score> r : consumer.poll(Duration.ofMillis(200))) {
            scores.add(r.value());
          }
        }
      }
      assertThat(scores)
          .extracting(Score::getRequestId, Score::getValue)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("a", 1.0),
              org.assertj.core.groups.Tuple.tuple("b", 0.0),
              org.assertj.core.groups.Tuple.tuple("c", 1.0));
    }
  }
}
