package dev.streamperf.cli;

import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.report.ConsoleReport;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RequestRecord;
import dev.streamperf.metrics.report.RunReader;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamperf report RUN}: a run's report rebuilt from the topics. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Rebuild a run's report and files from the topics.",
    description = {
      "Reads the run's latest RunEvent, results, token events and scores back from the topics"
          + " (read_committed, from the run's creation), folds them with the same code as the"
          + " metrics app, prints the console table (AIPerf's metrics and columns, then errors by"
          + " kind, the load generator's health, accuracy, token sources and counts) and writes"
          + " ARTIFACT_DIR/RUN/profile_export.json, profile_export.csv and records.jsonl. Works"
          + " at any later time, without the metrics app. An unknown run id fails and lists the"
          + " runs on the runs topic.",
      ""
    })
final class ReportCommand implements Callable<Integer> {

  /** How many runs an unknown-run error lists. */
  static final int LISTED_RUNS = 20;

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Option(
      names = "--artifact-dir",
      paramLabel = "DIR",
      defaultValue = "artifacts",
      description = "Where the report files go, under RUN/ (default: ${DEFAULT-VALUE}).")
  Path artifactDir;

  @Option(
      names = "--goodput",
      paramLabel = "METRIC:VALUE ...",
      description =
          "Goodput objectives as AIPerf spells them, e.g. \"time_to_first_token:200"
              + " inter_token_latency:20\" (latencies in ms); without it no goodput is reported.")
  String goodput;

  @Option(
      names = "--read-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT120S",
      description =
          "How long reading one topic to its end may take (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration readTimeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("--read-timeout: " + readTimeout + " (expected: > 0)");
    }
    GoodputSlos slos = goodput == null ? GoodputSlos.none() : GoodputSlos.parse(goodput);
    ClusterConfig cluster = clusterOptions.cluster();
    RunReader reader = new RunReader(cluster, readTimeout);
    List<RunEvent> runs = reader.runs();
    boolean announced = runs.stream().anyMatch(e -> e.getRunId().equals(runId));
    Path dir = artifactDir.resolve(runId);
    RunReader.Result result;
    long lines;
    try (LazyRecords records = new LazyRecords(dir)) {
      try {
        result = reader.read(runId, slos, records::append);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(unknown(cluster, runs), e);
      }
      lines = records.open().lines();
    }
    RunSummary summary = result.summary();
    if (!announced) {
      err.println(
          "report: run "
              + runId
              + " has no RunEvent on "
              + cluster.topics().runs()
              + "; the report covers the records found");
    } else if (!summary.run().finished()) {
      err.println(
          "report: run "
              + runId
              + " is not finished ("
              + summary.run().status()
              + "); the report covers what is on the topics now");
    }
    err.flush();
    ConsoleReport.render(summary, out);
    ReportFiles.writeSummary(dir, summary);
    out.println(
        "report: read "
            + result.results()
            + " results, "
            + result.tokenEvents()
            + " token events and "
            + result.scores()
            + " scores ("
            + lines
            + " profiling requests); wrote "
            + dir.resolve(ReportFiles.JSON)
            + ", "
            + ReportFiles.CSV
            + " and "
            + ReportFiles.RECORDS);
    out.flush();
    return 0;
  }

  private String unknown(ClusterConfig cluster, List<RunEvent> runs) {
    StringBuilder m =
        new StringBuilder("run '")
            .append(runId)
            .append("': no RunEvent on ")
            .append(cluster.topics().runs())
            .append(" and no records in the ")
            .append(cluster.topics().prefix())
            .append("* topics; ");
    if (runs.isEmpty()) {
      return m.append("no run exists there").toString();
    }
    List<RunEvent> shown = runs.subList(Math.max(0, runs.size() - LISTED_RUNS), runs.size());
    m.append(runs.size() == 1 ? "the run there: " : runs.size() + " runs there");
    if (shown.size() < runs.size()) {
      m.append(" (the latest ").append(shown.size()).append(")");
    }
    if (runs.size() > 1) {
      m.append(": ");
    }
    return m.append(
            shown.stream()
                .map(e -> e.getRunId() + " (" + e.getStatus() + ")")
                .collect(Collectors.joining(", ")))
        .toString();
  }

  /** {@code records.jsonl}, created with the first record: an unknown run leaves no directory. */
  private static final class LazyRecords implements AutoCloseable {
    private final Path dir;
    private ReportFiles.RecordsWriter writer;

    LazyRecords(Path dir) {
      this.dir = dir;
    }

    ReportFiles.RecordsWriter open() {
      if (writer == null) {
        writer = ReportFiles.records(dir);
      }
      return writer;
    }

    void append(RequestRecord r) {
      open().append(r);
    }

    @Override
    public void close() {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
