package dev.streamperf.cli;

import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.evaluator.mlperf.AccuracyReport;
import dev.streamperf.evaluator.mlperf.LoadGenSettings;
import dev.streamperf.evaluator.mlperf.ProductCatalogue;
import dev.streamperf.evaluator.mlperf.ProductSample;
import dev.streamperf.evaluator.mlperf.QueryPlan;
import dev.streamperf.evaluator.mlperf.Scenario;
import dev.streamperf.evaluator.mlperf.TestMode;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import dev.streamperf.worker.WorkerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamperf mlperf run}: the MLPerf Inference VLM benchmark end to end on the pipeline, as
 * LoadGen runs it. It loads the product catalogue, plans the queries (LoadGen's Offline or Server
 * scenario, performance or accuracy mode), publishes them as one run through the producer (each
 * request's intended send time is the query's scheduled time), executes them with in-process
 * workers, waits for every result and score, and writes LoadGen's outputs; {@link MlperfOutcome}
 * turns the results into the summary, the accuracy log and the exit status.
 */
@Command(
    name = "run",
    header = "Run the Offline or Server scenario and write LoadGen's outputs.",
    description = {
      "Runs the MLPerf Inference VLM benchmark (Shopify product catalogue) as LoadGen does:"
          + " Offline issues every query at the start, Server issues them as Poisson arrivals at"
          + " --target-qps; performance mode issues at least --min-query-count queries over at"
          + " least --min-duration (samples drawn as random permutations), accuracy mode every"
          + " sample once. The queries are published as one run, executed by in-process workers"
          + " against --url (or the simulator), and scored live by the evaluator.",
      "",
      "Writes under --output-dir mlperf_log_summary.txt (VALID or INVALID with each deciding"
          + " check: latency constraint (Server), min duration, min queries, early stopping, all"
          + " queries completed), and in accuracy mode mlperf_log_accuracy.json with accuracy.txt"
          + " (category hierarchical F1 against --accuracy-target, as 'mlperf evaluate' computes"
          + " it), plus the run's profile_export.json and records.jsonl.",
      "",
      "The dataset comes from --dataset-path only: a local JSON Lines copy of"
          + " Shopify/product-catalogue (train then test), one row per line with product_title,"
          + " product_description, product_image (base64, a data URL, or {\"bytes\", \"path\"}),"
          + " potential_product_categories, ground_truth_category, ground_truth_brand and"
          + " ground_truth_is_secondhand. Loading it from the Hugging Face Hub is not available"
          + " yet.",
      "",
      "Without --bootstrap-servers it starts an embedded Kafka broker and an in-memory schema"
          + " registry; without --url it starts the simulator (--sim-* options).",
      "",
      "Exit status: 0 VALID (performance) or accuracy at the target (accuracy); 1 the run failed"
          + " (producer failed, results missing, bad input); 2 bad options; 3 accuracy below"
          + " --accuracy-target; 4 INVALID.",
      ""
    },
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true)
final class MlperfRunCommand implements Callable<Integer> {

