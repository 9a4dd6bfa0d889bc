package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerformanceSummaryTest {

  private static final long S = 1_000_000_000L;

  /** Server settings sized for small tests: 1,000 queries over at least 100 s. */
  private static LoadGenSettings server() {
    return LoadGenSettings.vlm(Scenario.SERVER, TestMode.PERFORMANCE_ONLY)
        .withMinDuration(Duration.ofSeconds(100))
        .withMinQueryCount(1_000)
        .withServerTargetQps(10);
  }

  /** n queries 0.1 s apart; the given number of them (the last ones) take slowNs, the rest 2 s. */
  private static List<QueryTiming> serverRun(int n, int slow, long slowNs) {
    List<QueryTiming> timings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long scheduled = i * S / 10;
      long latency = i >= n - slow ? slowNs : 2 * S;
      timings.add(new QueryTiming(i, i % 50, scheduled, scheduled + latency, true));
    }
    return timings;
  }

  @Test
  void aServerRunWhoseP99IsOverTwelveSecondsIsInvalidWithTheReason() {
    PerformanceSummary summary =
        PerformanceSummary.compute(server(), "m @ http://e", serverRun(1_001, 20, 13 * S), 1_001);

    // floor(1001 * 0.99) = 990: the 991st smallest latency is one of the 20 slow ones
    assertThat(summary.targetPercentileLatencyNs()).isEqualTo(13 * S);
    assertThat(summary.overLatency()).isEqualTo(20);
    assertThat(summary.valid()).isFalse();
    assertThat(summary.checks())
        .filteredOn(c -> c.name().equals("Performance constraints satisfied"))
        .singleElement()
        .satisfies(c -> assertThat(c.met()).isFalse());
    assertThat(summary.reasons())
        .anySatisfy(
            r ->
                assertThat(r)
                    .isEqualTo(
                        "Reduce target QPS to improve latency: the p99 latency is 13.000 s, over"
                            + " the 12.000 s bound."));
    String text = summary.render();
    assertThat(text)
        .contains("Scenario : Server")
        .contains("Result is : INVALID")
        .contains("  Performance constraints satisfied : NO")
        .contains("  Min duration satisfied : Yes")
        .contains("  Min queries satisfied : Yes")
        .contains("99.00 percentile latency (ns)   : 13000000000")
        .contains("Queries over latency bound      : 20");
  }

  @Test
  void aServerRunUnderTheBoundWithEnoughQueriesIsValid() {
    PerformanceSummary summary =
        PerformanceSummary.compute(server(), "m", serverRun(1_001, 0, 0), 1_001);
    assertThat(summary.valid()).isTrue();
    assertThat(summary.reasons()).isEmpty();
    assertThat(summary.render())
        .contains("Result is : VALID")
        .contains("  Early stopping satisfied : Yes")
        .contains("Early Stopping Result:\n * Run successful.");
    // (n - 1) / last scheduled time: 1000 / 100 s
    assertThat(summary.scheduledSamplesPerSecond()).isEqualTo(10.0);
  }

  @Test
  void aServerRunWithAFewSlowQueriesCanMeetP99YetFailEarlyStopping() {
    // 9 of 1001 slow: p99 = sorted[990] is fast, but early stopping wants h + 9 queries
    PerformanceSummary summary =
        PerformanceSummary.compute(server(), "m", serverRun(1_001, 9, 13 * S), 1_001);
    long needed = EarlyStopping.minPassingQueries(9, 0.99, 0.99) + 9;
    assertThat(needed).isGreaterThan(1_001);
    assertThat(summary.targetPercentileLatencyNs()).isEqualTo(2 * S);
    assertThat(summary.checks())
        .extracting(PerformanceSummary.Check::name, PerformanceSummary.Check::met)
        .contains(
            org.assertj.core.groups.Tuple.tuple("Performance constraints satisfied", true),
            org.assertj.core.groups.Tuple.tuple("Early stopping satisfied", false));
    assertThat(summary.valid()).isFalse();
    assertThat(summary.render())
        .contains(" * Run unsuccessful.")
        .contains(" * Would need to run at least " + (needed - 1_001) + " more queries,");
  }

  @Test
  void aServerRunThatEndsBeforeTheMinimumDurationIsInvalid() {
    PerformanceSummary summary =
        PerformanceSummary.compute(server(), "m", serverRun(500, 0, 0), 500);
    assertThat(summary.checks())
        .filteredOn(c -> !c.met())
        .extracting(PerformanceSummary.Check::name)
        .containsExactly("Min duration satisfied", "Min queries satisfied");
    assertThat(summary.reasons().get(0))
        .startsWith("Increase the target QPS so the loadgen pre-generates more queries")
        .endsWith("the run lasted 49.900 s of the required 100.000 s.");
  }

  @Test
  void offlineThroughputAndDurationRunToTheLastCompletion() {
    LoadGenSettings offline =
        LoadGenSettings.vlm(Scenario.OFFLINE, TestMode.PERFORMANCE_ONLY)
            .withMinDuration(Duration.ofSeconds(60))
            .withMinQueryCount(100);
    List<QueryTiming> timings = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      timings.add(new QueryTiming(i, i, 0, (i + 1) * S / 2, true)); // last at 50 s
    }
    PerformanceSummary summary = PerformanceSummary.compute(offline, "m", timings, 100);
    assertThat(summary.samplesPerSecond()).isEqualTo(2.0);
    assertThat(summary.valid()).isFalse();
    assertThat(summary.checks())
        .filteredOn(c -> !c.met())
        .extracting(PerformanceSummary.Check::name)
        .containsExactly("Min duration satisfied");
    assertThat(summary.render())
        .contains("Scenario : Offline")
        .contains("Samples per second: 2.00")
        .doesNotContain("Performance constraints")
        .doesNotContain("Early Stopping Result");
  }

  @Test
  void percentilesAreLoadGensFloorIndex() {
    List<QueryTiming> timings = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      timings.add(new QueryTiming(i, 0, 0, i * 1_000_000L, true));
    }
    PerformanceSummary summary =
        PerformanceSummary.compute(
            LoadGenSettings.vlm(Scenario.OFFLINE, TestMode.PERFORMANCE_ONLY), "m", timings, 100);
    assertThat(summary.percentile(0.50)).isEqualTo(51_000_000L);
    assertThat(summary.percentile(0.99)).isEqualTo(100_000_000L);
    assertThat(summary.render())
        .contains("Min latency (ns)                : 1000000")
        .contains("Mean latency (ns)               : 50500000")
        .contains("99.90 percentile latency (ns)   : 100000000");
  }

  @Test
  void queriesWithoutAResultMakeTheRunInvalid() {
    PerformanceSummary summary =
        PerformanceSummary.compute(server(), "m", serverRun(1_001, 0, 0), 1_003);
    assertThat(summary.valid()).isFalse();
    assertThat(summary.reasons())
        .containsExactly(
            "2 of 1003 issued queries have no result (streamperf: the run is not" + " complete).");
  }
}
