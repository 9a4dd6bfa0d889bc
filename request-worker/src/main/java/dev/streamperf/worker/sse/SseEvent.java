package dev.streamperf.worker.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One dispatched server-sent event: its type ({@code message} unless an {@code event:} field said
 * otherwise), its data (the {@code data:} lines joined by LF, as UTF-8 bytes) and the {@link
 * System#nanoTime()} at which the decoder completed it, which is the event's arrival time for
 * latency measurements.
 */
public final class SseEvent {

  /** The type of an event without an {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private final String type;
  private final byte[] data;
  private final long decodedNanos;

  public SseEvent(String type, byte[] data, long decodedNanos) {
    this.type = type == null ? DEFAULT_TYPE : type;
    this.data = data;
    this.decodedNanos = decodedNanos;
  }

  /** {@code message}, or the value of the event's {@code event:} field. */
  public String type() {
    return type;
  }

  /** The data as UTF-8 bytes; the caller must not modify it. */
  public byte[] data() {
    return data;
  }

  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** When the decoder dispatched it, by {@link System#nanoTime()}. */
  public long decodedNanos() {
    return decodedNanos;
  }

  /** Whether the data is OpenAI's end-of-stream sentinel {@code [DONE]}. */
  public boolean isDone() {
    return Arrays.equals(data, DONE);
  }

  /** Whether the event's type is {@code error}. */
  public boolean isError() {
    return "error".equals(type);
  }

  @Override
  public String toString() {
    return "SseEvent{type=" + type + ", data=" + dataAsString() + "}";
  }
}
