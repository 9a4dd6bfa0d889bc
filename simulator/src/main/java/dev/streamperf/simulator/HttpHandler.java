package dev.streamperf.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests, answered one at a time in order (pipelined requests wait): {@code POST
 * /v1/chat/completions}, {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics}. {@code
 * /v1} requires the API key when one is configured.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter implements ChatCompletions.Exchange {

  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

  private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
  private static final int MAX_PIPELINED = 16;

  private final SimulatorConfig config;
  private final ChatCompletions chat;
  private final SimulatorMetrics metrics;
  private final byte[] models;
  private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();

  private ChannelHandlerContext ctx;
  private boolean busy;
  private boolean keepAlive;
  private ResponseStream current;

  HttpHandler(
      SimulatorConfig config, ChatCompletions chat, SimulatorMetrics metrics, byte[] models) {
    this.config = config;
    this.chat = chat;
    this.metrics = metrics;
    this.models = models;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    metrics.connectionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    metrics.connectionClosed();
    if (current != null) {
      current.abort();
      current = null;
    }
    FullHttpRequest waiting;
    while ((waiting = pipelined.poll()) != null) {
      waiting.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (busy) {
      if (pipelined.size() >= MAX_PIPELINED) {
        request.release();
        metrics.error("pipeline_overflow");
        ctx.close();
        return;
      }
      pipelined.add(request);
      return;
    }
    handle(request);
  }

  private void handle(FullHttpRequest request) {
    long received = System.nanoTime();
    busy = true;
    keepAlive = HttpUtil.isKeepAlive(request);
    try {
      if (!request.decoderResult().isSuccess()) {
        keepAlive = false;
        error(
            ApiError.badRequest(null, "malformed HTTP request: " + request.decoderResult().cause()),
            null);
        return;
      }
      String uri = request.uri();
      int query = uri.indexOf('?');
      String path = query < 0 ? uri : uri.substring(0, query);
      HttpMethod method = request.method();
      switch (path) {
        case "/health" -> {
          if (method != HttpMethod.GET) {
            error(ApiError.methodNotAllowed(method.name(), path), null);
          } else {
            respond(HttpResponseStatus.OK, null, Unpooled.EMPTY_BUFFER, null);
          }
        }
        case "/metrics" -> {
          if (method != HttpMethod.GET) {
            error(ApiError.methodNotAllowed(method.name(), path), null);
          } else {
            metrics();
          }
        }
        case "/v1/models" -> {
          if (!authorized(request)) {
            error(ApiError.unauthorized(), null);
          } else if (method != HttpMethod.GET) {
            error(ApiError.methodNotAllowed(method.name(), path), null);
          } else {
            respond(
                HttpResponseStatus.OK,
                HttpHeaderValues.APPLICATION_JSON,
                Unpooled.wrappedBuffer(models),
                null);
          }
        }
        case "/v1/chat/completions" -> {
          String requestId = request.headers().get(X_REQUEST_ID);
          if (!authorized(request)) {
            error(ApiError.unauthorized(), requestId);
          } else if (method != HttpMethod.POST) {
            error(ApiError.methodNotAllowed(method.name(), path), requestId);
          } else {
            chat.handle(ctx.channel(), request, keepAlive, requestId, received, this);
          }
        }
        default -> error(ApiError.notFound("no route " + method + " " + path), null);
      }
    } finally {
      request.release();
    }
  }

  private boolean authorized(FullHttpRequest request) {
    if (config.apiKey().isEmpty()) {
      return true;
    }
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    return header != null && header.equals("Bearer " + config.apiKey().get());
  }

  private void metrics() {
    ByteBuf body = ctx.alloc().buffer(8192);
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      metrics.write(out);
    } catch (IOException | RuntimeException e) {
      body.release();
      log.warn("cannot render /metrics", e);
      metrics.error("metrics_failed");
      error(
          new ApiError(
              HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "internal_server_error",
              null,
              "cannot render metrics: " + e,
              "metrics_failed"),
          null);
      return;
    }
    respond(HttpResponseStatus.OK, metrics.contentType(), body, null);
  }

  @Override
  public void error(ApiError error, String requestId) {
    HttpResponseStatus status = error.status();
    if (status.code() == 429 || status.code() == 503) {
      FullHttpResponse response =
          response(
              status,
              HttpHeaderValues.APPLICATION_JSON,
              Unpooled.wrappedBuffer(error.body()),
              requestId);
      response.headers().set(HttpHeaderNames.RETRY_AFTER, config.retryAfter().toSeconds());
      send(response);
    } else {
      respond(
          status,
          HttpHeaderValues.APPLICATION_JSON,
          Unpooled.wrappedBuffer(error.body()),
          requestId);
    }
  }

  private void respond(
      HttpResponseStatus status, CharSequence type, ByteBuf body, String requestId) {
    send(response(status, type, body, requestId));
  }

  private FullHttpResponse response(
      HttpResponseStatus status, CharSequence type, ByteBuf body, String requestId) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (type != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    }
    if (requestId != null) {
      response.headers().set(X_REQUEST_ID, requestId);
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private void send(FullHttpResponse response) {
    ctx.writeAndFlush(response, ctx.voidPromise());
    responseDone(!keepAlive);
  }

  @Override
  public void streaming(ResponseStream stream) {
    current = stream;
  }

  @Override
  public void responseDone(boolean close) {
    current = null;
    busy = false;
    if (close) {
      // closes once everything written before has been flushed
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    FullHttpRequest next = pipelined.poll();
    if (next != null) {
      // after the current call stack unwinds, so a long pipeline does not recurse
      ctx.executor()
          .execute(
              () -> {
                if (ctx.channel().isActive()) {
                  handle(next);
                } else {
                  next.release();
                }
              });
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    metrics.error(cause instanceof IOException ? "io" : "internal");
    log.debug("connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
