package dev.streamperf.producer.spec;

/** Distribution of open-loop inter-arrival times (AIPerf's {@code --arrival-pattern}). */
public enum ArrivalPattern {
  /** Exactly {@code 1/rate} apart. */
  CONSTANT,
  /** Exponential gaps of mean {@code 1/rate}: a Poisson process. */
  POISSON,
  /**
   * Gamma gaps of shape {@code smoothness} and mean {@code 1/rate}: smoothness 1 is Poisson, below
   * 1 burstier, above 1 more regular (vLLM's {@code --burstiness}).
   */
  GAMMA
}
