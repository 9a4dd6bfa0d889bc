package dev.streamperf.cli;

/** The {@code streamperf} entry point: the one place that exits the JVM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(StreamperfCommand.commandLine().execute(args));
  }
}
