package dev.streamperf.simulator;

import java.util.Locale;

/**
 * A fault the simulator injects into a request at a configured rate. At most one fault per request;
 * mid-stream faults strike after a content chunk chosen uniformly among all but the last.
 */
public enum FaultKind {
  /** HTTP 500 with an OpenAI-style error body, before any generation. */
  HTTP_500("http-500"),
  /** HTTP 503 with {@code Retry-After} and an error body, before any generation. */
  HTTP_503("http-503"),
  /** HTTP 429 with {@code Retry-After} and an error body, before any generation. */
  HTTP_429("http-429"),
  /** The connection is reset (TCP RST) mid-stream. */
  RESET("reset"),
  /** The stream pauses for the configured stall duration mid-stream, then completes. */
  STALL("stall"),
  /** One extra event whose data is not valid JSON, mid-stream; the stream then completes. */
  MALFORMED_CHUNK("malformed-chunk"),
  /**
   * The response body ends properly (chunked terminator) mid-stream, with no finish_reason, no
   * usage and no {@code [DONE]}; the connection stays open.
   */
  CUT("cut"),
  /** The response headers are delayed by the configured slow-headers delay. */
  SLOW_HEADERS("slow-headers");

  private final String label;

  FaultKind(String label) {
    this.label = label;
  }

  /** The name used on the command line, in metrics labels and in the ground-truth log. */
  public String label() {
    return label;
  }

  /** Whether it strikes after some content chunks rather than before the response. */
  public boolean midStream() {
    return this == RESET || this == STALL || this == MALFORMED_CHUNK || this == CUT;
  }

  /**
   * The fault a label names.
   *
   * @throws IllegalArgumentException listing the known labels
   */
  public static FaultKind fromLabel(String label) {
    String wanted = label.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (FaultKind kind : values()) {
      if (kind.label.equals(wanted)) {
        return kind;
      }
    }
    StringBuilder known = new StringBuilder();
    for (FaultKind kind : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(kind.label);
    }
    throw new IllegalArgumentException("fault: " + label + " (expected one of: " + known + ")");
  }
}
