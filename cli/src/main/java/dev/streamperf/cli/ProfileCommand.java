package dev.streamperf.cli;

import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.metrics.MetricsApp;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.report.ConsoleReport;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.Counts;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import dev.streamperf.worker.RequestWorker;
import dev.streamperf.worker.WorkerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamperf profile}: a whole benchmark in one process, as AIPerf's {@code profile} runs
 * one, on the Kafka pipeline: the embedded broker when no cluster is named, the simulator when no
 * endpoint is, then metrics, evaluator, workers and the producer; progress while it runs; the
 * report, and its files under {@code artifacts/<run>/}, when it ends.
 */
@Command(
    name = "profile",
    header = "Run a whole benchmark in one process and print its report.",
    description = {
      "Publishes a run's requests, executes them against the endpoint with in-process workers,"
          + " aggregates TTFT, ITL, throughput and accuracy in Kafka Streams, prints AIPerf's"
          + " table and writes profile_export.json, profile_export.csv and records.jsonl under"
          + " --artifact-dir/RUN.",
      "Without --bootstrap-servers it starts an embedded Kafka broker and an in-memory schema"
          + " registry; without --url it starts the simulator and says so.",
      "Exit codes: 0 the run finished; 1 it failed (aborted, results missing, or every request"
          + " failed); 2 bad options; 130 stopped with Ctrl-C before the end (0 with --soak).",
      ""
    },
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true)
final class ProfileCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Mixin ProducerOptions producerOptions;

  @Mixin WorkerOptions workerOptions;

  @Mixin TokenizerOptions tokenizerOptions;

  @Mixin EvaluatorOptions evaluatorOptions;

  @Mixin SimulatorOptions simulatorOptions;

  @Mixin MetricsOptions metricsOptions;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Request workers in this process (default: ${DEFAULT-VALUE}); more workers in other"
              + " processes may join the same --group-id on a real cluster.")
  int workers;

  @Option(
      names = "--artifact-dir",
      paramLabel = "DIR",
      defaultValue = "artifacts",
      description = "Where the run's report files go, under RUN/ (default: ${DEFAULT-VALUE}).")
  Path artifactDir;

  @Option(
      names = "--soak",
      description =
          "Run until Ctrl-C (no request count or duration); metrics stay live on /metrics and the"
              + " report covers what ran.")
  boolean soak;

  @Option(
      names = "--no-evaluator",
      negatable = false,
      description = "Do not start the evaluator (requests with references then go unscored).")
  boolean noEvaluator;

  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    validate();
    // Check every option before anything starts: a typo must not cost a broker start.
    producerOptions.config(
        ClusterConfig.of("localhost:9092", "mock://validate"),
        workerOptions.urls.isEmpty() ? List.of("http://127.0.0.1:1") : workerOptions.urls,
        tokenizerOptions);

    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    try (Pipeline pipeline = new Pipeline()) {
      ClusterConfig cluster = pipeline.startCluster(clusterOptions, line -> say(out, line));

      List<String> urls = new ArrayList<>(workerOptions.urls);
      if (urls.isEmpty()) {
        Simulator simulator = pipeline.startSimulator(simulatorConfig());
        urls.add(simulator.baseUrl());
        say(
            out,
            "no --url: started the simulator at "
                + simulator.baseUrl()
                + " serving "
                + String.join(", ", simulator.config().models())
                + "; pass --url to measure a real endpoint");
      }

      ClusterConfig streamsCluster = pipeline.forNewStreamsApps();
      pipeline.startStreams(
          metricsConfig(streamsCluster, suffix), evaluatorConfig(streamsCluster, suffix));
      MetricsApp metrics = pipeline.metrics();
      if (metrics.httpPort() > 0) {
        String host = metrics.config().httpHost();
        say(
            out,
            "metrics on http://"
                + (host.equals("0.0.0.0") ? "127.0.0.1" : host)
                + ":"
                + metrics.httpPort()
                + "/metrics and /runs");
      }

      WorkerConfig base = workerConfig(urls);
      for (RequestWorker worker : pipeline.startWorkers(base, workers)) {
        say(
            out,
            "worker calling "
                + String.join(", ", urls)
                + " in group "
                + base.groupId()
                + " (metrics on port "
                + worker.metricsPort()
                + ")");
      }

      ProducerConfig producerConfig =
          producerOptions.config(cluster, urls, tokenizerOptions).toBuilder().soak(soak).build();
      return run(out, pipeline, new RunProducer(producerConfig).start());
    }
  }

  private int run(PrintWriter out, Pipeline pipeline, RunHandle run) throws Exception {
    MetricsApp metrics = pipeline.metrics();
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch reported = new CountDownLatch(1);
    Duration finishTimeout = metrics.config().completionGrace().plusSeconds(30);
    Thread hook =
        new Thread(
            () -> {
              interrupted.set(true);
              run.stop();
              try {
                reported.await(finishTimeout.plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "streamperf-profile-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      say(out, run.describe());
      Progress progress = new Progress(out, run, metrics);
      ProducerProgress produced;
      while ((produced = run.await(progressOptions.interval())) == null) {
        progress.print();
      }
      if (produced.state() == ProducerProgress.State.FAILED) {
        say(out, "the producer failed; see the log. Reporting what was published.");
      } else {
        say(
            out,
            produced.producedRequests()
                + " requests published"
                + (interrupted.get() ? " before Ctrl-C" : "")
                + "; waiting for their results (up to "
                + finishTimeout.toSeconds()
                + " s)");
      }
      RunSummary summary = awaitFinished(metrics, run.runId(), finishTimeout, progress);
      pipeline.drainWorkers(Duration.ofSeconds(5));
      if (summary == null) {
        return 1;
      }
      ConsoleReport.render(summary, out);
      writeFiles(out, pipeline.cluster(), metrics.config(), summary);
      return exitCode(out, summary, produced, interrupted.get());
    } finally {
      reported.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is exiting: the hook runs and waits for the latch above
      }
    }
  }

  private RunSummary awaitFinished(
      MetricsApp metrics, String runId, Duration timeout, Progress progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Duration slice =
            Duration.ofNanos(
                Math.min(progressOptions.interval().toNanos(), deadline - System.nanoTime()));
        return metrics.awaitFinished(runId, slice.isNegative() ? Duration.ZERO : slice);
      } catch (TimeoutException e) {
        if (System.nanoTime() >= deadline) {
          spec.commandLine().getErr().println("streamperf profile: " + e.getMessage());
          Optional<RunSummary> partial = metrics.summary(runId);
          partial.ifPresent(
              s ->
                  spec.commandLine()
                      .getErr()
                      .println("streamperf profile: the report below is of what arrived"));
          return partial.orElse(null);
        }
        progress.print();
      }
    }
  }

  private void writeFiles(
      PrintWriter out, ClusterConfig cluster, MetricsConfig config, RunSummary summary) {
    Path dir = artifactDir.resolve(summary.runId());
    long lines;
    try (ReportFiles.RecordsWriter records = ReportFiles.records(dir)) {
      new RunReader(cluster, Duration.ofSeconds(60))
          .read(summary.runId(), config.goodput(), records::append);
      lines = records.lines();
    }
    ReportFiles.writeSummary(dir, summary);
    say(
        out,
        "wrote "
            + dir.resolve(ReportFiles.JSON)
            + ", "
            + ReportFiles.CSV
            + " and "
            + ReportFiles.RECORDS
            + " ("
            + lines
            + " requests)");
  }

  private int exitCode(
      PrintWriter out, RunSummary summary, ProducerProgress produced, boolean interrupted) {
    PrintWriter err = spec.commandLine().getErr();
    Counts counts = summary.counts();
    if (produced.state() == ProducerProgress.State.FAILED
        || "ABORTED".equals(summary.run().status())) {
      err.println(
          "streamperf profile: run "
              + summary.runId()
              + " failed"
              + (summary.run().message() == null ? "" : ": " + summary.run().message()));
      return 1;
    }
    if (!summary.run().finished() || counts.pending() > 0) {
      err.println(
          "streamperf profile: run "
              + summary.runId()
              + " is incomplete: "
              + counts.reconciliation());
      return 1;
    }
    if (counts.profilingResults() > 0 && counts.validRequests() == 0) {
      err.println(
          "streamperf profile: every request failed " + summary.errorsByKind() + "; see above");
      return 1;
    }
    if (interrupted && !soak) {
      say(out, "stopped with Ctrl-C before the end");
      return 130;
    }
    return 0;
  }

  private void validate() {
    if (workers < 1) {
      throw new IllegalArgumentException("--workers: " + workers + " (expected: >= 1)");
    }
    progressOptions.interval();
    boolean bounded =
        producerOptions.requestCount != null
            || producerOptions.sessionCount != null
            || producerOptions.durationSeconds != null;
    if (soak && bounded) {
      throw new IllegalArgumentException(
          "--soak: expected without --request-count, --num-sessions or --benchmark-duration");
    }
  }

  private SimulatorConfig simulatorConfig() {
    SimulatorConfig config = simulatorOptions.config();
    if (!matched("--sim-model")) {
      config = config.toBuilder().models(producerOptions.models).build();
    }
    return config;
  }

  private MetricsConfig metricsConfig(ClusterConfig cluster, String suffix) {
    MetricsConfig.Builder b = metricsOptions.config(cluster).toBuilder();
    // Unless told otherwise, a profile's metrics app is its own: a new application id (it must hold
    // every partition of its run itself, never share them with a deployed metrics app); being new
    // and starting at the topics' ends it has no backlog to wait for, so a partition that has seen
    // nothing is idle at once and a short run finishes as soon as its results are in; /metrics on
    // a free loopback port, printed.
    if (!matched("--metrics-application-id")) {
      b.applicationId("streamperf-profile-metrics-" + suffix);
    }
    if (!matched("--metrics-startup-grace")) {
      b.startupGrace(Duration.ZERO);
    }
    if (!matched("--http-port")) {
      b.httpPort(0);
    }
    if (!matched("--http-host")) {
      b.httpHost("127.0.0.1");
    }
    return b.build();
  }

  private EvaluatorConfig evaluatorConfig(ClusterConfig cluster, String suffix) {
    if (noEvaluator) {
      return null;
    }
    EvaluatorConfig config = evaluatorOptions.config(cluster);
    return matched("--evaluator-application-id")
        ? config
        : config.withApplicationId("streamperf-profile-evaluator-" + suffix);
  }

  private WorkerConfig workerConfig(List<String> urls) {
    WorkerConfig config = workerOptions.config(tokenizerOptions, urls);
    // In one process the worker's /metrics takes a free port unless one was asked for.
    return matched("--metrics-port") ? config : config.toBuilder().metricsPort(0).build();
  }

  private boolean matched(String option) {
    return GivenOptions.given(spec, option);
  }

  private static void say(PrintWriter out, String line) {
    out.println("profile: " + line);
    out.flush();
  }

  /** One progress line: what was published, what came back, how fast. */
  private static final class Progress {

    private final PrintWriter out;
    private final RunHandle run;
    private final MetricsApp metrics;
    private final long startNanos = System.nanoTime();
    private long lastNanos = startNanos;
    private long lastResults;

    Progress(PrintWriter out, RunHandle run, MetricsApp metrics) {
      this.out = out;
      this.run = run;
      this.metrics = metrics;
    }

    void print() {
      ProducerProgress p = run.progress();
      long now = System.nanoTime();
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "[%5.0f s] %d requests published",
                  (now - startNanos) / 1e9,
                  p.producedRequests()));
      Optional<RunSummary> summary = metrics.summary(run.runId());
      if (summary.isPresent()) {
        Counts c = summary.get().counts();
        double rate = (c.results() - lastResults) / ((now - lastNanos) / 1e9);
        line.append(
            String.format(
                Locale.ROOT,
                ", %d results (%d errors), %.1f results/s",
                c.results(),
                c.errorRequests(),
                rate));
        lastResults = c.results();
        if (c.lateRecords() > 0) {
          line.append(", ").append(c.lateRecords()).append(" late records");
        }
      }
      if (p.inFlight() > 0) {
        line.append(", ").append(p.inFlight()).append(" in flight");
      }
      lastNanos = now;
      say(out, line.toString());
    }
  }
}
