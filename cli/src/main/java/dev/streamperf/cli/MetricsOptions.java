package dev.streamperf.cli;

import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The metrics app's options, a mixin of {@code streamperf metrics} and {@code streamperf profile}:
 * {@link #config(ClusterConfig)} turns them into a checked {@link MetricsConfig}. Options only the
 * Streams app has are prefixed {@code --metrics-} so they sit beside the evaluator's ({@code
 * --evaluator-}) and the worker's; {@code --goodput} is AIPerf's. Durations are seconds ({@code
 * 10}, {@code 0.5}) or ISO-8601 ({@code PT10S}).
 */
public final class MetricsOptions {

  @Option(
      names = "--metrics-application-id",
      paramLabel = "ID",
      defaultValue = MetricsConfig.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id of the metrics app: instances with the same id share the"
              + " aggregation (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--metrics-threads",
      paramLabel = "N",
      defaultValue = "" + MetricsConfig.DEFAULT_STREAM_THREADS,
      description =
          "Stream threads of this metrics instance; on 2 cores, 2 aggregate more token events per"
              + " second than 1 (bench metrics measures both) (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--metrics-state-dir",
      paramLabel = "DIR",
      description = "Kafka Streams state directory (default: a temporary one, removed on exit).")
  Path stateDir;

  @Option(
      names = "--metrics-commit-interval",
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "0.1",
      converter = SecondsOrIso.class,
      description =
          "How often the metrics app commits its transaction; each commit moves the partial"
              + " aggregates on (default: ${DEFAULT-VALUE} s).")
  Duration commitInterval;

  @Option(
      names = "--window",
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "10",
      converter = SecondsOrIso.class,
      description =
          "Tumbling event-time window of the live metrics: seconds (10, 0.5) or ISO-8601 (PT10S);"
              + " whole milliseconds, at least 0.1 s (default: ${DEFAULT-VALUE} s).")
  Duration window;

  @Option(
      names = {"--grace", "--window-grace"},
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "30",
      converter = SecondsOrIso.class,
      description =
          "How long after its end a window still takes records; later ones count as late, in the"
              + " run totals only. Make it longer than the longest request (default:"
              + " ${DEFAULT-VALUE} s).")
  Duration grace;

  @Option(
      names = "--completion-grace",
      paramLabel = "SECONDS|ISO-8601",
      defaultValue = "120",
      converter = SecondsOrIso.class,
      description =
          "How long a produced run waits for its missing results and scores before it finishes"
              + " anyway and names them (default: ${DEFAULT-VALUE} s).")
  Duration completionGrace;

  @Option(
      names = "--metrics-startup-grace",
      paramLabel = "SECONDS|ISO-8601",
      converter = SecondsOrIso.class,
      description =
          "How long an input partition that has seen nothing since start holds windows open: it"
              + " may hold a backlog not yet handed over (default: 30 s).")
  Duration startupGrace;

  @Option(
      names = "--metrics-run-retention",
      paramLabel = "SECONDS|ISO-8601",
      converter = SecondsOrIso.class,
      description =
          "How long a finished run stays on /metrics and /runs before its state is removed"
              + " (default: 3600 s).")
  Duration runRetention;

  @Option(
      names = "--goodput",
      paramLabel = "METRIC:VALUE ...",
      description =
          "Goodput objectives as AIPerf spells them, e.g. \"time_to_first_token:200"
              + " inter_token_latency:20\" (latencies in ms); a request is good when it meets"
              + " every one.")
  String goodput;

  @Option(
      names = "--no-await-scores",
      negatable = false,
      description =
          "Finish a run when its results are in, without waiting for the scores of results that"
              + " carry a reference.")
  boolean noAwaitScores;

  @Option(
      names = "--http-host",
      paramLabel = "ADDRESS",
      defaultValue = MetricsConfig.DEFAULT_HTTP_HOST,
      description = "Address of /metrics and the run API (default: ${DEFAULT-VALUE}).")
  String httpHost;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "Port of Prometheus /metrics and the run API (/runs, /runs/{id}/summary); 0 takes a"
              + " free one, -1 serves none (default: ${DEFAULT-VALUE}).")
  int httpPort;

  /** The goodput objectives; none without {@code --goodput}. */
  public GoodputSlos goodput() {
    return goodput == null ? GoodputSlos.none() : GoodputSlos.parse(goodput);
  }

  /** The metrics app's configuration on a cluster; checks every value. */
  public MetricsConfig config(ClusterConfig cluster) {
    MetricsConfig.Builder b =
        MetricsConfig.builder(cluster)
            .applicationId(applicationId)
            .streamThreads(threads)
            .stateDir(stateDir)
            .commitInterval(commitInterval)
            .window(window)
            .grace(grace)
            .completionGrace(completionGrace)
            .goodput(goodput())
            .awaitScores(!noAwaitScores)
            .httpHost(httpHost)
            .httpPort(httpPort);
    if (startupGrace != null) {
      b.startupGrace(startupGrace);
    }
    if (runRetention != null) {
      b.runRetention(runRetention);
    }
    return b.build();
  }

  /** A duration as seconds ({@code 10}, {@code 0.5}) or ISO-8601 ({@code PT10S}). */
  static final class SecondsOrIso implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim();
      if (v.isEmpty()) {
        throw new TypeConversionException("'' (expected: seconds, e.g. 10, or ISO-8601, PT10S)");
      }
      char first = v.charAt(0);
      try {
        if (first == 'P' || first == 'p' || first == '-' && v.length() > 1 && v.charAt(1) == 'P') {
          return Duration.parse(v);
        }
        BigDecimal seconds = new BigDecimal(v);
        return Duration.ofNanos(seconds.movePointRight(9).setScale(0).longValueExact());
      } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
        throw new TypeConversionException(
            "'" + value + "' (expected: seconds, e.g. 10 or 0.5, or ISO-8601, e.g. PT10S)");
      }
    }
  }
}
