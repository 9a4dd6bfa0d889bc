package dev.streamperf.worker.http;

import com.fasterxml.jackson.core.JsonFactory;
import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.WorkerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The Netty HTTP/1.1 client: a group of event loops, and on each loop a bootstrap and a pool of
 * kept-alive connections per endpoint. Work for a request stays on one loop from its first timer to
 * its outcome ({@link LoopClient}), so nothing on the request path takes a lock. Endpoint addresses
 * are resolved once, here, so no DNS lookup ever blocks an event loop.
 */
public final class ChatClient implements AutoCloseable {

  private final WorkerConfig config;
  private final EventLoopGroup group;
  private final SslContext sslContext;
  private final Map<Endpoint, InetSocketAddress> addresses = new HashMap<>();
  private final Map<Endpoint, HttpHeaders> headers = new HashMap<>();
  private final ChunkParser parser = new ChunkParser(new JsonFactory());
  private final List<LoopClient> loops = new ArrayList<>();

  /**
   * Starts the event loops.
   *
   * @throws IllegalArgumentException when an endpoint's host does not resolve or TLS cannot be set
   *     up
   */
  public ChatClient(WorkerConfig config) {
    this.config = config;
    this.sslContext = sslContext(config);
    for (Endpoint endpoint : config.endpoints()) {
      try {
        addresses.put(
            endpoint,
            new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "url: " + endpoint.baseUrl() + " (host " + endpoint.host() + " does not resolve)", e);
      }
      headers.put(endpoint, baseHeaders(config, endpoint));
    }
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("streamperf-worker-io", true),
            NioIoHandler.newFactory());
    for (EventExecutor executor : group) {
      loops.add(new LoopClient((EventLoop) executor));
    }
  }

  private static SslContext sslContext(WorkerConfig config) {
    if (config.endpoints().stream().noneMatch(Endpoint::tls)) {
      return null;
    }
    SslContextBuilder builder = SslContextBuilder.forClient();
    if (config.tlsInsecure()) {
      builder
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm(null);
    } else {
      config.tlsTrustCertificates().ifPresent(pem -> builder.trustManager(pem.toFile()));
      builder.endpointIdentificationAlgorithm("HTTPS");
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "TLS: cannot set up the client context: " + e.getMessage(), e);
    }
  }

  private static HttpHeaders baseHeaders(WorkerConfig config, Endpoint endpoint) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.HOST, endpoint.hostHeader());
    h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    h.set(HttpHeaderNames.USER_AGENT, "streamperf");
    config.apiKey().ifPresent(key -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
    config.headers().forEach(h::set);
    return h;
  }

  /** The event loops' clients, one per loop. */
  public List<LoopClient> loops() {
    return loops;
  }

  public EventLoopGroup group() {
    return group;
  }

  public ChunkParser parser() {
    return parser;
  }

  /** Closes every connection and stops the event loops. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One event loop's side of the client. Every method runs on its loop. */
  public final class LoopClient {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<Endpoint, ConnectionPool> pools = new HashMap<>();
    private final ChatChunk chunk = new ChatChunk();

    LoopClient(EventLoop loop) {
      this.loop = loop;
      this.bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
      long idleNanos = config.poolIdleTimeout().toNanos();
      for (Endpoint endpoint : config.endpoints()) {
        pools.put(endpoint, new ConnectionPool(endpoint, idleNanos));
      }
    }

    public EventLoop eventLoop() {
      return loop;
    }

    /** The loop's reusable chunk holder, for exchanges it runs. */
    public ChatChunk chunk() {
      return chunk;
    }

    /** Connections of this loop, idle or busy. */
    public int openConnections() {
      int n = 0;
      for (ConnectionPool pool : pools.values()) {
        n += pool.open();
      }
      return n;
    }

    /** Sends the exchange on an idle connection, or a new one. On this loop. */
    public void send(Exchange exchange) {
      ConnectionPool pool = pools.get(exchange.endpoint());
      ChatResponseHandler idle = pool.acquire();
      if (idle != null) {
        idle.start(exchange);
        return;
      }
      ChatResponseHandler handler = new ChatResponseHandler(pool, headers.get(exchange.endpoint()));
      ChannelFuture connect =
          bootstrap
              .clone()
              .handler(new ChatClientInitializer(sslContext, config.maxEventBytes(), handler))
              .connect(addresses.get(exchange.endpoint()));
      connect.addListener(
          f -> {
            if (!f.isSuccess()) {
              exchange.onConnectFailed(f.cause());
              return;
            }
            SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
              begin(handler, exchange);
            } else {
              tls.handshakeFuture()
                  .addListener(
                      h -> {
                        if (h.isSuccess()) {
                          begin(handler, exchange);
                        } else {
                          exchange.onConnectFailed(h.cause());
                          connect.channel().close();
                        }
                      });
            }
          });
    }

    private void begin(ChatResponseHandler handler, Exchange exchange) {
      if (exchange.isDone()) {
        // cancelled while connecting: keep the fresh connection for the next request
        handler.releaseUnused();
        return;
      }
      handler.start(exchange);
    }
  }
}
