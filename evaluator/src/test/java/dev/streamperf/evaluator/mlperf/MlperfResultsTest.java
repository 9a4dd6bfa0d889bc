package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.evaluator.EvaluatorTopology;
import dev.streamperf.evaluator.mlperf.QueryPlan.PlannedQuery;
import dev.streamperf.evaluator.scoring.CategoryPath;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.evaluator.scoring.SecondhandGuess;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.registry.InMemorySchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The seam {@code mlperf run} will use, exercised without the other components: plan → requests →
 * (results as a worker would write them) → summary, accuracy log and accuracy; and the live
 * evaluator's scores of the same results agree with {@code mlperf evaluate}'s F1.
 */
class MlperfResultsTest {

  private static final long START_US = 1_700_000_000_000_000L;
  private static final String RUN = "mlperf-1";

  private static List<ProductSample> samples(int n) {
    List<ProductSample> samples = new ArrayList<>();
    String[] tops = {"Apparel", "Home", "Toys"};
    for (int i = 0; i < n; i++) {
      String category = tops[i % 3] + " > Level " + (i % 5) + " > Leaf " + i;
      samples.add(
          new ProductSample(
              i,
              "title " + i,
              "description " + i,
              ProductPromptTest.JPEG,
              List.of(category, "Other > Thing"),
              category,
              "brand" + i % 4,
              i % 7 == 0));
    }
    return samples;
  }

  /** What a worker would write for a request: a scripted answer after a scripted latency. */
  private static RequestResult executed(
      InferenceRequest request, int attempt, boolean success, String answer, long latencyUs) {
    Turn turn = request.getTurns().get(0);
    long sent = request.getIntendedSendUs() + 100; // 0.1 ms schedule delay
    return RequestResult.newBuilder()
        .setRunId(request.getRunId())
        .setRequestId(turn.getRequestId())
        .setSessionId(request.getSessionId())
        .setTurnIndex(0)
        .setSequence(request.getSequence())
        .setAttempt(attempt)
        .setWorkerId("w")
        .setPhase(request.getPhase())
        .setModel(request.getModel())
        .setEndpoint("http://sut")
        .setSuccess(success)
        .setErrorKind(success ? null : ErrorKind.TIMEOUT)
        .setIntendedSendUs(request.getIntendedSendUs())
        .setSentUs(sent)
        .setCompletedNs((latencyUs - 100) * 1_000)
        .setCompletedUs(sent + latencyUs - 100)
        .setOutputText(success ? answer : null)
        .setOutputTokens(success ? 20 : null)
        .setReference(turn.getReference())
        .build();
  }

  /** Right category for even samples, a wrong leaf for odd ones, a fence for every 10th. */
  private static String answer(ProductSample s) {
    ProductMetadata truth = s.truth();
    if (s.index() % 10 == 9) {
      return "```json\n" + truth.toJson() + "\n```";
    }
    String category =
        s.index() % 2 == 0 ? truth.category() : truth.category().replace("Leaf", "Wrong");
    return new ProductMetadata(category, truth.brand(), truth.isSecondhand()).toJson();
  }

