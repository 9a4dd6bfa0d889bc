package dev.streamperf.evaluator.mlperf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A LoadGen-style result of one performance run, computed from its per-query timings: the
 * throughput, the latency statistics, and VALID or INVALID with each check that decided it, as
 * LoadGen decides them:
 *
 * <ul>
 *   <li><b>latency constraint</b> (Server): the target-percentile latency, LoadGen's {@code
 *       sorted[floor(n·p)]}, is at most the bound;
 *   <li><b>min duration</b>: Offline, the last completion; Server, the last query's scheduled time;
 *       at least the minimum duration;
 *   <li><b>min queries</b>: at least the minimum number of queries (Offline: samples) issued;
 *   <li><b>early stopping</b> (Server): enough queries for the percentile estimate ({@link
 *       EarlyStopping}); always met for Offline, as in LoadGen;
 *   <li><b>all results in</b> (streamperf's addition): every issued query has a result; a run with
 *       queries that never completed is not valid.
 * </ul>
 */
public final class PerformanceSummary {

  /** LoadGen's reported latency percentiles. */
  static final double[] PERCENTILES = {0.50, 0.90, 0.95, 0.97, 0.99, 0.999};

  /** One check of validity. */
  public record Check(String name, boolean met, String recommendation) {}

  private final LoadGenSettings settings;
  private final String sutName;
  private final long issued;
  private final long failed;
  private final long[] latencies;
  private final long maxCompletedNs;
  private final long finalScheduledNs;
  private final long overLatency;
  private final long percentileLatency;
  private final Check latencyConstraint;
  private final Check minDuration;
  private final Check minQueries;
  private final Check earlyStopping;
  private final Check allResultsIn;
  private final String earlyStoppingResult;

  private PerformanceSummary(
      LoadGenSettings settings, String sutName, List<QueryTiming> timings, long issued) {
    this.settings = settings;
    this.sutName = sutName;
    this.issued = issued;
    this.failed = timings.stream().filter(t -> !t.succeeded()).count();
    this.latencies = timings.stream().mapToLong(QueryTiming::latencyNs).sorted().toArray();
    this.maxCompletedNs = timings.stream().mapToLong(QueryTiming::completedNs).max().orElse(0);
    this.finalScheduledNs = timings.stream().mapToLong(QueryTiming::scheduledNs).max().orElse(0);
    long bound = settings.serverTargetLatency().toNanos();
    this.overLatency = Arrays.stream(latencies).filter(l -> l > bound).count();
    this.percentileLatency = percentile(settings.targetLatencyPercentile());
    boolean server = settings.scenario() == Scenario.SERVER;

    this.latencyConstraint =
        new Check(
            "Performance constraints satisfied",
            !server || (latencies.length > 0 && percentileLatency <= bound),
            latencies.length == 0
                ? "No query completed."
                : String.format(
                    Locale.ROOT,
                    "Reduce target QPS to improve latency: the %s latency is %s, over the %s bound.",
                    percentileName(settings.targetLatencyPercentile()),
                    seconds(percentileLatency),
                    seconds(bound)));
    long durationNs = server ? finalScheduledNs : maxCompletedNs;
    this.minDuration =
        new Check(
            "Min duration satisfied",
            durationNs >= settings.minDuration().toNanos(),
            String.format(
                Locale.ROOT,
                "%s: the run lasted %s of the required %s.",
                server
                    ? "Increase the target QPS so the loadgen pre-generates more queries"
                    : "Increase expected QPS so the loadgen pre-generates a larger (coalesced)"
                        + " query",
                seconds(durationNs),
                seconds(settings.minDuration().toNanos())));
    this.minQueries =
        new Check(
            "Min queries satisfied",
            issued >= settings.minQueryCount(),
            String.format(
                Locale.ROOT,
                "The test exited early, before enough queries were issued: %d of %d.",
                issued,
                settings.minQueryCount()));
    long missing = issued - timings.size();
    this.allResultsIn =
        new Check(
            "All queries completed",
            missing == 0,
            String.format(
                Locale.ROOT,
                "%d of %d issued queries have no result (streamperf: the run is not complete).",
                missing,
                issued));
    if (server) {
      long h =
          EarlyStopping.minPassingQueries(
              overLatency, settings.targetLatencyPercentile(), settings.earlyStoppingConfidence());
      boolean met = issued >= h + overLatency;
      this.earlyStopping =
          new Check(
              "Early stopping satisfied",
              met,
              String.format(
                  Locale.ROOT,
                  "Early stopping needs at least %d more queries, all under the latency bound.",
                  h + overLatency - issued));
      this.earlyStoppingResult =
          met
              ? " * Run successful."
              : String.format(
                  Locale.ROOT,
                  " * Run unsuccessful.%n * Processed %d queries.%n * Would need to run at least"
                      + " %d more queries,%n with the run being successful if every additional%n"
                      + " query were under latency.",
                  issued,
                  h + overLatency - issued);
    } else {
      this.earlyStopping = new Check("Early stopping satisfied", true, "");
      this.earlyStoppingResult = null;
    }
  }

  /**
   * Computes the summary.
   *
   * @param settings the run's settings
   * @param sutName the system under test, as the summary names it (model and endpoint)
   * @param timings one per query that completed (successfully or not)
   * @param issued queries issued; more than {@code timings.size()} when results are missing
   */
  public static PerformanceSummary compute(
      LoadGenSettings settings, String sutName, List<QueryTiming> timings, long issued) {
    Objects.requireNonNull(settings, "settings");
    if (issued < timings.size()) {
      throw new IllegalArgumentException(
          "issued queries: " + issued + " (expected: >= the " + timings.size() + " completed)");
    }
    return new PerformanceSummary(settings, sutName, List.copyOf(timings), issued);
  }

  /** VALID when every check is met. */
  public boolean valid() {
    return checks().stream().allMatch(Check::met);
  }

  /** The checks in the order LoadGen prints them (the latency constraint only for Server). */
  public List<Check> checks() {
    List<Check> checks = new ArrayList<>();
    if (settings.scenario() == Scenario.SERVER) {
      checks.add(latencyConstraint);
    }
    checks.add(minDuration);
    checks.add(minQueries);
    checks.add(earlyStopping);
    checks.add(allResultsIn);
    return checks;
  }

  /** The recommendations of the checks that failed. */
  public List<String> reasons() {
    return checks().stream().filter(c -> !c.met()).map(Check::recommendation).toList();
  }

  public long completed() {
    return latencies.length;
  }

  public long issued() {
    return issued;
  }

  public long failed() {
    return failed;
  }

  /** Queries over the Server latency bound. */
  public long overLatency() {
    return overLatency;
  }

  /** The latency at the settings' target percentile, LoadGen's {@code sorted[floor(n·p)]}. */
  public long targetPercentileLatencyNs() {
    return percentileLatency;
  }

  /** LoadGen's percentile: the element at {@code floor(n·p)} of the sorted latencies. */
  public long percentile(double p) {
    if (latencies.length == 0) {
      return 0;
    }
    int index = (int) Math.min(latencies.length - 1, Math.floor(latencies.length * p));
    return latencies[index];
  }

  /** Offline: samples per second to the last completion; Server: completed samples per second. */
  public double samplesPerSecond() {
    if (latencies.length == 0) {
      return 0;
    }
    if (settings.scenario() == Scenario.OFFLINE) {
      return maxCompletedNs == 0 ? 0 : latencies.length / (maxCompletedNs / 1e9);
    }
    return maxCompletedNs == 0 ? 0 : (latencies.length - 1) / (maxCompletedNs / 1e9);
  }

  /** Server: samples per second as scheduled, {@code (n − 1) / last scheduled time}. */
  public double scheduledSamplesPerSecond() {
    return finalScheduledNs == 0 ? 0 : (latencies.length - 1) / (finalScheduledNs / 1e9);
  }

  /** The summary as LoadGen prints it ({@code mlperf_log_summary.txt}). */
  public String render() {
    StringBuilder out = new StringBuilder();
    String rule = "================================================";
    line(out, rule);
    line(out, "MLPerf Results Summary");
    line(out, rule);
    line(out, "SUT name : " + sutName);
    line(out, "Scenario : " + settings.scenario().loadGenName());
    line(out, "Mode     : " + settings.mode().loadGenName());
    if (settings.scenario() == Scenario.SERVER) {
      line(out, "Scheduled samples per second : " + fixed(scheduledSamplesPerSecond()));
    } else {
      line(out, "Samples per second: " + fixed(samplesPerSecond()));
    }
    line(out, "Result is : " + (valid() ? "VALID" : "INVALID"));
    for (Check check : checks()) {
      line(out, "  " + check.name() + " : " + (check.met() ? "Yes" : "NO"));
    }
    if (!valid()) {
      line(out, "Recommendations:");
      reasons().forEach(r -> line(out, " * " + r));
    }
    if (earlyStoppingResult != null) {
      line(out, "Early Stopping Result:");
      line(out, earlyStoppingResult);
    }
    line(out, "");
    line(out, rule);
    line(out, "Additional Stats");
    line(out, rule);
    if (settings.scenario() == Scenario.SERVER) {
      line(out, "Completed samples per second    : " + fixed(samplesPerSecond()));
      line(out, "");
    }
    line(out, "Min latency (ns)                : " + (latencies.length == 0 ? 0 : latencies[0]));
    line(
        out,
        "Max latency (ns)                : "
            + (latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
    line(out, "Mean latency (ns)               : " + meanLatency());
    for (double p : PERCENTILES) {
      line(out, fixed(p * 100) + " percentile latency (ns)   : " + percentile(p));
    }
    line(out, "");
    line(out, "Queries issued                  : " + issued);
    line(out, "Queries completed               : " + latencies.length);
    line(out, "Queries failed (empty response) : " + failed);
    if (settings.scenario() == Scenario.SERVER) {
      line(out, "Queries over latency bound      : " + overLatency);
    }
    line(out, "");
    line(out, rule);
    line(out, "Test Parameters Used");
    line(out, rule);
    line(out, "min_duration (ms): " + settings.minDuration().toMillis());
    line(out, "min_query_count : " + settings.minQueryCount());
    if (settings.scenario() == Scenario.SERVER) {
      line(out, "target_qps : " + settings.serverTargetQps());
      line(out, "target_latency (ns): " + settings.serverTargetLatency().toNanos());
      line(out, "target_latency_percentile : " + settings.targetLatencyPercentile());
    } else {
      line(out, "offline_expected_qps : " + settings.offlineExpectedQps());
    }
    return out.toString();
  }

  private long meanLatency() {
    return latencies.length == 0 ? 0 : (long) Arrays.stream(latencies).average().orElse(0);
  }

  private static void line(StringBuilder out, String text) {
    out.append(text).append('\n');
  }

  private static String fixed(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
  }

  private static String percentileName(double p) {
    return String.format(Locale.ROOT, "p%s", fixed(p * 100).replaceAll("\\.?0+$", ""));
  }
}
