package dev.streamperf.cli;

import dev.streamperf.producer.replay.RunArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a run's requests, RunEvents and media to a self-describing Avro file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Write a run's requests, RunEvents and media to an Avro file.",
    description = {
      "Reads a finished run from the cluster (its RunEvents, committed requests and the media they"
          + " reference) and writes it to FILE as an Avro object container file that embeds its"
          + " schemas, so any Avro reader can open it and 'streamperf import' can bring it back."
          + " Exporting the same run twice gives the same bytes.",
      ""
    })
final class ExportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run to export.")
  String run;

  @Parameters(index = "0", paramLabel = "FILE", description = "The file to write (replaced).")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    RunArchive.Summary s = RunArchive.export(clusterOptions.cluster(), run, file);
    out.println(describe("export: run", s, "to " + file));
    out.flush();
    return 0;
  }

  static String describe(String what, RunArchive.Summary s, String where) {
    return String.format(
        Locale.ROOT,
        "%s %s: %d requests, %d media, %d run events %s (%d bytes)",
        what,
        s.runId(),
        s.requests(),
        s.media(),
        s.events(),
        where,
        s.bytes());
  }
}
