package dev.streamperf.cli;

import dev.streamperf.producer.replay.Replay;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Re-publishes an earlier run's requests under a new run id on its schedule, starting now. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Re-publish an earlier run's requests on its schedule, starting now.",
    description = {
      "Reads a finished run's committed requests from the requests topic and publishes them again"
          + " under a new run id: the same sessions (model, sampling, turns, references), each at"
          + " its original time relative to the run's first request scaled by 1/--speed, starting"
          + " now. Media are referenced, not copied. The new run is announced and ended with"
          + " RunEvents (replayOf set), so workers, metrics and the evaluator measure it as any"
          + " other: point two worker groups at two endpoints to compare them under the same"
          + " load. Ctrl-C stops publishing and ends the run with what was published.",
      ""
    })
final class ReplayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run to replay.")
  String run;

  @Option(
      names = "--speed",
      paramLabel = "X",
      defaultValue = "1.0",
      description = "How many times faster than the original: gaps scaled by 1/X (default: 1).")
  double speed;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "The new run's id (default: generated).")
  String runId;

  @Option(
      names = {"-u", "--url"},
      paramLabel = "URL",
      description =
          "Endpoint URL(s) the replay targets, recorded in its RunEvent (default: the original's).")
  List<String> urls = new ArrayList<>();

  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Replay replay = Replay.of(clusterOptions.cluster(), run, speed, runId, urls);
    return ProducerCommand.follow(out, "replay", replay.start(), progressOptions.interval());
  }
}
