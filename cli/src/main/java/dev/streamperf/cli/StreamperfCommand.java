package dev.streamperf.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command; each component is a subcommand. */
@Command(
    name = "streamperf",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Benchmarks and soak-tests OpenAI-compatible multimodal inference endpoints as a Kafka"
          + " stream-processing pipeline.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ProfileCommand.class,
      StackCommand.class,
      TopicsCommand.class,
      SimulateCommand.class,
      WorkerCommand.class,
      ProducerCommand.class,
      ReplayCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      BenchCommand.class,
      EvaluatorCommand.class,
      MetricsCommand.class,
      ReportCommand.class,
      MlperfCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreamperfCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The configured command line: error handling that says what went wrong, without a trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamperfCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(StreamperfCommand::handleFailure);
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int handleFailure(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    PrintWriter err = cli.getErr();
    err.println(cli.getColorScheme().errorText(cli.getCommandName() + ": " + describe(e)));
    if (System.getenv("STREAMPERF_DEBUG") != null) {
      e.printStackTrace(err);
    } else {
      err.println("(set STREAMPERF_DEBUG=1 for the stack trace)");
    }
    err.flush();
    return 1;
  }

  private static String describe(Throwable e) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
        message.append(": ").append(cause.getMessage());
      }
    }
    return message.toString();
  }
}
