package dev.streamperf.cli;

import java.util.Locale;

/** The {@code streamperf} entry point: the one place that exits the JVM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    useUsNumberFormats();
    System.exit(StreamperfCommand.commandLine().execute(args));
  }

  /**
   * Formats numbers as en_US does, on every machine. streamperf's own output names its locale, but
   * Kafka Streams 4.3 formats log text with the default locale for every record it takes while one
   * of a task's partitions has nothing buffered ({@code PartitionGroup.readyToProcess}, whether the
   * log level is on or not), and {@link java.util.Formatter} builds a new {@code
   * DecimalFormatSymbols} for each number unless that locale is en_US: under C.UTF-8 (locale "en")
   * that was 11.4% of the Streams thread in a JFR profile of {@code bench metrics}, whose backlog
   * ran at 107,315 token events/s in en_US against 90,024 in "en" (one pair of runs).
   */
  static void useUsNumberFormats() {
    Locale.setDefault(Locale.Category.FORMAT, Locale.US);
  }
}
