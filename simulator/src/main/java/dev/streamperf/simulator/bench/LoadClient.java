package dev.streamperf.simulator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark's load generator, run as its own JVM so its sockets do not count against the
 * simulator process's file limit: N keep-alive connections, each streaming one chat completion
 * after another (closed loop), counting the SSE events and tokens that arrive. It reports on
 * stdout, one line each: {@code connected N}, {@code measure-start}, then {@code measure-end JSON}.
 *
 * <p>Each response is {@code max_tokens} tokens with {@code ignore_eos}, one token per chunk, so
 * event k of a response (0 = the role event) carries a token exactly when 1 <= k <= max_tokens.
 */
public final class LoadClient {

  private final String host;
  private final int port;
  private final int streams;
  private final int maxTokens;
  private final byte[] body;
  private final LongAdder tokens = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();

  LoadClient(String host, int port, int streams, int maxTokens, String model) {
    this.host = host;
    this.port = port;
    this.streams = streams;
    this.maxTokens = maxTokens;
    ObjectNode request = new ObjectMapper().createObjectNode();
    request.put("model", model);
    request.putArray("messages").addObject().put("role", "user").put("content", "Benchmark.");
    request.put("stream", true);
    request.put("max_tokens", maxTokens);
    request.put("ignore_eos", true);
    this.body = request.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code LoadClient HOST PORT STREAMS MAX_TOKENS MODEL RAMP_S WARMUP_S MEASURE_S THREADS}: the
   * first requests are spread over RAMP_S seconds, the window starts WARMUP_S after connecting.
   *
   * @throws IllegalArgumentException on a wrong argument count or number
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 9) {
      throw new IllegalArgumentException(
          "usage: LoadClient HOST PORT STREAMS MAX_TOKENS MODEL RAMP_S WARMUP_S MEASURE_S THREADS");
    }
    LoadClient client =
        new LoadClient(
            args[0],
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            args[4]);
    client.run(
        Double.parseDouble(args[5]),
        Double.parseDouble(args[6]),
        Double.parseDouble(args[7]),
        Integer.parseInt(args[8]),
        System.out);
  }

  void run(
      double rampSeconds, double warmupSeconds, double measureSeconds, int threads, PrintStream out)
      throws InterruptedException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            threads,
            new DefaultThreadFactory("streamperf-bench-client", true),
            NioIoHandler.newFactory());
    try {
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new HttpClientCodec()).addLast(new StreamHandler());
                    }
                  });
      List<Channel> channels = new ArrayList<>(streams);
      int batch = 500; // stay under the listen backlog
      for (int start = 0; start < streams; start += batch) {
        List<ChannelFuture> connects = new ArrayList<>();
        for (int i = start; i < Math.min(streams, start + batch); i++) {
          connects.add(bootstrap.connect(host, port));
        }
        for (ChannelFuture f : connects) {
          f.awaitUninterruptibly();
          if (f.isSuccess()) {
            channels.add(f.channel());
          } else {
            errors.increment();
          }
        }
      }
      // Stagger the first requests over one response time: streams that all started together
      // would have every chunk due at the same instants, a burst no server writes in 1 ms.
      long rampNanos = (long) (rampSeconds * 1e9);
      for (int i = 0; i < channels.size(); i++) {
        Channel channel = channels.get(i);
        channel
            .eventLoop()
            .schedule(() -> send(channel), rampNanos * i / channels.size(), TimeUnit.NANOSECONDS);
      }
      out.println("connected " + channels.size());
      out.flush();
      Thread.sleep((long) (warmupSeconds * 1000));

      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      long tokens0 = tokens.sum();
      long events0 = events.sum();
      long completed0 = completed.sum();
      long errors0 = errors.sum();
      out.println("measure-start");
      out.flush();
      long inFlightSum = 0;
      int samples = 0;
      long until = t0 + (long) (measureSeconds * 1e9);
      while (System.nanoTime() < until) {
        Thread.sleep(100);
        inFlightSum += inFlight.get();
        samples++;
      }
      long t1 = System.nanoTime();
      ObjectNode result = new ObjectMapper().createObjectNode();
      result.put("connections", channels.size());
      result.put("windowNanos", t1 - t0);
      result.put("tokens", tokens.sum() - tokens0);
      result.put("events", events.sum() - events0);
      result.put("responses", completed.sum() - completed0);
      result.put("errors", errors.sum() - errors0);
      result.put("meanInFlight", samples == 0 ? 0 : (double) inFlightSum / samples);
      result.put("cpuNanos", processCpuNanos() - cpu0);
      out.println("measure-end " + result);
      out.flush();
      for (Channel channel : channels) {
        channel.close();
      }
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void send(Channel channel) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/v1/chat/completions",
            Unpooled.wrappedBuffer(body));
    request
        .headers()
        .set(HttpHeaderNames.HOST, host)
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    inFlight.incrementAndGet();
    channel.writeAndFlush(request, channel.voidPromise());
  }

  /** Counts events ("\n\n") of one connection's responses and sends the next on each end. */
  private final class StreamHandler extends SimpleChannelInboundHandler<HttpObject>
      implements ByteProcessor {
    private boolean lastWasNewline;
    private int eventInResponse;
    private long tokensSeen;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response && response.status().code() != 200) {
        errors.increment();
      }
      if (msg instanceof HttpContent content) {
        ByteBuf buf = content.content();
        tokensSeen = 0;
        buf.forEachByte(this);
        tokens.add(tokensSeen);
        if (msg instanceof LastHttpContent) {
          inFlight.decrementAndGet();
          completed.increment();
          eventInResponse = 0;
          lastWasNewline = false;
          send(ctx.channel());
        }
      }
    }

    @Override
    public boolean process(byte value) {
      if (value == '\n') {
        if (lastWasNewline) {
          events.increment();
          if (eventInResponse >= 1 && eventInResponse <= maxTokens) {
            tokensSeen++;
          }
          eventInResponse++;
          lastWasNewline = false;
        } else {
          lastWasNewline = true;
        }
      } else {
        lastWasNewline = false;
      }
      return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.increment();
      ctx.close();
    }
  }
}
