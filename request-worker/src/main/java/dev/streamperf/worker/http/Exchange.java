package dev.streamperf.worker.http;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One HTTP request of one turn, from its write to its outcome, on one event loop: it timestamps the
 * response headers and every SSE event as they are decoded, tells content and reasoning events from
 * role-only, usage-only and {@code [DONE]} events, watches the first-byte and total timeouts, and
 * ends exactly once, with success or an error kind, handing a {@link TurnOutcome} to its listener.
 * Faults never escape as exceptions. Confined to its event loop; not thread-safe.
 */
public final class Exchange {

  /** Told when the request is written and when it has ended. Called on the event loop. */
  public interface Listener {
    /** Just before the request's first byte is written. */
    void onSending(Exchange exchange);

    /** Exactly once, when the attempt has ended. */
    void onDone(TurnOutcome outcome);
  }

  /** What the connection can do after the exchange ended. */
  enum Fate {
    /** The response was read to its end: the connection can carry another request. */
    REUSE,
    /** The answer is complete ([DONE]) but its body has not ended: reuse once it has. */
    REUSE_AFTER_BODY,
    /** The response was abandoned mid-way: close the connection. */
    CLOSE
  }

  /** How the exchange bounds what it keeps. */
  public record Limits(
      long firstByteTimeoutNanos, long requestTimeoutNanos, int maxBodyBytes, boolean keepText) {}

  private static final int ERROR_MESSAGE_MAX = 2_000;

  private final String requestId;
  private final int turnIndex;
  private final Endpoint endpoint;
  private final byte[] body;
  private final boolean stream;
  private final long intendedNanos;
  private final Limits limits;
  private final ChunkParser parser;
  private final ChatChunk chunk;
  private final Listener listener;

  private ChatResponseHandler handler;
  private ScheduledFuture<?> firstByteTimer;
  private ScheduledFuture<?> requestTimer;
  private boolean done;

  private long sentNanos = TurnOutcome.NONE;
  private long headersNanos = TurnOutcome.NONE;
  private long completedNanos = TurnOutcome.NONE;
  private int status;
  private boolean eventStream;
  private ByteBuf bodyBuffer;

  private int events;
  private long[] eventNanos = new long[16];
  private byte[] eventKinds = new byte[16];
  private int[] eventChars = new int[16];
  private StringBuilder eventText;
  private int[] eventTextEnd;
  private int reasoningEvents;
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private int promptTokens = -1;
  private int completionTokens = -1;
  private int reasoningTokens = -1;
  private int cachedTokens = -1;
  private String finishReason;

  /**
   * @param requestId sent as {@code X-Request-Id}
   * @param body the JSON body
   * @param stream whether an SSE stream was asked for
   * @param intendedNanos the scheduled send instant, or {@link TurnOutcome#NONE}
   * @param parser shared chunk parser
   * @param chunk the event loop's reusable chunk holder
   */
  public Exchange(
      String requestId,
      int turnIndex,
      Endpoint endpoint,
      byte[] body,
      boolean stream,
      long intendedNanos,
      Limits limits,
      ChunkParser parser,
      ChatChunk chunk,
      Listener listener) {
    this.requestId = requestId;
    this.turnIndex = turnIndex;
    this.endpoint = endpoint;
    this.body = body;
    this.stream = stream;
    this.intendedNanos = intendedNanos;
    this.limits = limits;
    this.parser = parser;
    this.chunk = chunk;
    this.listener = listener;
    if (limits.keepText()) {
      eventText = new StringBuilder();
      eventTextEnd = new int[16];
    }
  }

  public String requestId() {
    return requestId;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  byte[] body() {
    return body;
  }

  boolean stream() {
    return stream;
  }

  public boolean isDone() {
    return done;
  }

  /** Whether the request's first byte was written. */
  public boolean wasSent() {
    return sentNanos != TurnOutcome.NONE;
  }

  // ---- driven by the client and the handler, on the event loop ----

  /** The handler is about to write the request on its channel. */
  void onWriting(ChatResponseHandler handler, long nanos) {
    this.handler = handler;
    listener.onSending(this);
    sentNanos = nanos;
    Channel channel = handler.channel();
    firstByteTimer =
        channel
            .eventLoop()
            .schedule(
                () ->
                    fail(
                        ErrorKind.TIMEOUT,
                        "no response headers within " + millis(limits.firstByteTimeoutNanos())),
                limits.firstByteTimeoutNanos(),
                TimeUnit.NANOSECONDS);
    requestTimer =
        channel
            .eventLoop()
            .schedule(
                () ->
                    fail(
                        ErrorKind.TIMEOUT,
                        "response not complete within " + millis(limits.requestTimeoutNanos())),
                limits.requestTimeoutNanos(),
                TimeUnit.NANOSECONDS);
  }

  private static String millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }

