package dev.streamperf.cli;

import dev.streamperf.producer.replay.RunArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Publishes a run exported with 'streamperf export' to a cluster. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Publish a run exported with 'streamperf export' to a cluster.",
    description = {
      "Publishes the RunEvents, media and requests of an exported run to the cluster exactly as"
          + " they were, in one transaction, under its own run id or --run-id. The run's requests"
          + " keep their recorded times: 'streamperf replay' runs them again from now. Refuses a"
          + " run id the cluster has already.",
      ""
    })
final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Parameters(index = "0", paramLabel = "FILE", description = "A file 'streamperf export' wrote.")
  Path file;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Import under this run id (default: the file's).")
  String runId;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (runId != null && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException(
          "--run-id: '" + runId + "' (expected: 1 to 128 letters, digits, '.', '_' or '-')");
    }
    RunArchive.Summary s = RunArchive.importFile(clusterOptions.cluster(), file, runId);
    out.println(ExportCommand.describe("import: run", s, "from " + file));
    out.flush();
    return 0;
  }
}
