package dev.streamperf.simulator;

/** What one event the simulator wrote was. */
public enum EventKind {
  /** The first SSE event: {@code delta.role} only. */
  ROLE,
  /** An SSE event carrying {@code delta.reasoning_content}. */
  REASONING,
  /** An SSE event carrying {@code delta.content}. */
  CONTENT,
  /** The injected event whose data is not valid JSON. */
  MALFORMED,
  /** The SSE event with {@code finish_reason} and an empty delta. */
  FINISH,
  /** The SSE event with empty {@code choices} and {@code usage}. */
  USAGE,
  /** {@code data: [DONE]} and the end of the body. */
  DONE,
  /** The whole body of a non-streaming response. */
  BODY;

  /** Whether a client counts it as a content event (METRICS.md's {@code c[i]}). */
  public boolean carriesTokens() {
    return this == REASONING || this == CONTENT;
  }
}
