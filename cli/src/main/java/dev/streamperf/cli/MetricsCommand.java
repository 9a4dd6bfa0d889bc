package dev.streamperf.cli;

import dev.streamperf.metrics.MetricsApp;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.http.RunOverview;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.clock.MicrosClock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the metrics app against a cluster until Ctrl-C or SIGTERM. */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Aggregate results and token events into live metrics.",
    description = {
      "Runs the metrics app (Kafka Streams, exactly-once): aggregates the results, token-events"
          + " and scores topics per run, model and endpoint into tumbling event-time windows and"
          + " whole-run totals (HdrHistogram), writes WindowedMetric records to the metrics topic,"
          + " finishes runs when their produced results are in (or the completion grace expires),"
          + " and serves Prometheus /metrics and the run API (/runs, /runs/{id}/summary) on"
          + " --http-port. Instances with the same --metrics-application-id share the work. With"
          + " --artifact-dir it also writes each run that finishes while it runs to DIR/RUN/."
          + " Runs until Ctrl-C or SIGTERM, then commits and leaves its group.",
      ""
    })
final class MetricsCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(500);

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Mixin MetricsOptions metricsOptions;

  @Option(
      names = "--artifact-dir",
      paramLabel = "DIR",
      description =
          "Write profile_export.json, profile_export.csv and records.jsonl of every run that"
              + " finishes on this instance under DIR/RUN/ (default: no files).")
  Path artifactDir;

  @Option(
      names = "--start-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT120S",
      description =
          "How long to wait for the Streams instance to join its group (ISO-8601, default:"
              + " ${DEFAULT-VALUE}).")
  Duration startTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MetricsConfig config = metricsOptions.config(clusterOptions.cluster());
    StopHook stop = StopHook.install("streamperf-metrics-shutdown", Duration.ofSeconds(60));
    int code;
    try (MetricsApp app = new MetricsApp(config)) {
      app.start();
      out.printf(
          "metrics %s: aggregating %s, %s and %s into %s (window %s, grace %s)%s; Ctrl-C stops%n",
          config.applicationId(),
          config.cluster().topics().results(),
          config.cluster().topics().tokenEvents(),
          config.cluster().topics().scores(),
          config.cluster().topics().metrics(),
          config.window(),
          config.grace(),
          app.httpPort() < 0
              ? ""
              : "; /metrics and /runs on http://" + config.httpHost() + ":" + app.httpPort());
      out.flush();
      code = runUntilStopped(app, stop.requested(), out, err);
      out.println("metrics: stopping (" + app.state() + "): committing and leaving the group");
      out.flush();
    } finally {
      // after close: on SIGTERM the JVM exits as soon as the hook sees this latch
      out.println("metrics: stopped");
      out.flush();
      stop.close();
    }
    return code;
  }

  private int runUntilStopped(
      MetricsApp app, CountDownLatch stopRequested, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    if (!app.awaitRunning(startTimeout)) {
      if (stopRequested.getCount() == 0) {
        return 0;
      }
      err.println("metrics: not running after " + startTimeout + " (state " + app.state() + ")");
      err.flush();
      return 1;
    }
    long startedUs = MicrosClock.system().nowMicros();
    Set<String> reported = new HashSet<>();
    while (!stopRequested.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
      KafkaStreams.State state = app.streamsState();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        err.println("metrics: stopped unexpectedly (state " + state + "); see the log");
        err.flush();
        return 1;
      }
      for (RunOverview run : app.runs()) {
        if (!run.finished() || reported.contains(run.runId())) {
          continue;
        }
        reported.add(run.runId());
        if (run.finishedUs() != null && run.finishedUs() < startedUs) {
          continue; // finished before this instance started: reported back then
        }
        out.println(
            "metrics: run "
                + run.runId()
                + " "
                + run.status()
                + (run.message() == null ? "" : ": " + run.message()));
        out.flush();
        if (artifactDir != null) {
          app.summary(run.runId()).ifPresent(s -> writeFiles(app.config(), s, out, err));
        }
      }
    }
    return 0;
  }

  private void writeFiles(
      MetricsConfig config, RunSummary summary, PrintWriter out, PrintWriter err) {
    Path dir = artifactDir.resolve(summary.runId());
    try (ReportFiles.RecordsWriter records = ReportFiles.records(dir)) {
      new RunReader(config.cluster(), Duration.ofSeconds(120))
          .read(summary.runId(), config.goodput(), records::append);
      ReportFiles.writeSummary(dir, summary);
      out.println(
          "metrics: wrote "
              + dir.resolve(ReportFiles.JSON)
              + ", "
              + ReportFiles.CSV
              + " and "
              + ReportFiles.RECORDS
              + " ("
              + records.lines()
              + " requests)");
    } catch (RuntimeException e) {
      // a report that cannot be written must not stop the aggregation of every other run
      err.println("metrics: cannot write the files of run " + summary.runId() + ": " + e);
    }
    out.flush();
    err.flush();
  }
}
