package dev.streamperf.simulator;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/** The pipeline of one client connection: HTTP/1.1 codec, body aggregation, the handler. */
final class SimulatorInitializer extends ChannelInitializer<SocketChannel> {

  /** The name of the handler below the HTTP codec through which framed chunks are written. */
  static final String RAW = "raw";

  private final SimulatorConfig config;
  private final ChatCompletions chat;
  private final SimulatorMetrics metrics;
  private final byte[] models;

  SimulatorInitializer(
      SimulatorConfig config, ChatCompletions chat, SimulatorMetrics metrics, byte[] models) {
    this.config = config;
    this.chat = chat;
    this.metrics = metrics;
    this.models = models;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline pipeline = ch.pipeline();
    pipeline.addLast(RAW, RawOut.INSTANCE);
    pipeline.addLast("http", new HttpServerCodec(4096, 16 * 1024, 64 * 1024));
    pipeline.addLast("aggregate", new Aggregator(config.maxRequestBytes(), metrics));
    pipeline.addLast("handler", new HttpHandler(config, chat, metrics, models));
  }

  /** Passes writes through; its context is where pre-framed chunks enter the pipeline. */
  @ChannelHandler.Sharable
  private static final class RawOut extends ChannelOutboundHandlerAdapter {
    static final RawOut INSTANCE = new RawOut();
  }

  /** Aggregates request bodies; answers an oversized one with an OpenAI-style 413 and closes. */
  private static final class Aggregator extends HttpObjectAggregator {
    private final int maxBytes;
    private final SimulatorMetrics metrics;

    Aggregator(int maxBytes, SimulatorMetrics metrics) {
      super(maxBytes);
      this.maxBytes = maxBytes;
      this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ApiError error = ApiError.tooLarge(maxBytes);
      metrics.error(error.metricKind());
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, error.status(), Unpooled.wrappedBuffer(error.body()));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
