package dev.streamperf.cli;

import dev.streamperf.evaluator.mlperf.AccuracyLog;
import dev.streamperf.evaluator.mlperf.AccuracyReport;
import dev.streamperf.evaluator.mlperf.LoadGenSettings;
import dev.streamperf.evaluator.mlperf.MlperfResults;
import dev.streamperf.evaluator.mlperf.PerformanceSummary;
import dev.streamperf.evaluator.mlperf.ProductSample;
import dev.streamperf.evaluator.mlperf.QueryPlan;
import dev.streamperf.evaluator.mlperf.TestMode;
import dev.streamperf.evaluator.scoring.HierarchicalF1Scorer;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.AccuracySummary;
import dev.streamperf.metrics.summary.MetricSummary;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an MLPerf run produced, as LoadGen reports it: reads the run's results back from the topics,
 * turns them into per-query timings and the accuracy log ({@link MlperfResults}), writes {@code
 * mlperf_log_summary.txt} (VALID or INVALID with each check), in accuracy mode {@code
 * mlperf_log_accuracy.json} and {@code accuracy.txt} (the F1 computed from that file, as {@code
 * mlperf evaluate} computes it, next to the evaluator's live figure), and decides the exit status.
 */
final class MlperfOutcome {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int BELOW_TARGET = MlperfCommand.Evaluate.BELOW_TARGET;
  static final int INVALID = 4;

  static final String SUMMARY_FILE = "mlperf_log_summary.txt";
  static final String ACCURACY_REPORT_FILE = "accuracy.txt";

  private final LoadGenSettings settings;
  private final List<ProductSample> samples;
  private final List<QueryPlan.PlannedQuery> plan;
  private final String sutName;
  private final long seed;
  private final long secondhandSeed;
  private final double accuracyTarget;

  MlperfOutcome(
      LoadGenSettings settings,
      List<ProductSample> samples,
      List<QueryPlan.PlannedQuery> plan,
      String sutName,
      long seed,
      long secondhandSeed,
      double accuracyTarget) {
    this.settings = settings;
    this.samples = samples;
    this.plan = plan;
    this.sutName = sutName;
    this.seed = seed;
    this.secondhandSeed = secondhandSeed;
    this.accuracyTarget = accuracyTarget;
  }

  /** Writes the outputs under {@code dir}, prints them, and returns the exit status. */
  int report(
      PrintWriter out,
      PrintWriter err,
      ClusterConfig cluster,
      String runId,
      MlperfWait.Outcome waited,
      Path dir)
      throws IOException {
    if (waited.produced() == null) {
      err.println("streamperf mlperf run: run " + runId + ": " + waited.failure());
      err.flush();
      return FAILED;
    }
    Files.createDirectories(dir);
    List<RequestResult> results = new ArrayList<>();
    RunSummary summary;
    try (ReportFiles.RecordsWriter records = ReportFiles.records(dir)) {
      RunReader.Result read =
          new RunReader(cluster, Duration.ofSeconds(60))
              .read(
                  runId,
                  GoodputSlos.none(),
                  r -> {
                    results.add(r.result());
                    records.append(r);
                  });
      summary = waited.summary() != null ? waited.summary() : read.summary();
    }
    ReportFiles.writeSummary(dir, summary);

    long issued = waited.produced().producedRequests();
    MlperfResults mlperf = MlperfResults.of(results, issued, testStartUs(results));
    PerformanceSummary performance =
        PerformanceSummary.compute(settings, sutName, mlperf.timings(), issued);
    String summaryText =
        performance.render()
            + String.format(
                Locale.ROOT,
                "performance_sample_count : %d%nsample_index_rng_seed : %d%n"
                    + "schedule_rng_seed : %d%nstreamperf_run_id : %s%n",
                samples.size(),
                seed,
                seed,
                runId);
    Files.writeString(dir.resolve(SUMMARY_FILE), summaryText, StandardCharsets.UTF_8);
    out.print(summaryText);
    say(out, "wrote " + dir.resolve(SUMMARY_FILE));
    say(out, harness(waited.produced(), summary));

    int status;
    if (settings.mode() == TestMode.ACCURACY_ONLY) {
      say(out, "accuracy mode: the accuracy below decides the exit status, not the result above");
      status = accuracy(out, err, mlperf, summary, dir);
    } else {
      status = performance.valid() ? OK : INVALID;
      if (!performance.valid()) {
        err.println("streamperf mlperf run: INVALID: " + String.join(" ", performance.reasons()));
      }
    }
    if (performance.failed() > 0) {
      err.println(
          "streamperf mlperf run: "
              + performance.failed()
              + " of "
              + performance.completed()
              + " queries failed and count as empty responses, as the reference's SUT completes"
              + " them; errors by kind: "
              + (summary == null ? "unknown" : summary.errorsByKind()));
      if (performance.failed() == performance.completed()) {
        status = FAILED;
      }
    }
    if (waited.failure() != null) {
      err.println("streamperf mlperf run: run " + runId + ": " + waited.failure());
      status = FAILED;
    } else if (mlperf.timings().size() < issued) {
      err.println(
          "streamperf mlperf run: run "
              + runId
              + ": "
              + (issued - mlperf.timings().size())
              + " of "
              + issued
              + " queries have no result");
      status = FAILED;
    }
    if (waited.interrupted()) {
      say(out, "stopped with Ctrl-C before the end");
    }
    err.flush();
    out.flush();
    return status;
  }

  /**
   * The instant the schedule counts from: each request's intended send time is the run's anchor
   * plus its query's scheduled time, so any result gives it back.
   */
  private long testStartUs(List<RequestResult> results) {
    long start = Long.MAX_VALUE;
    for (RequestResult r : results) {
      if (r.getIntendedSendUs() != null && r.getSequence() < plan.size()) {
        start =
            Math.min(
                start,
                r.getIntendedSendUs()
                    - plan.get(Math.toIntExact(r.getSequence())).scheduledNs() / 1_000);
      }
    }
    return start == Long.MAX_VALUE ? 0 : start;
  }

  private int accuracy(
      PrintWriter out, PrintWriter err, MlperfResults mlperf, RunSummary summary, Path dir)
      throws IOException {
    Path log = dir.resolve(AccuracyLog.FILE_NAME);
    AccuracyLog.write(log, mlperf.accuracyLog());
    // Scored from the file as written, exactly as 'mlperf evaluate' would score it.
    List<ProductMetadata> truth = samples.stream().map(ProductSample::truth).toList();
    AccuracyReport report =
        AccuracyReport.evaluate(
            AccuracyLog.read(log), truth, secondhandSeed, accuracyTarget, log.toString());
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "accuracy log                    %s%n", log));
    text.append(report.render());
    AccuracySummary live = liveAccuracy(summary);
    if (live != null && live.hierarchicalF1() != null) {
      text.append(
          String.format(
              Locale.ROOT,
              "live evaluator                  category F1 %.6f over %d scores (%d parsed)%n",
              live.hierarchicalF1(),
              live.count(),
              live.parsed()));
    }
    Path reportFile = dir.resolve(ACCURACY_REPORT_FILE);
    Files.writeString(reportFile, text.toString(), StandardCharsets.UTF_8);
    out.print(text);
    say(out, "wrote " + log + " and " + reportFile);
    if (!report.passed()) {
      err.println(
          String.format(
              Locale.ROOT,
              "streamperf mlperf run: category F1 %.6f is below the target %.4f",
              report.categoryF1(),
              accuracyTarget));
      return BELOW_TARGET;
    }
    return OK;
  }

  /**
   * The load generator's own health: how late the producer published and how late the workers sent
   * (both count in LoadGen's latency, which runs from the scheduled time).
   */
  private static String harness(ProducerProgress produced, RunSummary summary) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "harness: %d queries published after their scheduled time (max %.1f ms late)",
                produced.lateSessions(),
                produced.maxLatenessUs() / 1e3));
    Optional<MetricSummary> delay =
        summary == null ? Optional.empty() : summary.metric(Metric.SCHEDULE_DELAY);
    delay
        .filter(d -> d.stats().count() > 0)
        .ifPresent(
            d ->
                line.append(
                    String.format(
                        Locale.ROOT,
                        "; sent after the scheduled time by avg %.1f ms, p99 %.1f ms, max %.1f ms",
                        d.stats().avg(),
                        d.stats().percentile("p99"),
                        d.stats().max())));
    return line.toString();
  }

  private static AccuracySummary liveAccuracy(RunSummary summary) {
    if (summary == null) {
      return null;
    }
    for (AccuracySummary a : summary.accuracy()) {
      if (HierarchicalF1Scorer.NAME.equals(a.scorer()) && a.category() == null) {
        return a;
      }
    }
    return null;
  }

  private static void say(PrintWriter out, String line) {
    MlperfRunCommand.say(out, line);
  }
}
