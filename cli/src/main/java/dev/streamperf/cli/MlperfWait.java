package dev.streamperf.cli;

import dev.streamperf.metrics.MetricsApp;
import dev.streamperf.metrics.summary.Counts;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for an MLPerf run: until every query is published, then until the metrics app says the run
 * finished (every result and score in, or its completion grace expired without new results),
 * printing progress. Ctrl-C stops publishing; what was published is still waited for and reported.
 */
final class MlperfWait {

  /**
   * How the wait ended.
   *
   * @param produced the producer's final progress, null when it failed
   * @param summary the run's final summary from the metrics app, null when none came
   * @param failure why the run failed, null when it did not
   * @param interrupted whether Ctrl-C stopped it early
   */
  record Outcome(
      ProducerProgress produced, RunSummary summary, String failure, boolean interrupted) {}

  private final PrintWriter out;
  private final MetricsApp metrics;
  private final RunHandle run;
  private final Duration interval;
  private final long startNanos = System.nanoTime();
  private volatile boolean interrupted;

  MlperfWait(PrintWriter out, MetricsApp metrics, RunHandle run, Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("--progress-interval: " + interval + " (expected: > 0)");
    }
    this.out = out;
    this.metrics = metrics;
    this.run = run;
    this.interval = interval;
  }

  Outcome await() throws InterruptedException {
    CountDownLatch waited = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              interrupted = true;
              run.stop();
              try {
                waited.await(metrics.config().completionGrace().toSeconds() + 60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "streamperf-mlperf-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return awaitRun();
    } finally {
      waited.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is exiting: the hook runs and waits for the latch above
      }
    }
  }

  private Outcome awaitRun() throws InterruptedException {
    MlperfRunCommand.say(out, run.describe());
    ProducerProgress produced;
    try {
      while ((produced = run.await(interval)) == null) {
        progress();
      }
    } catch (RuntimeException e) {
      return new Outcome(null, null, "the producer failed: " + e.getMessage(), interrupted);
    }
    MlperfRunCommand.say(
        out,
        produced.producedRequests()
            + " queries published"
            + (interrupted ? " before Ctrl-C" : "")
            + "; waiting for their results and scores");
    // The metrics app finishes a run once its last result is in, or after its completion grace
    // without new results; this deadline only guards against a metrics app that stopped counting.
    Duration stall = metrics.config().completionGrace().plusSeconds(60);
    long lastResults = -1;
    long lastChange = System.nanoTime();
    while (true) {
      try {
        RunSummary summary = metrics.awaitFinished(run.runId(), interval);
        return new Outcome(produced, summary, null, interrupted);
      } catch (TimeoutException e) {
        long results = progress();
        if (results != lastResults) {
          lastResults = results;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > stall.toNanos()) {
          return new Outcome(
              produced,
              metrics.summary(run.runId()).orElse(null),
              "no new results for " + stall.toSeconds() + " s: " + e.getMessage(),
              interrupted);
        }
      } catch (IllegalStateException e) {
        return new Outcome(produced, null, e.getMessage(), interrupted);
      }
    }
  }

  /** Prints one progress line; returns the results counted so far. */
  private long progress() {
    ProducerProgress p = run.progress();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "[%5.0f s] %d queries published",
                (System.nanoTime() - startNanos) / 1e9,
                p.producedRequests()));
    Optional<RunSummary> summary = metrics.summary(run.runId());
    long results = 0;
    if (summary.isPresent()) {
      Counts c = summary.get().counts();
      results = c.results();
      line.append(
          String.format(
              Locale.ROOT,
              ", %d results (%d errors), %d scores",
              c.results(),
              c.errorRequests(),
              c.scores()));
    }
    MlperfRunCommand.say(out, line.toString());
    return results;
  }
}
