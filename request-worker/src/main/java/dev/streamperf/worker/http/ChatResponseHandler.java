package dev.streamperf.worker.http;

import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.sse.SseEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logic end of one connection's pipeline: writes an {@link Exchange}'s request, feeds it the
 * response headers, SSE events and body as they are decoded, and afterwards returns the connection
 * to its pool or closes it. One exchange at a time (HTTP/1.1 without pipelining).
 */
final class ChatResponseHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ChatResponseHandler.class);

  private final ConnectionPool pool;
  private final HttpHeaders baseHeaders;
  private Channel channel;
  private Exchange current;
  private boolean awaitingEnd;
  private boolean closeAfterResponse;
  private long idleSinceNanos;
  private long keepAliveNanos = Long.MAX_VALUE;

  /**
   * @param pool where the connection goes back when it can carry another request
   * @param baseHeaders headers of every request on this endpoint (Host, auth, custom headers)
   */
  ChatResponseHandler(ConnectionPool pool, HttpHeaders baseHeaders) {
    this.pool = pool;
    this.baseHeaders = baseHeaders;
  }

  Channel channel() {
    return channel;
  }

  Endpoint endpoint() {
    return pool.endpoint();
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  /** The idle time after which the server is known to close a kept-alive connection. */
  long keepAliveNanos() {
    return keepAliveNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  /** Writes the exchange's request. On the event loop; the connection is idle. */
  void start(Exchange exchange) {
    current = exchange;
    awaitingEnd = false;
    closeAfterResponse = false;
    byte[] body = exchange.body();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            pool.endpoint().path(),
            Unpooled.wrappedBuffer(body));
    HttpHeaders headers = request.headers();
    headers.set(baseHeaders);
    headers.set(
        HttpHeaderNames.ACCEPT,
        exchange.stream() ? "text/event-stream" : HttpHeaderValues.APPLICATION_JSON);
    headers.set("X-Request-Id", exchange.requestId());
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    exchange.onWriting(this, System.nanoTime());
    channel
        .writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess() && current == exchange) {
                exchange.onWriteFailed(f.cause());
              }
            });
  }

  /** The exchange has ended; decide what happens to the connection. */
  void exchangeEnded(Exchange exchange, Exchange.Fate fate) {
    if (current != exchange) {
      return;
    }
    current = null;
    switch (fate) {
      case REUSE -> releaseOrClose();
      case REUSE_AFTER_BODY -> awaitingEnd = true;
      case CLOSE -> channel.close();
    }
  }

  /** A fresh connection whose request was cancelled while connecting: keep it for the next. */
  void releaseUnused() {
    releaseOrClose();
  }

  private void releaseOrClose() {
    if (closeAfterResponse || !channel.isActive()) {
      channel.close();
    } else {
      idleSinceNanos = System.nanoTime();
      pool.release(this);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SseEvent event) {
        if (current != null) {
          current.onEvent(event);
        }
      } else if (msg instanceof HttpResponse response) {
        closeAfterResponse = !HttpUtil.isKeepAlive(response);
        keepAliveNanos = keepAliveTimeout(response.headers());
        if (current != null) {
          current.onHeaders(response, System.nanoTime());
        } else if (!awaitingEnd) {
          log.debug("{}: response without a request; closing", channel);
          channel.close();
        }
      }
      if (msg instanceof HttpContent content) {
        Exchange exchange = current;
        if (exchange != null && content.content().isReadable()) {
          exchange.onBody(content.content());
        }
        if (msg instanceof LastHttpContent) {
          if (exchange != null) {
            exchange.onEnd(System.nanoTime());
          } else if (awaitingEnd) {
            awaitingEnd = false;
            releaseOrClose();
          }
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** {@code Keep-Alive: timeout=N} as nanoseconds less a second of margin; MAX_VALUE if absent. */
  private static long keepAliveTimeout(HttpHeaders headers) {
    String value = headers.get("Keep-Alive");
    if (value == null) {
      return Long.MAX_VALUE;
    }
    for (String param : value.split(",")) {
      String p = param.trim();
      if (p.startsWith("timeout=")) {
        try {
          long seconds = Long.parseLong(p.substring(8).trim());
          return TimeUnit.SECONDS.toNanos(Math.max(0, seconds - 1));
        } catch (NumberFormatException e) {
          return Long.MAX_VALUE;
        }
      }
    }
    return Long.MAX_VALUE;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    pool.opened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pool.closed(this);
    Exchange exchange = current;
    current = null;
    if (exchange != null) {
      exchange.onClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange exchange = current;
    if (exchange != null) {
      exchange.onError(cause); // ends it; the exchange's fate closes the channel
    } else {
      log.debug("{}: {} on an idle connection; closing", channel, cause.toString());
      channel.close();
    }
  }
}