  /** The reference implementation's model. */
  static final String DEFAULT_MODEL = "Qwen/Qwen3-VL-235B-A22B-Instruct";

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "offline|server",
      defaultValue = "offline",
      converter = ScenarioConverter.class,
      description = "LoadGen scenario (default: ${DEFAULT-VALUE}).")
  Scenario scenario;

  @Option(
      names = "--mode",
      paramLabel = "performance|accuracy",
      defaultValue = "performance",
      converter = ModeConverter.class,
      description =
          "performance (LoadGen's PerformanceOnly) or accuracy (AccuracyOnly: every sample once,"
              + " every response logged and scored) (default: ${DEFAULT-VALUE}).")
  TestMode mode;

  @Option(
      names = "--dataset-path",
      paramLabel = "FILE",
      required = true,
      description = "Local copy of Shopify/product-catalogue as JSON Lines (see above).")
  Path datasetPath;

  @Option(
      names = "--total-sample-count",
      paramLabel = "N",
      description = "Use the first N rows of the dataset (default: every row).")
  Integer totalSampleCount;

  @Option(
      names = {"--model", "-m"},
      paramLabel = "MODEL",
      defaultValue = DEFAULT_MODEL,
      description = "Model name sent to the endpoint (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--target-qps",
      paramLabel = "QPS",
      description =
          "Server: the Poisson arrival rate (default 5, the reference's). Offline: the expected"
              + " throughput, which sizes the run to 1.1 x QPS x --min-duration queries (default:"
              + " the whole dataset in 10 minutes, 80.48).")
  Double targetQps;

  @Option(
      names = "--min-duration",
      paramLabel = "DURATION",
      defaultValue = "600s",
      converter = DurationConverter.class,
      description =
          "Minimum test duration, e.g. 600s, 10m, 500ms, PT10M (default: ${DEFAULT-VALUE}).")
  Duration minDuration;

  @Option(
      names = "--min-query-count",
      paramLabel = "N",
      defaultValue = "" + LoadGenSettings.VLM_DATASET_SIZE,
      description = "Minimum number of queries in performance mode (default: ${DEFAULT-VALUE}).")
  long minQueryCount;

  @Option(
      names = "--latency-constraint",
      paramLabel = "DURATION",
      defaultValue = "12s",
      converter = DurationConverter.class,
      description =
          "Server: the bound on the 99th-percentile latency, measured from each query's scheduled"
              + " time to its last token (default: ${DEFAULT-VALUE}).")
  Duration latencyConstraint;

  @Option(
      names = "--accuracy-target",
      paramLabel = "F1",
      defaultValue = "" + AccuracyReport.VLM_TARGET,
      description = "Accuracy mode: the category F1 to reach (default: ${DEFAULT-VALUE}).")
  double accuracyTarget;

  @Option(
      names = "--random-seed",
      paramLabel = "SEED",
      description =
          "Seed of the sample order and the Server arrivals (default: drawn, printed and recorded"
              + " in the summary).")
  Long randomSeed;

  @Option(
      names = "--schedule-lead",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description =
          "How long before its scheduled time a query is published; workers hold it until then."
              + " LoadGen's latency runs from the scheduled time, so the lead must cover the way"
              + " through Kafka: with profile's 250ms a loaded 2-core machine sent queries ~325 ms"
              + " late on average, with 2s ~23 ms (default: ${DEFAULT-VALUE}).")
  Duration scheduleLead;

  @Option(names = "--run-id", paramLabel = "ID", description = "The run's id (default: generated).")
  String runId;

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      description = "Where the outputs go (default: artifacts/mlperf-RUN).")
  Path outputDir;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description = "Request workers in this process (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--metrics-http-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Port of the metrics app's /metrics; 0 takes a free one (default: 0).")
  int metricsHttpPort;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to print progress (default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Mixin ClusterOptions clusterOptions;

  @Mixin WorkerOptions workerOptions;

  @Mixin TokenizerOptions tokenizerOptions;

  @Mixin EvaluatorOptions evaluatorOptions;

  @Mixin SimulatorOptions simulatorOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LoadGenSettings settings = settings();
    if (workers < 1) {
      throw new IllegalArgumentException("--workers: " + workers + " (expected: >= 1)");
    }
    if (totalSampleCount != null && totalSampleCount < 1) {
      throw new IllegalArgumentException(
          "--total-sample-count: " + totalSampleCount + " (expected: >= 1)");
    }
    if (!(accuracyTarget > 0 && accuracyTarget <= 1)) {
      throw new IllegalArgumentException(
          "--accuracy-target: " + accuracyTarget + " (expected: > 0 and <= 1)");
    }
    if (!Files.isRegularFile(datasetPath) || !Files.isReadable(datasetPath)) {
      throw new IllegalArgumentException(
          "--dataset-path " + datasetPath + ": no such readable file");
    }
    List<ProductSample> samples =
        ProductCatalogue.readJsonLines(
            datasetPath, totalSampleCount == null ? 0 : totalSampleCount);
    long seed = randomSeed != null ? randomSeed : new SecureRandom().nextLong();
    List<QueryPlan.PlannedQuery> plan = QueryPlan.plan(settings, samples.size(), seed);
    say(
        out,
        String.format(
            Locale.ROOT,
            "%s %s: %d samples from %s, %d queries planned (seed %d)",
            settings.scenario().loadGenName(),
            settings.mode().loadGenName(),
            samples.size(),
            datasetPath,
            plan.size(),
            seed));
    // Every option is checked before anything starts: a typo must not cost a broker start.
    producerConfig(
        ClusterConfig.of("localhost:9092", "mock://validate"), List.of(), settings, plan, seed);
    workerConfig(List.of("http://127.0.0.1:1"));
    if (workerOptions.urls.isEmpty()) {
      simulatorConfig();
    }

    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    try (Pipeline pipeline = new Pipeline()) {
      ClusterConfig cluster = pipeline.startCluster(clusterOptions, line -> say(out, line));
      List<String> urls = new ArrayList<>(workerOptions.urls);
      if (urls.isEmpty()) {
        Simulator simulator = pipeline.startSimulator(simulatorConfig());
        urls.add(simulator.baseUrl());
        say(out, "no --url: started the simulator at " + simulator.baseUrl());
      }
      ClusterConfig streamsCluster = pipeline.forNewStreamsApps();
      pipeline.startStreams(
          metricsConfig(streamsCluster, suffix), evaluatorConfig(streamsCluster, suffix));
      WorkerConfig base = workerConfig(urls);
      pipeline.startWorkers(base, workers);
      say(out, workers + " worker(s) calling " + String.join(", ", urls));

      MlperfSource source =
          new MlperfSource(samples, plan, settings.scenario(), datasetPath.toString());
      RunHandle run =
          new RunProducer(producerConfig(cluster, urls, settings, plan, seed), context -> source)
              .start();
      MlperfWait.Outcome waited =
          new MlperfWait(out, pipeline.metrics(), run, progressInterval).await();
      pipeline.drainWorkers(Duration.ofSeconds(5));
      Path dir = outputDir != null ? outputDir : Path.of("artifacts", "mlperf-" + run.runId());
      MlperfOutcome outcome =
          new MlperfOutcome(
              settings,
              samples,
              plan,
              model + " @ " + String.join(", ", urls),
              seed,
              evaluatorOptions.secondhandSeed,
              accuracyTarget);
      return outcome.report(
          out, spec.commandLine().getErr(), pipeline.cluster(), run.runId(), waited, dir);
    }
  }

  private LoadGenSettings settings() {
    if (scenario == Scenario.OFFLINE && matched("--latency-constraint")) {
      throw new IllegalArgumentException(
          "--latency-constraint: expected only with --scenario server (Offline has no latency"
              + " bound)");
    }
    if (minQueryCount < 0) {
      throw new IllegalArgumentException(
          "--min-query-count: " + minQueryCount + " (expected: >= 0)");
    }
    LoadGenSettings settings =
        LoadGenSettings.vlm(scenario, mode)
            .withMinDuration(minDuration)
            .withMinQueryCount(minQueryCount);
    if (targetQps != null) {
      if (!(targetQps > 0) || targetQps.isInfinite()) {
        throw new IllegalArgumentException("--target-qps: " + targetQps + " (expected: > 0)");
      }
      settings =
          scenario == Scenario.SERVER
              ? settings.withServerTargetQps(targetQps)
              : settings.withOfflineExpectedQps(targetQps);
    }
    if (latencyConstraint.isZero() || latencyConstraint.isNegative()) {
      throw new IllegalArgumentException(
          "--latency-constraint: " + latencyConstraint + " (expected: > 0)");
    }
    return settings.withServerTargetLatency(latencyConstraint);
  }

  private ProducerConfig producerConfig(
      ClusterConfig cluster,
      List<String> urls,
      LoadGenSettings settings,
      List<QueryPlan.PlannedQuery> plan,
      long seed) {
    double rate =
        scenario == Scenario.SERVER ? settings.serverTargetQps() : settings.offlineExpectedQps();
    return ProducerConfig.builder(cluster)
        .runId(runId)
        .model(model)
        .streaming(true)
        .tokenizer(tokenizerOptions.specOrBuiltin())
        .randomSeed(seed)
        // the source's own schedule (the plan) replaces this rate; it is recorded with the run
        .load(new LoadSpec.OpenLoop(rate, ArrivalPattern.POISSON, null, null, null, null))
        .stop(new StopSpec((long) plan.size(), null, null))
        .lead(scheduleLead)
        .endpoints(urls)
        .build();
  }

  private SimulatorConfig simulatorConfig() {
    SimulatorConfig config = simulatorOptions.config();
    return matched("--sim-model") ? config : config.toBuilder().models(List.of(model)).build();
  }

  private MetricsConfig metricsConfig(ClusterConfig cluster, String suffix) {
    // As profile's: its own application id, starting at the topics' ends on an existing cluster,
    // so no backlog and no startup grace; the run finishes as soon as its results and scores are
    // in.
    return MetricsConfig.builder(cluster)
        .startupGrace(Duration.ZERO)
        .applicationId("streamperf-mlperf-metrics-" + suffix)
        .httpPort(metricsHttpPort)
        .httpHost("127.0.0.1")
        .awaitScores(true)
        .build();
  }

  private EvaluatorConfig evaluatorConfig(ClusterConfig cluster, String suffix) {
    EvaluatorConfig config = evaluatorOptions.config(cluster);
    return matched("--evaluator-application-id")
        ? config
        : config.withApplicationId("streamperf-mlperf-evaluator-" + suffix);
  }

  private WorkerConfig workerConfig(List<String> urls) {
    WorkerConfig config = workerOptions.config(tokenizerOptions, urls);
    return matched("--metrics-port") ? config : config.toBuilder().metricsPort(0).build();
  }

  private boolean matched(String option) {
    return GivenOptions.given(spec, option);
  }

  static void say(PrintWriter out, String line) {
    out.println("mlperf: " + line);
    out.flush();
  }

  /** {@code offline} or {@code server}, any case. */
  static final class ScenarioConverter implements CommandLine.ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "offline" -> Scenario.OFFLINE;
        case "server" -> Scenario.SERVER;
        default ->
            throw new CommandLine.TypeConversionException(
                "'" + value + "' (expected: offline or server)");
      };
    }
  }

  /** {@code performance} or {@code accuracy} (or LoadGen's names), any case. */
  static final class ModeConverter implements CommandLine.ITypeConverter<TestMode> {
    @Override
    public TestMode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "performance", "performanceonly" -> TestMode.PERFORMANCE_ONLY;
        case "accuracy", "accuracyonly" -> TestMode.ACCURACY_ONLY;
        default ->
            throw new CommandLine.TypeConversionException(
                "'" + value + "' (expected: performance or accuracy)");
      };
    }
  }

  /** A duration: {@code 12s}, {@code 500ms}, {@code 10m}, a number of seconds, or ISO-8601. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("pt") || v.startsWith("p")) {
          return Duration.parse(value.trim());
        }
        double amount;
        double nanosPerUnit;
        if (v.endsWith("ms")) {
          amount = Double.parseDouble(v.substring(0, v.length() - 2));
          nanosPerUnit = 1e6;
        } else if (v.endsWith("s")) {
          amount = Double.parseDouble(v.substring(0, v.length() - 1));
          nanosPerUnit = 1e9;
        } else if (v.endsWith("m")) {
          amount = Double.parseDouble(v.substring(0, v.length() - 1));
          nanosPerUnit = 60e9;
        } else {
          amount = Double.parseDouble(v);
          nanosPerUnit = 1e9;
        }
        if (!(amount >= 0) || Double.isInfinite(amount)) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' (expected: a duration >= 0)");
        }
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
      } catch (RuntimeException e) {
        if (e instanceof CommandLine.TypeConversionException t) {
          throw t;
        }
        throw new CommandLine.TypeConversionException(
            "'" + value + "' (expected: a duration such as 12s, 500ms, 10m or PT12S)");
      }
    }
  }
}
