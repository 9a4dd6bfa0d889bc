package dev.streamperf.simulator;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Fetches {@code http(s)} media URLs the way a server given {@code image_url: {url: "https://..."}}
 * does, on the requesting connection's own event loop (no extra threads): GET, up to three
 * redirects, a size cap and a deadline. https uses the JDK's TLS and trust store.
 */
final class MediaFetcher {

  private static final int MAX_REDIRECTS = 3;

  private final Duration timeout;
  private final int maxBytes;
  private volatile SslContext ssl;

  MediaFetcher(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  /** The body of a 200 answer; fails with a message fit for a 400 otherwise. */
  CompletableFuture<byte[]> fetch(String url, EventLoop loop) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    try {
      fetch(new URI(url), loop, MAX_REDIRECTS, result);
    } catch (URISyntaxException | IllegalArgumentException e) {
      result.completeExceptionally(new IllegalArgumentException("not a valid URL: " + url));
    }
    return result;
  }

  private void fetch(URI uri, EventLoop loop, int redirects, CompletableFuture<byte[]> result) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean https = scheme.equals("https");
    if (!https && !scheme.equals("http") || uri.getHost() == null) {
      result.completeExceptionally(new IllegalArgumentException("not an http(s) URL: " + uri));
      return;
    }
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    SslContext tls;
    try {
      tls = https ? ssl() : null;
    } catch (SSLException e) {
      result.completeExceptionally(new IllegalArgumentException("TLS unavailable: " + e));
      return;
    }
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                    }
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(maxBytes))
                        .addLast(new ResponseHandler(uri, loop, redirects, result));
                  }
                });
    ChannelFuture connect = bootstrap.connect(host, port);
    Channel channel = connect.channel();
    var deadline =
        loop.schedule(
            () -> {
              if (result.completeExceptionally(
                  new IllegalArgumentException(
                      "fetching " + uri + " took longer than " + timeout.toMillis() + " ms"))) {
                channel.close();
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    result.whenComplete((body, error) -> deadline.cancel(false));
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(
                new IllegalArgumentException("cannot connect to " + uri + ": " + f.cause()));
            return;
          }
          String path =
              uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
          if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
          }
          FullHttpRequest get =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
          get.headers()
              .set(HttpHeaderNames.HOST, uri.getPort() > 0 ? host + ":" + port : host)
              .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
              .set(HttpHeaderNames.USER_AGENT, "streamperf-simulator");
          f.channel().writeAndFlush(get);
        });
  }

  private SslContext ssl() throws SSLException {
    SslContext context = ssl;
    if (context == null) {
      synchronized (this) {
        if (ssl == null) {
          ssl = SslContextBuilder.forClient().build();
        }
        context = ssl;
      }
    }
    return context;
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final URI uri;
    private final EventLoop loop;
    private final int redirects;
    private final CompletableFuture<byte[]> result;
    private boolean answered;

    ResponseHandler(URI uri, EventLoop loop, int redirects, CompletableFuture<byte[]> result) {
      this.uri = uri;
      this.loop = loop;
      this.redirects = redirects;
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      answered = true;
      int code = response.status().code();
      String location = response.headers().get(HttpHeaderNames.LOCATION);
      if (code >= 300 && code < 400 && location != null && redirects > 0) {
        ctx.close();
        fetch(uri.resolve(location), loop, redirects - 1, result);
      } else if (code != 200) {
        result.completeExceptionally(
            new IllegalArgumentException("fetching " + uri + " answered HTTP " + code));
        ctx.close();
      } else {
        result.complete(ByteBufUtil.getBytes(response.content()));
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      String why =
          cause instanceof TooLongFrameException
              ? "larger than " + maxBytes + " bytes"
              : cause.toString();
      result.completeExceptionally(new IllegalArgumentException("fetching " + uri + ": " + why));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!answered) {
        result.completeExceptionally(
            new IllegalArgumentException(
                "fetching " + uri + ": connection closed before a response"));
      }
      ctx.fireChannelInactive();
    }
  }
}
