package dev.streamperf.cli;

import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.evaluator.scoring.SecondhandGuess;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The evaluator's options, a mixin of {@code streamperf evaluator} and {@code streamperf profile};
 * prefixed {@code --evaluator-} so they sit beside the other components' options.
 */
public final class EvaluatorOptions {

  @Option(
      names = "--evaluator-application-id",
      paramLabel = "ID",
      defaultValue = EvaluatorConfig.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id of the evaluator: instances with the same id share the"
              + " scoring (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--evaluator-threads",
      paramLabel = "N",
      defaultValue = "" + EvaluatorConfig.DEFAULT_STREAM_THREADS,
      description = "Stream threads of this evaluator instance (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--evaluator-state-dir",
      paramLabel = "DIR",
      description = "Kafka Streams state directory (default: a temporary one, removed on exit).")
  Path stateDir;

  @Option(
      names = "--evaluator-commit-interval",
      paramLabel = "DURATION",
      defaultValue = "PT0.1S",
      description =
          "How often the evaluator commits its transaction, which bounds how late a score"
              + " appears (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration commitInterval;

  @Option(
      names = "--secondhand-seed",
      paramLabel = "SEED",
      defaultValue = "" + SecondhandGuess.DEFAULT_SEED,
      description =
          "Seed of the is_secondhand coin flip for unparsable product answers, as in the MLPerf"
              + " reference (default: ${DEFAULT-VALUE}).")
  long secondhandSeed;

  /** The evaluator's configuration on a cluster; checks every value. */
  public EvaluatorConfig config(ClusterConfig cluster) {
    return new EvaluatorConfig(
        cluster,
        applicationId,
        threads,
        stateDir,
        commitInterval,
        secondhandSeed,
        MicrosClock.system());
  }
}
