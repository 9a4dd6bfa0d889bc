package dev.streamperf.schemas.topics;

/** The topics of the pipeline, by what they carry. Names are {@code prefix + suffix}. */
public enum TopicRole {
  /** Run state, compacted, keyed by run id: {@code RunEvent}. */
  RUNS("runs"),
  /** Load, keyed by session id: {@code InferenceRequest}. The scaling unit for workers. */
  REQUESTS("requests"),
  /** Encoded media, compacted, keyed by SHA-256: {@code MediaBlob}. */
  MEDIA("media"),
  /** One record per SSE content event, keyed by request id: {@code TokenEvent}. */
  TOKEN_EVENTS("token-events"),
  /** One record per request attempt, keyed by request id: {@code RequestResult}. */
  RESULTS("results"),
  /** Accuracy scores, keyed by request id: {@code Score}. */
  SCORES("scores"),
  /** Aggregated windows and run totals: {@code WindowedMetric}. */
  METRICS("metrics");

  private final String suffix;

  TopicRole(String suffix) {
    this.suffix = suffix;
  }

  /** The topic name without prefix, e.g. {@code token-events}. */
  public String suffix() {
    return suffix;
  }
}
