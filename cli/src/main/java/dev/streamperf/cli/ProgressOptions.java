package dev.streamperf.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --progress-interval}, shared by the commands that print progress while they run. */
final class ProgressOptions {

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "PT5S",
      description = "How often to print progress (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  /** The interval, checked. */
  Duration interval() {
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException(
          "--progress-interval: " + progressInterval + " (expected: > 0)");
    }
    return progressInterval;
  }
}
