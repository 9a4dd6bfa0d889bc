package dev.streamperf.worker.http;

import dev.streamperf.worker.sse.SseDecoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of one connection, nothing else: TLS when the endpoint asks for it, the HTTP/1.1
 * codec (partial chunks passed on as they arrive, so events are not held back), the bounded SSE
 * decoder, and the response handler.
 */
final class ChatClientInitializer extends ChannelInitializer<SocketChannel> {

  private final SslContext sslContext;
  private final int maxEventBytes;
  private final ChatResponseHandler handler;

  /**
   * @param sslContext the client TLS context, or null for plain HTTP
   */
  ChatClientInitializer(SslContext sslContext, int maxEventBytes, ChatResponseHandler handler) {
    this.sslContext = sslContext;
    this.maxEventBytes = maxEventBytes;
    this.handler = handler;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      p.addLast(
          "tls",
          sslContext.newHandler(ch.alloc(), handler.endpoint().host(), handler.endpoint().port()));
    }
    p.addLast(
        "http",
        new HttpClientCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(32_768)
                .setMaxChunkSize(65_536),
            false,
            false));
    p.addLast("sse", new SseDecoder(maxEventBytes));
    p.addLast("handler", handler);
  }
}
