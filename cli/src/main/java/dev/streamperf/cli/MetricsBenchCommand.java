package dev.streamperf.cli;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.metrics.bench.MetricsBenchmark;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicRole;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamperf bench metrics}: the metrics app's performance targets, measured and printed.
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Measure the metrics app: events/s, window visibility.",
    description = {
      "Runs two checks with one Streams instance against the embedded broker (or"
          + " --bootstrap-servers). Warm-up: --warmup-token-events go through a first Streams"
          + " instance, unmeasured, so the JIT has compiled the hot paths. Backlog: a synthetic run"
          + " of --token-events token events (and their results) is published, then one metrics"
          + " app starts after the warm-up data and the time from RUNNING to every token-event"
          + " offset committed gives the token events aggregated per second (target >= 200,000"
          + " on 2 cores; the embedded broker shares the process and its cores). Visibility: load then flows live at --live-rate token events/s and the time"
          + " from a window's end to /metrics showing it as the latest closed window is measured"
          + " (target <= grace + 2 s after the end, i.e. window + grace + 2 s after its start)."
          + " Run it under the build lock so nothing else competes for the cores.",
      ""
    })
final class MetricsBenchCommand implements Callable<Integer> {

  static final double TARGET_EVENTS_PER_SECOND = 200_000;

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Option(
      names = "--token-events",
      paramLabel = "N",
      defaultValue = "2000000",
      description = "Token events of the backlog (default: ${DEFAULT-VALUE}).")
  int tokenEvents;

  @Option(
      names = "--warmup-token-events",
      paramLabel = "N",
      defaultValue = "4000000",
      description =
          "Token events a first, unmeasured Streams instance aggregates in the same process before"
              + " the measured one starts, so the measured one runs JIT-compiled code (on 2 cores"
              + " the JIT is still busy after 1,000,000); 0 measures a cold process (default:"
              + " ${DEFAULT-VALUE}).")
  int warmupTokenEvents;

  @Option(
      names = "--mean-output-tokens",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Mean token events per request, so the backlog holds about N / this results (default:"
              + " ${DEFAULT-VALUE}).")
  int meanOutputTokens;

  @Option(
      names = "--metrics-threads",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Stream threads of the one Streams instance; the target is for 2 cores (default:"
              + " ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--window",
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "10",
      converter = MetricsOptions.SecondsOrIso.class,
      description = "Window of the visibility check (default: ${DEFAULT-VALUE} s).")
  Duration window;

  @Option(
      names = {"--grace", "--window-grace"},
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "2",
      converter = MetricsOptions.SecondsOrIso.class,
      description = "Window grace of the visibility check (default: ${DEFAULT-VALUE} s).")
  Duration grace;

  @Option(
      names = "--live-rate",
      paramLabel = "PER_SECOND",
      defaultValue = "5000",
      description =
          "Token events per second of the visibility check's live load (default:"
              + " ${DEFAULT-VALUE}).")
  int liveRate;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    MetricsBenchmark.Settings settings =
        new MetricsBenchmark.Settings(
            tokenEvents, warmupTokenEvents, meanOutputTokens, threads, window, grace, liveRate);
    EmbeddedStack stack = null;
    ClusterConfig cluster;
    if (clusterOptions.hasCluster()) {
      cluster = clusterOptions.cluster();
    } else {
      stack = EmbeddedStack.start(clusterOptions.topicOptions.singleBrokerCatalog());
      cluster = stack.cluster();
      out.println(
          "bench metrics: embedded broker at "
              + cluster.bootstrapServers()
              + " (same process), "
              + Runtime.getRuntime().availableProcessors()
              + " cores, "
              + cluster.topics().spec(TopicRole.TOKEN_EVENTS).partitions()
              + " token-events partitions");
      out.flush();
    }
    try {
      MetricsBenchmark.Result r = new MetricsBenchmark(cluster, settings).run();
      MetricsBenchmark.Throughput t = r.throughput();
      boolean throughputOk = t.eventsPerSecond() >= TARGET_EVENTS_PER_SECOND;
      if (t.warmupTokenEvents() > 0) {
        out.printf(
            Locale.ROOT,
            "warm-up: %,d token events through a first instance in %.2f s, then the JIT quiet"
                + " (not measured)%n",
            t.warmupTokenEvents(),
            t.warmupSeconds());
      }
      out.printf(
          Locale.ROOT,
          "backlog: %,.0f token events/s aggregated by one Streams instance (%,d token events and"
              + " %,d results in %.2f s after RUNNING; %.2f cores busy in this process; published"
              + " in %.2f s, started in %.2f s)   target >= 200,000   %s%n",
          t.eventsPerSecond(),
          t.tokenEvents(),
          t.results(),
          t.seconds(),
          t.cpuCores(),
          t.publishSeconds(),
          t.startSeconds(),
          throughputOk ? "PASS" : "FAIL");
      for (MetricsBenchmark.ThreadLoad load : t.threads()) {
        out.printf(
            Locale.ROOT,
            "  %s: %.2f cores, %d token-events tasks, %d other tasks%n",
            load.name().substring(Math.max(0, load.name().indexOf("StreamThread-"))),
            load.cpuCores(),
            load.tokenEventTasks(),
            load.otherTasks());
      }
      out.printf(
          Locale.ROOT,
          "  JIT: %.2f s of compilation per second (wall time of each compilation, so one waiting"
              + " for a core counts in full; its CPU is inside \"JVM\" below)%n",
          t.jitCores());
      out.println(
          "  the rest of the process, in cores: "
              + t.otherCpu().entrySet().stream()
                  .filter(e -> e.getValue() >= 0.01)
                  .limit(8)
                  .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                  .collect(java.util.stream.Collectors.joining(", ")));
      MetricsBenchmark.Visibility v = r.visibility();
      double windowSeconds = (v.windowEndUs() - v.windowStartUs()) / 1e6;
      boolean visibilityOk = v.secondsAfterEnd() <= v.targetSeconds();
      out.printf(
          Locale.ROOT,
          "visibility: a %.1f s window was on /metrics %.2f s after its end, %.2f s after its"
              + " start (%,d token events live at %,d/s)   target <= grace + 2 s = %.2f s after"
              + " the end (window + grace + 2 s = %.2f s after the start)   %s%n",
          windowSeconds,
          v.secondsAfterEnd(),
          windowSeconds + v.secondsAfterEnd(),
          v.tokenEvents(),
          liveRate,
          v.targetSeconds(),
          windowSeconds + v.targetSeconds(),
          visibilityOk ? "PASS" : "FAIL");
      out.flush();
      return throughputOk && visibilityOk ? 0 : 1;
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }
}
