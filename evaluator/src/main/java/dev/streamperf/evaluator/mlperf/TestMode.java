package dev.streamperf.evaluator.mlperf;

/** LoadGen's test modes. */
public enum TestMode {
  /** Measure performance; responses are not logged for accuracy. */
  PERFORMANCE_ONLY("PerformanceOnly"),
  /** Issue every sample once and log every response for accuracy. */
  ACCURACY_ONLY("AccuracyOnly");

  private final String loadGenName;

  TestMode(String loadGenName) {
    this.loadGenName = loadGenName;
  }

  /** The name LoadGen prints. */
  public String loadGenName() {
    return loadGenName;
  }
}
