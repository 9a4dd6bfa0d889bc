package dev.streamperf.simulator;

/** How a request ended, seen from the simulator. */
public enum Outcome {
  /** The whole response was written ({@code [DONE]} for a stream), with or without a stall. */
  COMPLETED,
  /** An error status was answered (injected 500/503/429, or a 4xx for a bad request). */
  ERROR_RESPONSE,
  /** The connection was reset mid-stream (injected). */
  RESET,
  /** The body ended before {@code [DONE]} (injected). */
  CUT,
  /** The client closed the connection before the response was complete. */
  CLIENT_CLOSED
}
