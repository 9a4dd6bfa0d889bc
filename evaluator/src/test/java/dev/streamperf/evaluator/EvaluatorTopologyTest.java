package dev.streamperf.evaluator;

import static dev.streamperf.evaluator.TestResults.mmstar;
import static dev.streamperf.evaluator.TestResults.product;
import static dev.streamperf.evaluator.TestResults.success;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamperf.evaluator.EvaluatorCounts.Outcome;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.clock.ManualClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.registry.InMemorySchemaRegistry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EvaluatorTopologyTest {

  private static final String SHOES = "Apparel & Accessories > Shoes > Athletic Shoes";

  private String registryName;
  private ClusterConfig cluster;
  private ManualClock clock;
  private TopologyTestDriver driver;
  private TestInputTopic<String, RequestResult> results;
  private TestOutputTopic<String, Score> scores;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void startDriver() {
    registryName = "evaluator-test-" + UUID.randomUUID();
    cluster = ClusterConfig.of("unused:9092", "mock://" + registryName);
    clock = new ManualClock(TestResults.T0 + 1_000_000);
    EvaluatorConfig config = EvaluatorConfig.defaults(cluster).withClock(clock);
    driver =
        new TopologyTestDriver(
            EvaluatorTopology.build(config), EvaluatorTopology.streamsConfig(config));
    results =
        driver.createInputTopic(
            cluster.topics().results(),
            new StringSerializer(),
            cluster.valueSerde(RequestResult.class).serializer());
    scores =
        driver.createOutputTopic(
            cluster.topics().scores(),
            new StringDeserializer(),
            cluster.valueSerde(Score.class).deserializer());
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(ScoringProcessor.class)).addAppender(logs);
  }

  @AfterEach
  void closeDriver() {
    ((Logger) LoggerFactory.getLogger(ScoringProcessor.class)).detachAppender(logs);
    driver.close();
    InMemorySchemaRegistry.drop(registryName);
  }

  private void pipe(RequestResult result) {
    results.pipeInput(result.getRequestId(), result);
  }

  private EvaluatorCounts counts() {
    return EvaluatorCounts.from(driver.metrics());
  }

  @Test
  void scoresEverySuccessfulResultThatCarriesAReference() {
    pipe(success("r1", "Answer: B", mmstar("B", "coarse perception")).build());
    pipe(success("r2", "(C)", mmstar("B", "coarse perception")).build());
    pipe(
        success(
                "r3",
                new ProductMetadata("Apparel & Accessories > Shoes > Boots", "Nike", true).toJson(),
                product(SHOES, "Nike", false))
            .build());

    List<KeyValue<String, Score>> out = scores.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key).containsExactly("r1", "r2", "r3");

    Score right = out.get(0).value;
    assertThat(right.getValue()).isEqualTo(1.0);
    assertThat(right.getParsed()).isTrue();
    assertThat(right.getExtracted()).isEqualTo("B");
    assertThat(right.getExpected()).isEqualTo("B");
    assertThat(right.getCategory()).isEqualTo("coarse perception");
    assertThat(right.getScorer()).isEqualTo("multiple_choice");
    assertThat(right.getRunId()).isEqualTo("run-1");
    assertThat(right.getModel()).isEqualTo("Qwen/Qwen3-VL-8B-Instruct");
    assertThat(right.getPhase()).isEqualTo(Phase.PROFILING);
    assertThat(right.getScoredUs()).isEqualTo(TestResults.T0 + 1_000_000);

    assertThat(out.get(1).value.getValue()).isZero();
    assertThat(out.get(1).value.getExtracted()).isEqualTo("C");

    Score product = out.get(2).value;
    assertThat(product.getScorer()).isEqualTo("hierarchical_f1");
    assertThat(product.getValue()).isEqualTo(2.0 / 3.0);
    assertThat(product.getCategory()).isEqualTo("Apparel & Accessories");
    assertThat(product.getComponents())
        .containsEntry("intersection", 2.0)
        .containsEntry("predicted", 3.0)
        .containsEntry("true", 3.0)
        .containsEntry("brand_match", 1.0)
        .containsEntry("secondhand_fp", 1.0);

    assertThat(counts().get(Outcome.SCORED)).isEqualTo(3);
    assertThat(counts().read()).isEqualTo(3);
  }

  @Test
  void warmupResultsAreScoredAndKeepTheirPhase() {
    pipe(success("w1", "B", mmstar("B", null)).setPhase(Phase.WARMUP).build());
    Score score = scores.readValue();
    assertThat(score.getPhase()).isEqualTo(Phase.WARMUP);
    assertThat(score.getValue()).isEqualTo(1.0);
  }

  @Test
  void failedAndUnreferencedResultsAreCountedNotScored() {
    pipe(
        success("f1", null, mmstar("B", null))
            .setSuccess(false)
            .setErrorKind(ErrorKind.TIMEOUT)
            .build());
    pipe(success("u1", "hello", null).build());
    assertThat(scores.isEmpty()).isTrue();
    assertThat(counts().get(Outcome.FAILED_SKIPPED)).isEqualTo(1);
    assertThat(counts().get(Outcome.UNREFERENCED_SKIPPED)).isEqualTo(1);
    assertThat(counts().get(Outcome.SCORED)).isZero();
  }

  @Test
  void aSuccessWithNoTextIsScoredAsAnEmptyAnswer() {
    pipe(success("e1", null, product(SHOES, "Nike", false)).build());
    Score score = scores.readValue();
    assertThat(score.getParsed()).isFalse();
    assertThat(score.getValue()).isZero();
    assertThat(score.getComponents()).containsEntry("predicted", 3.0);
  }

  @Test
  void unknownScorersAndBadReferencesAreCountedAndLoggedWithTheirOffsetAndScoringGoesOn() {
    Reference unknown = Reference.newBuilder().setScorer("bleu").setAnswer("x").build();
    Reference badRegex = Reference.newBuilder().setScorer("regex").setAnswer("(").build();
    pipe(success("x1", "anything", unknown).build()); // offset 0
    pipe(success("x2", "anything", badRegex).build()); // offset 1
    pipe(success("x3", "B", mmstar("B", null)).build()); // offset 2

    assertThat(scores.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("x3");
    assertThat(counts().get(Outcome.UNKNOWN_SCORER)).isEqualTo(1);
    assertThat(counts().get(Outcome.BAD_REFERENCE)).isEqualTo(1);
    assertThat(counts().get(Outcome.SCORED)).isEqualTo(1);

    String results = cluster.topics().results();
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith(results + "-0@0: request x1 of run run-1: unknown scorer 'bleu'"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith(results + "-0@1: request x2 of run run-1: bad reference")
                    .contains("reference.answer: not a regular expression"));
  }

  @Test
  void aCorruptResultRecordIsSkippedAndTheNextOneScored() {
    TestInputTopic<String, byte[]> raw =
        driver.createInputTopic(
            cluster.topics().results(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("junk", new byte[] {0, 0, 0, 0, 99, 1, 2, 3});
    pipe(success("ok", "B", mmstar("B", null)).build());
    assertThat(scores.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ok");
    double dropped =
        driver.metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals("dropped-records-total"))
            .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
            .sum();
    assertThat(dropped).isEqualTo(1.0);
  }

  @Test
  void theScoreKeepsTheResultsTimestampForEventTimeWindows() {
    RequestResult result = success("t1", "B", mmstar("B", null)).build();
    results.pipeInput("t1", result, 1_234_567L);
    assertThat(scores.readRecord().getRecordTime().toEpochMilli()).isEqualTo(1_234_567L);
  }

  @Test
  void everyCountIsReadFromTheStreamsMetrics() {
    pipe(success("a", "B", mmstar("B", null)).build());
    EvaluatorCounts counts = counts();
    assertThat(counts.totals()).containsOnlyKeys(Outcome.values());
    assertThat(counts.toString())
        .isEqualTo(
            "read 1, scored 1, failed-skipped 0, unreferenced-skipped 0, unknown-scorer 0,"
                + " bad-reference 0, invalid-result 0, scorer-error 0");
    assertThat(Map.copyOf(counts.totals())).containsEntry(Outcome.SCORED, 1L);
  }
}