  @Test
  void aServerAccuracyRunBecomesASummaryAnAccuracyLogAndAnF1() throws Exception {
    List<ProductSample> samples = samples(40);
    LoadGenSettings settings =
        LoadGenSettings.vlm(Scenario.SERVER, TestMode.ACCURACY_ONLY)
            .withMinDuration(Duration.ZERO)
            .withMinQueryCount(40);
    List<PlannedQuery> plan = QueryPlan.plan(settings, samples.size(), 11);
    List<RequestResult> results = new ArrayList<>();
    for (PlannedQuery q : plan) {
      ProductSample sample = samples.get(q.qslIndex());
      InferenceRequest request =
          MlperfRequests.request(
              RUN, "qwen", q, sample, ProductPrompt.inlineImage(sample), START_US, START_US);
      assertThat(request.getIntendedSendUs()).isEqualTo(START_US + q.scheduledNs() / 1_000);
      assertThat(request.getTurns().get(0).getRequestId()).isEqualTo(RUN + "/q" + q.seqId());
      long latencyUs = q.qslIndex() == 5 ? 13_000_000 : 1_000_000;
      if (q.qslIndex() == 3) { // a timeout, retried successfully
        results.add(executed(request, 1, false, null, 30_000_000));
        results.add(executed(request, 2, true, answer(sample), latencyUs));
      } else if (q.qslIndex() == 4) { // a failure that stays a failure
        results.add(executed(request, 1, false, null, 2_000_000));
      } else {
        results.add(executed(request, 1, true, answer(sample), latencyUs));
      }
    }

    MlperfResults run = MlperfResults.of(results, plan.size(), START_US);
    assertThat(run.timings()).hasSize(40);
    assertThat(run.accuracyLog()).extracting(AccuracyLog.Entry::seqId).isSorted();
    AccuracyLog.Entry failed =
        run.accuracyLog().stream().filter(e -> e.qslIndex() == 4).findFirst().orElseThrow();
    assertThat(failed.data()).isEmpty();
    AccuracyLog.Entry retried =
        run.accuracyLog().stream().filter(e -> e.qslIndex() == 3).findFirst().orElseThrow();
    assertThat(retried.text()).isEqualTo(answer(samples.get(3)));
    assertThat(retried.tokenCount()).isEqualTo(20);
    QueryTiming slow =
        run.timings().stream().filter(t -> t.qslIndex() == 5).findFirst().orElseThrow();
    assertThat(slow.latencyNs()).isEqualTo(13_000_000_000L);

    PerformanceSummary summary =
        PerformanceSummary.compute(settings, "qwen @ http://sut", run.timings(), run.issued());
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.overLatency()).isEqualTo(1);
    // 1 of 40 over the bound: floor(40 * 0.99) = 39 is the slow one
    assertThat(summary.targetPercentileLatencyNs()).isEqualTo(13_000_000_000L);
    assertThat(summary.valid()).isFalse();

    List<ProductMetadata> truth = samples.stream().map(ProductSample::truth).toList();
    AccuracyReport report =
        AccuracyReport.evaluate(
            run.accuracyLog(), truth, SecondhandGuess.DEFAULT_SEED, 0.7824, "run");
    // unparsable: every 10th (9, 19, 29, 39) and the failure (4): 5 of 40
    assertThat(report.unparsable()).isEqualTo(5);
    long i = 0;
    long p = 0;
    long t = 0;
    for (ProductSample s : samples) {
      boolean unparsable = s.index() % 10 == 9 || s.index() == 4;
      int depth = 3;
      t += depth;
      p += depth;
      i += unparsable ? 0 : (s.index() % 2 == 0 ? 3 : 2);
    }
    assertThat(report.intersection()).isEqualTo(i);
    assertThat(report.predicted()).isEqualTo(p);
    assertThat(report.truth()).isEqualTo(t);

    // the live evaluator, fed the same results, sums to the same micro F1
    String registry = "mlperf-test-" + UUID.randomUUID();
    ClusterConfig cluster = ClusterConfig.of("unused:9092", "mock://" + registry);
    EvaluatorConfig config = EvaluatorConfig.defaults(cluster);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            EvaluatorTopology.build(config), EvaluatorTopology.streamsConfig(config))) {
      TestInputTopic<String, RequestResult> in =
          driver.createInputTopic(
              cluster.topics().results(),
              new StringSerializer(),
              cluster.valueSerde(RequestResult.class).serializer());
      TestOutputTopic<String, Score> out =
          driver.createOutputTopic(
              cluster.topics().scores(),
              new StringDeserializer(),
              cluster.valueSerde(Score.class).deserializer());
      // the evaluator scores successes only; the failure counts as unparsable offline.
      results.forEach(r -> in.pipeInput(r.getRequestId(), r));
      double si = 0;
      double sp = 0;
      double st = 0;
      double brand = 0;
      int scores = 0;
      for (Score s : out.readValuesToList()) {
        si += s.getComponents().get("intersection");
        sp += s.getComponents().get("predicted");
        st += s.getComponents().get("true");
        brand += s.getComponents().get("brand_match");
        scores++;
      }
      assertThat(scores).isEqualTo(39);
      // add the failed query as the offline evaluation counts it: (0, 3, 3)
      assertThat(CategoryPath.microF1(si, sp + 3, st + 3)).isEqualTo(report.categoryF1());
      assertThat(brand).isEqualTo(report.brandMatches());
    } finally {
      InMemorySchemaRegistry.drop(registry);
    }
  }
}
