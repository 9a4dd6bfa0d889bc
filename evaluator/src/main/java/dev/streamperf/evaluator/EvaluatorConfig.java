package dev.streamperf.evaluator;

import dev.streamperf.evaluator.scoring.SecondhandGuess;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The evaluator's configuration, checked where it is made.
 *
 * @param cluster where the {@code results} and {@code scores} topics and the registry are
 * @param applicationId Kafka Streams {@code application.id}: the consumer group, and the prefix of
 *     the transactional ids; instances with the same id share the work
 * @param streamThreads Kafka Streams threads in this instance
 * @param stateDir Kafka Streams {@code state.dir}; null for a temporary directory removed on close
 * @param commitInterval how often transactions commit; bounds how late a score appears
 * @param secondhandSeed seed of the is_secondhand coin flip for unparsable product answers
 * @param clock source of {@code Score.scoredUs}
 */
public record EvaluatorConfig(
    ClusterConfig cluster,
    String applicationId,
    int streamThreads,
    Path stateDir,
    Duration commitInterval,
    long secondhandSeed,
    MicrosClock clock) {

  public static final String DEFAULT_APPLICATION_ID = "streamperf-evaluator";
  public static final int DEFAULT_STREAM_THREADS = 1;
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

  private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]+");

  public EvaluatorConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(clock, "clock");
    if (applicationId == null || !LEGAL_ID.matcher(applicationId).matches()) {
      throw new IllegalArgumentException(
          "evaluator application id: '"
              + applicationId
              + "' (expected: letters, digits, '.', '_' or '-')");
    }
    if (streamThreads <= 0) {
      throw new IllegalArgumentException(
          "evaluator stream threads: " + streamThreads + " (expected: > 0)");
    }
    if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException(
          "evaluator commit interval: " + commitInterval + " (expected: > 0)");
    }
  }

  /** The defaults on a cluster: one thread, a temporary state directory, the system clock. */
  public static EvaluatorConfig defaults(ClusterConfig cluster) {
    return new EvaluatorConfig(
        cluster,
        DEFAULT_APPLICATION_ID,
        DEFAULT_STREAM_THREADS,
        null,
        DEFAULT_COMMIT_INTERVAL,
        SecondhandGuess.DEFAULT_SEED,
        MicrosClock.system());
  }

  public EvaluatorConfig withApplicationId(String id) {
    return new EvaluatorConfig(
        cluster, id, streamThreads, stateDir, commitInterval, secondhandSeed, clock);
  }

  public EvaluatorConfig withStreamThreads(int threads) {
    return new EvaluatorConfig(
        cluster, applicationId, threads, stateDir, commitInterval, secondhandSeed, clock);
  }

  public EvaluatorConfig withStateDir(Path dir) {
    return new EvaluatorConfig(
        cluster, applicationId, streamThreads, dir, commitInterval, secondhandSeed, clock);
  }

  public EvaluatorConfig withCommitInterval(Duration interval) {
    return new EvaluatorConfig(
        cluster, applicationId, streamThreads, stateDir, interval, secondhandSeed, clock);
  }

  public EvaluatorConfig withSecondhandSeed(long seed) {
    return new EvaluatorConfig(
        cluster, applicationId, streamThreads, stateDir, commitInterval, seed, clock);
  }

  public EvaluatorConfig withClock(MicrosClock microsClock) {
    return new EvaluatorConfig(
        cluster,
        applicationId,
        streamThreads,
        stateDir,
        commitInterval,
        secondhandSeed,
        microsClock);
  }
}
