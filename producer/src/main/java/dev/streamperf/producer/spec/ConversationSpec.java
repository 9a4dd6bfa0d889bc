package dev.streamperf.producer.spec;

/**
 * Turns per session and the think time between them (AIPerf's conversation options).
 *
 * @param turnsMean mean turns per session ({@code --session-turns-mean}, default 1)
 * @param turnsStddev its standard deviation ({@code --session-turns-stddev}, default 0)
 * @param delayMeanMs mean delay before a later turn, ms ({@code --session-turn-delay-mean})
 * @param delayStddevMs its standard deviation ({@code --session-turn-delay-stddev})
 * @param delayRatio factor applied to every delay ({@code --session-delay-ratio}, default 1)
 */
public record ConversationSpec(
    int turnsMean, int turnsStddev, double delayMeanMs, double delayStddevMs, double delayRatio) {

  public ConversationSpec {
    Checks.atLeast("--session-turns-mean", turnsMean, 1);
    Checks.atLeast("--session-turns-stddev", turnsStddev, 0);
    Checks.atLeast("--session-turn-delay-mean", delayMeanMs, 0.0);
    Checks.atLeast("--session-turn-delay-stddev", delayStddevMs, 0.0);
    Checks.atLeast("--session-delay-ratio", delayRatio, 0.0);
  }

  /** Single-turn sessions. */
  public static ConversationSpec singleTurn() {
    return new ConversationSpec(1, 0, 0, 0, 1);
  }
}
