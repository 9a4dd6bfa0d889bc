package dev.streamperf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Benchmarks that check the performance targets and print their figures; one subcommand per
 * component.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Run a component benchmark and print its figures.",
    description = {
      "Runs one of the performance benchmarks on this machine and prints what it measured next to"
          + " its target.",
      ""
    },
    subcommands = {
      SimulatorBenchCommand.class,
      ProducerBenchCommand.class,
      WorkerBenchCommand.class,
      SoakBenchCommand.class,
      MetricsBenchCommand.class
    })
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
