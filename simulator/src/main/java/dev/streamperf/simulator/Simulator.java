package dev.streamperf.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.schemas.clock.MicrosClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An OpenAI-compatible chat completions endpoint that streams like vLLM, with a configurable timing
 * model, a batch model, seeded faults and a ground-truth record of every event it wrote. Runs on
 * Netty in this process; {@link #close()} stops it and leaves no thread or port behind.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start(SimulatorConfig.builder().itl(Duration.ofMillis(2)).build())) {
 *   // POST sim.baseUrl() + "/v1/chat/completions" with header X-Request-Id: r-1
 *   RequestTruth truth = sim.groundTruth().await("r-1", Duration.ofSeconds(5)).orElseThrow();
 * }
 * }</pre>
 */
public final class Simulator implements AutoCloseable {

  private final SimulatorConfig config;
  private final EventLoopGroup group;
  private final ThreadTracker threads;
  private final Channel server;
  private final int port;
  private final BatchScheduler scheduler;
  private final SimulatorMetrics metrics;
  private final GroundTruth groundTruth;
  private final GroundTruthLog truthLog;

  private Simulator(
      SimulatorConfig config,
      EventLoopGroup group,
      ThreadTracker threads,
      Channel server,
      BatchScheduler scheduler,
      SimulatorMetrics metrics,
      GroundTruth groundTruth,
      GroundTruthLog truthLog) {
    this.config = config;
    this.group = group;
    this.threads = threads;
    this.server = server;
    this.port = ((InetSocketAddress) server.localAddress()).getPort();
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.groundTruth = groundTruth;
    this.truthLog = truthLog;
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException when the address cannot be bound
   */
  public static Simulator start(SimulatorConfig config) {
    BatchScheduler scheduler = new BatchScheduler(config.maxRunningSequences());
    GroundTruthLog truthLog =
        config.groundTruthLog().map(p -> new GroundTruthLog(p, MicrosClock.system())).orElse(null);
    SimulatorMetrics metrics =
        new SimulatorMetrics(
            config.models().get(0), scheduler, () -> truthLog == null ? 0 : truthLog.dropped());
    GroundTruth groundTruth = new GroundTruth(config.groundTruthRetention());
    PreciseSelect select = new PreciseSelect();
    ChatCompletions chat =
        new ChatCompletions(config, scheduler, metrics, groundTruth, truthLog, select);
    ThreadTracker threads = new ThreadTracker();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads() > 0
                ? config.ioThreads()
                : Runtime.getRuntime().availableProcessors(),
            threads,
            NioIoHandler.newFactory(SelectorProvider.provider(), select));
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 16_384)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // the pooled allocator caches each buffer's NIO view; the adaptive one slices anew
              // on every write
              .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
              .childHandler(new SimulatorInitializer(config, chat, metrics, modelsJson(config)))
              .bind(config.host(), config.port())
              .sync()
              .channel();
      return new Simulator(
          config, group, threads, server, scheduler, metrics, groundTruth, truthLog);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdown(group, threads, truthLog);
      throw new IllegalStateException("interrupted while binding the simulator", e);
    } catch (Exception e) { // BindException and friends, thrown unchecked by sync()
      shutdown(group, threads, truthLog);
      throw new IllegalStateException(
          "simulator: cannot listen on " + config.host() + ":" + config.port() + ": " + e, e);
    }
  }

  private static byte[] modelsJson(SimulatorConfig config) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    long created = System.currentTimeMillis() / 1000;
    for (String model : config.models()) {
      ObjectNode entry = data.addObject();
      entry.put("id", model);
      entry.put("object", "model");
      entry.put("created", created);
      entry.put("owned_by", "streamperf");
      entry.put("root", model);
      entry.putNull("parent");
      entry.put("max_model_len", config.maxModelLen());
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code http://HOST:PORT}; the API is under {@code /v1}. */
  public String baseUrl() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + host + ":" + port;
  }

  /** The port it listens on (the free one taken when the configuration said 0). */
  public int port() {
    return port;
  }

  public SimulatorConfig config() {
    return config;
  }

  /** What it sent, by request id. */
  public GroundTruth groundTruth() {
    return groundTruth;
  }

  /** Counters at this moment. */
  public SimulatorStats stats() {
    return metrics.stats(scheduler);
  }

  /**
   * How late token-carrying chunks (and non-streaming bodies) were written, relative to the instant
   * the timing model intended, in nanoseconds: a copy of everything since start.
   */
  public Histogram emissionLateness() {
    return metrics.lateness();
  }

  /** Stops listening, closes every connection, stops its threads and flushes the side log. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    shutdown(group, threads, truthLog);
  }

  private static void shutdown(
      EventLoopGroup group, ThreadTracker threads, GroundTruthLog truthLog) {
    try {
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      threads.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (truthLog != null) {
        truthLog.close();
      }
    }
  }

  /** Names the event-loop threads and remembers them, so close can wait until they are gone. */
  private static final class ThreadTracker extends DefaultThreadFactory {
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    ThreadTracker() {
      super("streamperf-simulator", true);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
      Thread thread = super.newThread(r, name);
      threads.add(thread);
      return thread;
    }

    void join(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Thread thread : threads) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left > 0) {
          thread.join(left);
        }
      }
    }
  }
}
