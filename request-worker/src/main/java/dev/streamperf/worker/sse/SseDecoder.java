package dev.streamperf.worker.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decodes the body of a {@code text/event-stream} HTTP response into {@link SseEvent}s, following
 * the WHATWG event-stream grammar: lines end with CRLF, LF or CR (also when the CR and LF arrive in
 * different reads); {@code data:} lines of one event are joined with LF; lines starting with {@code
 * :} are comments (keep-alives); {@code event:} sets the type; an empty line dispatches; an event
 * still incomplete when the body ends is discarded.
 *
 * <p>Sits after {@code HttpClientCodec}. An {@link HttpResponse} passes through and decides the
 * mode: a 2xx response with content type {@code text/event-stream} is decoded, anything else (an
 * error body, a non-streaming JSON answer) passes through untouched as {@link HttpContent}. In
 * event-stream mode the body's {@link HttpContent}s are consumed and released, each completed event
 * is fired with the {@link System#nanoTime()} of its completion, and the end of the body is fired
 * as {@link LastHttpContent#EMPTY_LAST_CONTENT}. The event fired is one object per decoder over the
 * decoder's own data buffer, valid during that {@code channelRead} only (see {@link SseEvent}).
 *
 * <p>Bounded like Netty's {@code LineBasedFrameDecoder}: a line longer than {@code maxEventBytes},
 * or an event whose data exceeds it, fires a {@link TooLongSseEventException} and the rest of that
 * response body is discarded. One instance per channel; not thread-safe.
 */
public final class SseDecoder extends ChannelInboundHandlerAdapter {

  private enum Mode {
    PASS_THROUGH,
    EVENT_STREAM,
    DISCARD
  }

  private final int maxEventBytes;

  private Mode mode = Mode.PASS_THROUGH;
  private byte[] line = new byte[256];
  private int lineLength;
  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private String eventType;
  private boolean skipLineFeed;
  private final SseEvent event = new SseEvent(null, new byte[0], 0);

  /**
   * @param maxEventBytes the longest line and the largest event data accepted, in bytes
   */
  public SseDecoder(int maxEventBytes) {
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
    }
    this.maxEventBytes = maxEventBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse response) {
      // A full response (headers and body in one object, as an aggregator makes) passes through.
      mode =
          !(msg instanceof HttpContent) && isEventStream(response)
              ? Mode.EVENT_STREAM
              : Mode.PASS_THROUGH;
      reset();
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpContent content && mode != Mode.PASS_THROUGH) {
      try {
        if (mode == Mode.EVENT_STREAM) {
          decode(ctx, content.content());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (msg instanceof LastHttpContent) {
        mode = Mode.PASS_THROUGH;
        reset();
        ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean isEventStream(HttpResponse response) {
    int status = response.status().code();
    if (status < 200 || status >= 300) {
      return false;
    }
    String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  private void reset() {
    lineLength = 0;
    dataLength = 0;
    hasData = false;
    eventType = null;
    skipLineFeed = false;
  }

  private void decode(ChannelHandlerContext ctx, ByteBuf in) {
    int index = in.readerIndex();
    int end = in.writerIndex();
    if (skipLineFeed && index < end) {
      if (in.getByte(index) == '\n') {
        index++;
      }
      skipLineFeed = false;
    }
    while (index < end && mode == Mode.EVENT_STREAM) {
      int eol = in.forEachByte(index, end - index, ByteProcessor.FIND_CRLF);
      if (eol < 0) {
        appendLine(ctx, in, index, end - index);
        break;
      }
      if (lineLength == 0) {
        if (eol - index > maxEventBytes) {
          tooLong(ctx, "line of " + (eol - index) + " bytes");
          break;
        }
        processLine(ctx, in, index, eol - index);
      } else {
        if (!appendLine(ctx, in, index, eol - index)) {
          break;
        }
        processLine(ctx, line, lineLength);
        lineLength = 0;
      }
      byte terminator = in.getByte(eol);
      index = eol + 1;
      if (terminator == '\r') {
        if (index < end) {
          if (in.getByte(index) == '\n') {
            index++;
          }
        } else {
          skipLineFeed = true;
        }
      }
    }
    in.readerIndex(end);
  }

  private boolean appendLine(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    int needed = lineLength + length;
    if (needed > maxEventBytes) {
      tooLong(ctx, "line of more than " + maxEventBytes + " bytes");
      return false;
    }
    if (needed > line.length) {
      line = Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(needed, line.length * 2)));
    }
    in.getBytes(from, line, lineLength, length);
    lineLength = needed;
    return true;
  }

  private void processLine(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    if (length == 0) {
      dispatch(ctx);
      return;
    }
    byte first = in.getByte(from);
    if (first == ':') {
      return; // comment or keep-alive
    }
    if (startsWith(in, from, length, "data")) {
      int valueFrom = valueStart(in, from + 4, from + length);
      if (valueFrom >= 0) {
        appendData(ctx, in, valueFrom, from + length - valueFrom);
      }
    } else if (startsWith(in, from, length, "event")) {
      int valueFrom = valueStart(in, from + 5, from + length);
      if (valueFrom >= 0) {
        eventType = in.toString(valueFrom, from + length - valueFrom, StandardCharsets.UTF_8);
      }
    }
    // id, retry and unknown fields do not matter to a client that never reconnects.
  }

  private void processLine(ChannelHandlerContext ctx, byte[] bytes, int length) {
    ByteBuf wrapped = Unpooled.wrappedBuffer(bytes, 0, length);
    try {
      processLine(ctx, wrapped, 0, length);
    } finally {
      wrapped.release();
    }
  }

  /** Whether the line's field name is exactly {@code name}: followed by ':' or the line end. */
  private static boolean startsWith(ByteBuf in, int from, int length, String name) {
    int n = name.length();
    if (length < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (in.getByte(from + i) != name.charAt(i)) {
        return false;
      }
    }
    return length == n || in.getByte(from + n) == ':';
  }

  /** Where the value starts after the field name: past ':' and one optional space; -1 if none. */
  private static int valueStart(ByteBuf in, int afterName, int end) {
    if (afterName == end) {
      return end; // "data" alone: an empty value
    }
    int index = afterName + 1; // the ':'
    if (index < end && in.getByte(index) == ' ') {
      index++;
    }
    return index;
  }

  private void appendData(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    int separator = hasData ? 1 : 0;
    int needed = dataLength + separator + length;
    if (needed > maxEventBytes) {
      tooLong(ctx, "event data of more than " + maxEventBytes + " bytes");
      return;
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(needed, data.length * 2)));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    in.getBytes(from, data, dataLength, length);
    dataLength += length;
    hasData = true;
  }

  private void dispatch(ChannelHandlerContext ctx) {
    if (hasData) {
      event.set(eventType, data, dataLength, System.nanoTime());
      dataLength = 0;
      hasData = false;
      eventType = null;
      // The next event's bytes go into the same buffer: the handlers run synchronously in here,
      // and a handler that keeps the event copies it.
      ctx.fireChannelRead(event);
    } else {
      eventType = null;
    }
  }

  private void tooLong(ChannelHandlerContext ctx, String what) {
    mode = Mode.DISCARD;
    reset();
    ctx.fireExceptionCaught(
        new TooLongSseEventException(
            "server-sent event too long: " + what + " (limit " + maxEventBytes + " bytes)"));
  }
}