  /** The connection could not be made. */
  void onConnectFailed(Throwable cause) {
    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
      fail(ErrorKind.TIMEOUT, "connect to " + endpoint.baseUrl() + " timed out");
    } else {
      fail(
          ErrorKind.CONNECTION, "connect to " + endpoint.baseUrl() + " failed: " + describe(cause));
    }
  }

  void onWriteFailed(Throwable cause) {
    fail(ErrorKind.CONNECTION, "writing the request failed: " + describe(cause));
  }

  void onHeaders(HttpResponse response, long nanos) {
    if (done) {
      return;
    }
    headersNanos = nanos;
    status = response.status().code();
    cancel(firstByteTimer);
    String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    eventStream =
        status >= 200
            && status < 300
            && type != null
            && type.regionMatches(true, 0, "text/event-stream", 0, 17);
    if (!eventStream) {
      bodyBuffer = handler.channel().alloc().buffer(Math.min(limits.maxBodyBytes(), 4096));
    }
  }

  void onEvent(SseEvent event) {
    if (done) {
      return;
    }
    if (event.isDone()) {
      completedNanos = event.decodedNanos();
      finish(true, null, null, Fate.REUSE_AFTER_BODY);
      return;
    }
    if (event.isError()) {
      fail(ErrorKind.PROTOCOL, "SSE error event: " + bound(event.dataAsString()));
      return;
    }
    try {
      parser.parse(event.data(), 0, event.length(), chunk);
    } catch (IOException e) {
      fail(
          ErrorKind.PROTOCOL,
          "malformed chunk after "
              + events
              + " content events: "
              + e.getMessage()
              + " in: "
              + bound(event.dataAsString()));
      return;
    }
    if (chunk.error() != null) {
      fail(ErrorKind.PROTOCOL, "error in stream: " + bound(chunk.error()));
      return;
    }
    record(chunk, event.decodedNanos());
  }

  private void record(ChatChunk c, long nanos) {
    if (c.carriesTokens()) {
      if (events == eventNanos.length) {
        int n = events * 2;
        eventNanos = Arrays.copyOf(eventNanos, n);
        eventKinds = Arrays.copyOf(eventKinds, n);
        eventChars = Arrays.copyOf(eventChars, n);
        if (eventTextEnd != null) {
          eventTextEnd = Arrays.copyOf(eventTextEnd, n);
        }
      }
      int chars = 0;
      if (c.reasoning() != null) {
        reasoning.append(c.reasoning());
        chars += c.reasoning().length();
      }
      if (c.content() != null) {
        content.append(c.content());
        chars += c.content().length();
      }
      if (content.length() + reasoning.length() > limits.maxBodyBytes()) {
        fail(ErrorKind.PROTOCOL, "response text exceeds " + limits.maxBodyBytes() + " chars");
        return;
      }
      eventNanos[events] = nanos;
      boolean isReasoning = c.reasoning() != null;
      eventKinds[events] = isReasoning ? TurnOutcome.REASONING : TurnOutcome.CONTENT;
      eventChars[events] = chars;
      if (eventText != null) {
        if (c.reasoning() != null) {
          eventText.append(c.reasoning());
        }
        if (c.content() != null) {
          eventText.append(c.content());
        }
        eventTextEnd[events] = eventText.length();
      }
      if (isReasoning) {
        reasoningEvents++;
      }
      events++;
    }
    if (c.finishReason() != null) {
      finishReason = c.finishReason();
    }
    if (c.hasUsage()) {
      promptTokens = c.promptTokens();
      completionTokens = c.completionTokens();
      reasoningTokens = c.reasoningTokens();
      cachedTokens = c.cachedTokens();
    }
  }

  /** Body bytes of a response that is not an event stream (kept up to the bound). */
  void onBody(ByteBuf part) {
    if (done || bodyBuffer == null) {
      return;
    }
    int room = limits.maxBodyBytes() - bodyBuffer.readableBytes();
    if (part.readableBytes() > room) {
      if (status >= 200 && status < 300) {
        fail(ErrorKind.PROTOCOL, "response body exceeds " + limits.maxBodyBytes() + " bytes");
        return;
      }
      bodyBuffer.writeBytes(part, part.readerIndex(), Math.max(0, room));
    } else {
      bodyBuffer.writeBytes(part, part.readerIndex(), part.readableBytes());
    }
  }

  /** The response body ended. */
  void onEnd(long nanos) {
    if (done) {
      return;
    }
    if (status < 200 || status >= 300) {
      String text = bodyText();
      finish(
          false,
          ErrorKind.HTTP_STATUS,
          "HTTP " + status + ": " + bound(errorMessageOf(text)),
          Fate.REUSE);
      return;
    }
    completedNanos = nanos;
    if (eventStream) {
      if (finishReason != null) {
        finish(true, null, null, Fate.REUSE); // no [DONE], but the stream said it finished
      } else {
        finish(
            false,
            ErrorKind.PROTOCOL,
            "stream ended after " + events + " content events without [DONE] or a finish reason",
            Fate.REUSE);
      }
      return;
    }
    byte[] bytes = new byte[bodyBuffer.readableBytes()];
    bodyBuffer.getBytes(bodyBuffer.readerIndex(), bytes);
    try {
      parser.parse(bytes, chunk);
    } catch (IOException e) {
      finish(false, ErrorKind.PROTOCOL, "malformed response body: " + e.getMessage(), Fate.REUSE);
      return;
    }
    if (chunk.error() != null) {
      finish(false, ErrorKind.PROTOCOL, "error in response: " + bound(chunk.error()), Fate.REUSE);
      return;
    }
    record(chunk, nanos);
    if (!done) {
      finish(true, null, null, Fate.REUSE);
    }
  }

  /** The connection closed before the response ended. */
  void onClosed() {
    if (!done) {
      fail(
          ErrorKind.CONNECTION,
          "connection closed "
              + (headersNanos == TurnOutcome.NONE
                  ? "before the response headers"
                  : "after " + events + " content events"));
    }
  }

  /** Something failed on the channel: the decoders, TLS, the socket. */
  void onError(Throwable cause) {
    if (done) {
      return;
    }
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
      fail(ErrorKind.CONNECTION, "TLS: " + describe(tls));
    } else if (cause instanceof DecoderException) {
      fail(ErrorKind.PROTOCOL, describe(cause));
    } else if (cause instanceof IOException || cause instanceof ClosedChannelException) {
      fail(ErrorKind.CONNECTION, describe(cause));
    } else {
      fail(ErrorKind.OTHER, describe(cause));
    }
  }

  /** Abandons the exchange (shutdown deadline, partition revoked, run aborted). */
  public void cancel(String reason) {
    fail(ErrorKind.CANCELLED, reason);
  }

  // ---- ending ----

  private void fail(ErrorKind kind, String message) {
    finish(false, kind, message, Fate.CLOSE);
  }

  private void finish(boolean success, ErrorKind kind, String message, Fate fate) {
    if (done) {
      return;
    }
    done = true;
    long now = System.nanoTime();
    cancel(firstByteTimer);
    cancel(requestTimer);
    if (bodyBuffer != null) {
      bodyBuffer.release();
      bodyBuffer = null;
    }
    TurnOutcome outcome =
        new TurnOutcome(
            requestId,
            turnIndex,
            endpoint,
            intendedNanos,
            sentNanos,
            headersNanos,
            completedNanos,
            success && completedNanos != TurnOutcome.NONE ? completedNanos : now,
            events,
            Arrays.copyOf(eventNanos, events),
            Arrays.copyOf(eventKinds, events),
            Arrays.copyOf(eventChars, events),
            eventText == null ? null : eventText.toString(),
            eventTextEnd == null ? null : Arrays.copyOf(eventTextEnd, events),
            reasoningEvents,
            content.toString(),
            reasoning.toString(),
            promptTokens,
            completionTokens,
            reasoningTokens,
            cachedTokens,
            finishReason,
            success,
            kind,
            status,
            message == null ? null : bound(message));
    if (handler != null) {
      handler.exchangeEnded(this, fate);
    }
    listener.onDone(outcome);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private String bodyText() {
    if (bodyBuffer == null) {
      return "";
    }
    return bodyBuffer.toString(StandardCharsets.UTF_8);
  }

  /** The message of an OpenAI-style error body, or the body itself. */
  private String errorMessageOf(String text) {
    if (text.isBlank()) {
      return "(empty body)";
    }
    try {
      parser.parse(text.getBytes(StandardCharsets.UTF_8), chunk);
      if (chunk.error() != null) {
        return chunk.error();
      }
    } catch (IOException e) {
      // not JSON: the body is the message
      return text.strip();
    }
    return text.strip();
  }

  static String bound(String text) {
    return text.length() <= ERROR_MESSAGE_MAX
        ? text
        : text.substring(0, ERROR_MESSAGE_MAX) + "... (" + text.length() + " chars)";
  }

  private static String describe(Throwable cause) {
    String name = cause.getClass().getSimpleName();
    if (cause instanceof ConnectException && cause.getMessage() != null) {
      return cause.getMessage();
    }
    return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
  }
}
