package dev.streamperf.worker.http;

import static dev.streamperf.worker.TestRequests.text;
import static dev.streamperf.worker.TestRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.worker.TestRequests;
import dev.streamperf.worker.WorkerConfig;
import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.session.PreparedSession;
import dev.streamperf.worker.session.SessionExecutor;
import dev.streamperf.worker.session.SessionListener;
import dev.streamperf.worker.session.SessionOutcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS endpoints: trusted by a given certificate, rejected without it, or trusted blindly. */
class TlsIT {

  private static final String SSE =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"secure\"}}]}\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: [DONE]\n\n";

  @TempDir static Path dir;
  private static Path certificate;
  private static EventLoopGroup group;
  private static Channel server;

  @BeforeAll
  static void startHttpsServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    certificate = dir.resolve("server.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "server",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        certificate.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SslContext tls = SslContextBuilder.forServer(keys).build();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(tls.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpRequest request) {
                                FullHttpResponse response =
                                    new DefaultFullHttpResponse(
                                        HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK,
                                        Unpooled.copiedBuffer(SSE, StandardCharsets.UTF_8));
                                response
                                    .headers()
                                    .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                                    .setInt(HttpHeaderNames.CONTENT_LENGTH, SSE.length());
                                ctx.writeAndFlush(response);
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static SessionOutcome call(WorkerConfig.Builder builder) throws Exception {
    String url = "https://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    WorkerConfig config = builder.url(url).workerId("tls").build();
    CompletableFuture<SessionOutcome> done = new CompletableFuture<>();
    try (SessionExecutor executor =
        new SessionExecutor(
            config,
            MicrosClock.system(),
            new WorkerMetrics("tls"),
            new SessionListener() {
              @Override
              public void onStarted(PreparedSession session) {}

              @Override
              public void onCompleted(SessionOutcome outcome) {
                done.complete(outcome);
              }

              @Override
              public void onAbandoned(PreparedSession session, String reason) {
                done.completeExceptionally(new AssertionError(reason));
              }
            })) {
      executor.submit(
          PreparedSession.of(
              TestRequests.single("run", "tls-1", 0, "m", 4, user(text("hi"))), 1, 0, Map.of()));
      return done.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aServerTrustedByTheGivenCertificateAnswers() throws Exception {
    TurnOutcome turn =
        call(WorkerConfig.builder().tlsTrustCertificates(certificate)).turns().get(0);
    assertThat(turn.success()).as(String.valueOf(turn.errorMessage())).isTrue();
    assertThat(turn.content()).isEqualTo("secure");
    assertThat(turn.events()).isEqualTo(1);
  }

  @Test
  void anUntrustedCertificateIsAConnectionError() throws Exception {
    TurnOutcome turn = call(WorkerConfig.builder()).turns().get(0);
    assertThat(turn.success()).isFalse();
    assertThat(turn.errorKind()).isEqualTo(ErrorKind.CONNECTION);
    assertThat(turn.sentNanos()).as("nothing was sent").isEqualTo(TurnOutcome.NONE);
  }

  @Test
  void insecureTrustsAnyCertificate() throws Exception {
    TurnOutcome turn = call(WorkerConfig.builder().tlsInsecure(true)).turns().get(0);
    assertThat(turn.success()).isTrue();
    assertThat(List.of(turn.content())).containsExactly("secure");
  }
}
