package dev.streamperf.worker.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One dispatched server-sent event: its type ({@code message} unless an {@code event:} field said
 * otherwise), its data (the {@code data:} lines joined by LF, as UTF-8 bytes) and the {@link
 * System#nanoTime()} at which the decoder completed it, which is the event's arrival time for
 * latency measurements.
 *
 * <p>An event fired by {@link SseDecoder} is a view of the decoder's own buffer, valid only while
 * the {@code channelRead} that carries it runs: the decoder reuses the object and the bytes for its
 * next event instead of allocating an event and a copy of its data per chunk. A handler that keeps
 * an event past its {@code channelRead} keeps a {@link #copy()}.
 */
public final class SseEvent {

  /** The type of an event without an {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private String type;
  private byte[] data;
  private int length;
  private long decodedNanos;

  /** An event that owns {@code data}, all of it. */
  public SseEvent(String type, byte[] data, long decodedNanos) {
    set(type, data, data.length, decodedNanos);
  }

  /** Points this event at the first {@code length} bytes of {@code data}: the decoder's reuse. */
  void set(String type, byte[] data, int length, long decodedNanos) {
    this.type = type == null ? DEFAULT_TYPE : type;
    this.data = data;
    this.length = length;
    this.decodedNanos = decodedNanos;
  }

  /** An event that owns a copy of this one's data, to keep past the current {@code channelRead}. */
  public SseEvent copy() {
    return new SseEvent(type, Arrays.copyOf(data, length), decodedNanos);
  }

  /** {@code message}, or the value of the event's {@code event:} field. */
  public String type() {
    return type;
  }

  /**
   * The array holding the data as UTF-8 bytes, from index 0 for {@link #length()} bytes (it may be
   * longer); the caller must not modify it.
   */
  public byte[] data() {
    return data;
  }

  /** How many bytes of {@link #data()} are the event's data. */
  public int length() {
    return length;
  }

  public String dataAsString() {
    return new String(data, 0, length, StandardCharsets.UTF_8);
  }

  /** When the decoder dispatched it, by {@link System#nanoTime()}. */
  public long decodedNanos() {
    return decodedNanos;
  }

  /** Whether the data is OpenAI's end-of-stream sentinel {@code [DONE]}. */
  public boolean isDone() {
    return Arrays.equals(data, 0, length, DONE, 0, DONE.length);
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
