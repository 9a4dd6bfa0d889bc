package dev.streamperf.cli;

import dev.streamperf.evaluator.EvaluatorApp;
import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.evaluator.EvaluatorCounts;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the evaluator against a cluster until Ctrl-C (or until idle). */
@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Score results against their references into the scores topic.",
    description = {
      "Runs the evaluator (Kafka Streams, exactly-once): reads the results topic, scores every"
          + " successful result that carries a reference (multiple_choice, hierarchical_f1,"
          + " exact_match, regex, json_schema) and writes a Score per result to the scores topic."
          + " Warmup results are scored and keep their phase. Results it cannot score (unknown"
          + " scorer, bad reference, corrupt record) are counted and logged with their topic,"
          + " partition and offset. Runs until Ctrl-C, or with --until-idle until no result has"
          + " arrived for that long; prints its counts as it goes.",
      ""
    })
final class EvaluatorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Mixin EvaluatorOptions evaluatorOptions;

  @Option(
      names = "--report-interval",
      paramLabel = "DURATION",
      defaultValue = "PT10S",
      description = "How often to print the counts (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration reportInterval;

  @Option(
      names = "--until-idle",
      paramLabel = "DURATION",
      description =
          "Stop once running and no result has arrived for this long (ISO-8601, e.g. PT30S),"
              + " e.g. to score a finished run and exit.")
  Duration untilIdle;

  @Option(
      names = "--start-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT60S",
      description =
          "How long to wait for the evaluator to join its group (ISO-8601, default:"
              + " ${DEFAULT-VALUE}).")
  Duration startTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (reportInterval.isNegative() || reportInterval.isZero()) {
      throw new IllegalArgumentException(
          "--report-interval: " + reportInterval + " (expected: > 0)");
    }
    if (untilIdle != null && (untilIdle.isNegative() || untilIdle.isZero())) {
      throw new IllegalArgumentException("--until-idle: " + untilIdle + " (expected: > 0)");
    }
    EvaluatorConfig config = evaluatorOptions.config(clusterOptions.cluster());
    StopHook stop = StopHook.install("streamperf-evaluator-shutdown", Duration.ofSeconds(40));
    int code;
    try (EvaluatorApp app = new EvaluatorApp(config)) {
      app.start();
      out.printf(
          "evaluator %s: scoring %s into %s%s%n",
          config.applicationId(),
          config.cluster().topics().results(),
          config.cluster().topics().scores(),
          untilIdle == null ? "; Ctrl-C stops" : "; stops after " + untilIdle + " idle");
      out.flush();
      code = runUntilStopped(app, stop.requested(), out, err);
      out.println("evaluator: " + app.counts());
      out.flush();
    } finally {
      stop.close();
    }
    return code;
  }

  private int runUntilStopped(
      EvaluatorApp app, CountDownLatch stopRequested, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    if (!app.awaitRunning(startTimeout)) {
      err.println("evaluator: not running after " + startTimeout + " (state " + app.state() + ")");
      err.flush();
      return 1;
    }
    long lastRead = -1;
    long lastChangeNanos = System.nanoTime();
    long lastReportNanos = System.nanoTime();
    Duration poll = Duration.ofMillis(200);
    while (!stopRequested.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
      KafkaStreams.State state = app.state();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        err.println("evaluator: stopped unexpectedly (state " + state + "); see the log");
        err.flush();
        return 1;
      }
      EvaluatorCounts counts = app.counts();
      long now = System.nanoTime();
      if (counts.read() != lastRead) {
        lastRead = counts.read();
        lastChangeNanos = now;
      }
      if (now - lastReportNanos >= reportInterval.toNanos()) {
        out.println("evaluator: " + counts);
        out.flush();
        lastReportNanos = now;
      }
      if (untilIdle != null && now - lastChangeNanos >= untilIdle.toNanos()) {
        return 0;
      }
    }
    return 0;
  }
}
