package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.evaluator.mlperf.QueryPlan.PlannedQuery;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QueryPlanTest {

  @Test
  void accuracyModeAsksEverySampleOnceInOrder() {
    for (Scenario scenario : Scenario.values()) {
      List<PlannedQuery> plan =
          QueryPlan.plan(LoadGenSettings.vlm(scenario, TestMode.ACCURACY_ONLY), 250, 7);
      assertThat(plan)
          .extracting(PlannedQuery::qslIndex)
          .containsExactlyElementsOf(IntStream.range(0, 250).boxed().toList());
      assertThat(plan).extracting(PlannedQuery::seqId).doesNotHaveDuplicates();
    }
  }

  @Test
  void offlineIssuesEverythingAtOnceInConcatenatedPermutations() {
    LoadGenSettings settings =
        LoadGenSettings.vlm(Scenario.OFFLINE, TestMode.PERFORMANCE_ONLY)
            .withMinQueryCount(250)
            .withMinDuration(Duration.ofSeconds(10))
            .withOfflineExpectedQps(100); // 1.1 * 100 * 10 = 1100 > 250
    List<PlannedQuery> plan = QueryPlan.plan(settings, 400, 42);
    assertThat(plan).hasSize(1_100);
    assertThat(plan).allSatisfy(q -> assertThat(q.scheduledNs()).isZero());
    // the first 400 are a permutation of every sample, and so are the next 400
    assertThat(plan.subList(0, 400)).extracting(PlannedQuery::qslIndex).doesNotHaveDuplicates();
    assertThat(plan.subList(400, 800)).extracting(PlannedQuery::qslIndex).doesNotHaveDuplicates();
    assertThat(plan.subList(0, 400))
        .extracting(PlannedQuery::qslIndex)
        .isNotEqualTo(IntStream.range(0, 400).boxed().toList());
    assertThat(QueryPlan.plan(settings, 400, 42)).isEqualTo(plan);
    assertThat(QueryPlan.plan(settings, 400, 43)).isNotEqualTo(plan);
  }

  @Test
  void serverArrivalsArePoissonAtTheTargetRateUntilCountAndDurationAreMet() {
    LoadGenSettings settings =
        LoadGenSettings.vlm(Scenario.SERVER, TestMode.PERFORMANCE_ONLY)
            .withServerTargetQps(50)
            .withMinQueryCount(20_000)
            .withMinDuration(Duration.ofSeconds(60));
    List<PlannedQuery> plan = QueryPlan.plan(settings, 1_000, 3);
    assertThat(plan).hasSize(20_000); // 20,000 at 50/s take ~400 s > 60 s
    double[] gaps = new double[plan.size() - 1];
    for (int i = 1; i < plan.size(); i++) {
      gaps[i - 1] = (plan.get(i).scheduledNs() - plan.get(i - 1).scheduledNs()) / 1e9;
      assertThat(gaps[i - 1]).isGreaterThanOrEqualTo(0);
    }
    double mean = java.util.Arrays.stream(gaps).average().orElseThrow();
    assertThat(mean).isCloseTo(0.02, within(0.02 * 0.03)); // ±3% (4σ for 20k samples)
    // exponential: P(gap > mean) = 1/e
    double overMean =
        java.util.Arrays.stream(gaps).filter(g -> g > 0.02).count() / (double) gaps.length;
    assertThat(overMean).isCloseTo(Math.exp(-1), within(0.015));

    LoadGenSettings longer = settings.withMinDuration(Duration.ofSeconds(1_000));
    List<PlannedQuery> untilDuration = QueryPlan.plan(longer, 1_000, 3);
    assertThat(untilDuration.get(untilDuration.size() - 1).scheduledNs())
        .isGreaterThanOrEqualTo(1_000_000_000_000L);
    assertThat(untilDuration.get(untilDuration.size() - 2).scheduledNs())
        .isLessThan(1_000_000_000_000L);
  }
}
