package dev.streamperf.evaluator.mlperf;

/** The MLPerf scenarios streamperf runs. */
public enum Scenario {
  /** Every sample issued at once; throughput is what counts. */
  OFFLINE("Offline"),
  /** Queries arrive one by one, Poisson at a target rate; a tail-latency bound must hold. */
  SERVER("Server");

  private final String loadGenName;

  Scenario(String loadGenName) {
    this.loadGenName = loadGenName;
  }

  /** The name LoadGen prints. */
  public String loadGenName() {
    return loadGenName;
  }
}
