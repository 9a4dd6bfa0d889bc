package dev.streamperf.producer.spec;

/** How a session's model is chosen when several are given (AIPerf's --model-selection-strategy). */
public enum ModelSelection {
  /** Session {@code i} gets model {@code i mod n}. */
  ROUND_ROBIN,
  /** Uniformly at random, a pure function of the seed and the session's sequence. */
  RANDOM
}
