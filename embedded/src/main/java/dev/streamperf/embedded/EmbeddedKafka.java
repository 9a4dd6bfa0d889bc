package dev.streamperf.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in this JVM, in KRaft combined mode (broker and controller in one
 * node), listening on loopback. Transactions work: the internal topics have replication factor 1.
 * Sized for small machines: few threads, a small log-cleaner buffer, small segments. Any broker
 * property can be set from outside as a system property {@code streamperf.broker.NAME} (for the
 * CLI: {@code STREAMPERF_JAVA_OPTS=-Dstreamperf.broker.log.retention.hours=1}); it wins over the
 * builder's.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int BIND_ATTEMPTS = 3;

  /** System properties named {@code streamperf.broker.NAME} set the broker property NAME. */
  public static final String BROKER_PROPERTY_PREFIX = "streamperf.broker.";

  private final int requestedPort;
  private final int requestedControllerPort;
  private final Path requestedLogDir;
  private final Map<String, String> overrides;

  private KafkaRaftServer server;
  private Path logDir;
  private boolean deleteLogDir;
  private int port;

  private EmbeddedKafka(Builder builder) {
    this.requestedPort = builder.port;
    this.requestedControllerPort = builder.controllerPort;
    this.requestedLogDir = builder.logDir;
    this.overrides = Map.copyOf(builder.overrides);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the log directory if it is new and starts the broker; returns when the broker answers
   * an admin request. With free ports it retries on a port taken in the meantime.
   */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      throw new IllegalStateException("already started on " + bootstrapServers());
    }
    long started = System.nanoTime();
    try {
      if (requestedLogDir == null) {
        logDir = Files.createTempDirectory("streamperf-kafka-");
        deleteLogDir = true;
      } else {
        logDir = Files.createDirectories(requestedLogDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka log directory " + requestedLogDir, e);
    }
    RuntimeException last = null;
    int attempts = requestedPort == 0 || requestedControllerPort == 0 ? BIND_ATTEMPTS : 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      int brokerPort = requestedPort == 0 ? FreePorts.loopback() : requestedPort;
      int controllerPort =
          requestedControllerPort == 0 ? FreePorts.loopback() : requestedControllerPort;
      try {
        startOn(brokerPort, controllerPort);
        log.info(
            "Kafka broker up on {} in {} ms (log dir {})",
            bootstrapServers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            logDir);
        return this;
      } catch (RuntimeException e) {
        last = e;
        stopServer();
        if (attempt < attempts) {
          log.warn(
              "Kafka broker failed to start on port {} ({}); retrying", brokerPort, e.toString());
        }
      }
    }
    deleteLogDirIfTemporary();
    throw new IllegalStateException("Kafka broker failed to start: " + last.getMessage(), last);
  }

  private void startOn(int brokerPort, int controllerPort) {
    Properties props = brokerProperties(brokerPort, controllerPort);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(props);
    }
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    port = brokerPort;
    awaitReady(Duration.ofSeconds(30));
  }

  private Properties brokerProperties(int brokerPort, int controllerPort) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "6");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("message.max.bytes", Integer.toString(17 * 1024 * 1024));
    p.put("socket.request.max.bytes", Integer.toString(64 * 1024 * 1024));
    // The first metadata snapshot makes the raft client keep a second 8 MiB batch buffer in its
    // pool for good (heap after GC +9.5 MB, once; later snapshots reuse it). By default that first
    // snapshot comes after an hour, a step in the middle of a soak; every 5 minutes puts it inside
    // the soak's warm-up. A snapshot of this broker's metadata is a few kilobytes.
    p.put("metadata.log.max.snapshot.interval.ms", Long.toString(TimeUnit.MINUTES.toMillis(5)));
    // A transactional write (a worker's results, its consumed offsets) that reaches this broker
    // while the same producer's previous transaction is still writing its markers is told
    // CONCURRENT_TRANSACTIONS, and the broker retries it itself after this backoff (default 20 ms).
    // Workers commit back to back, so in closed loop many credits meet it. `bench producer --only
    // credits`, same hour: credit gap p99 49.2 ms with 20 ms, 25.2/25.4 ms with 5 ms, 23.0/25.2 ms
    // with 1 ms; 5 ms takes the gain with a fifth of 1 ms's retries.
    p.put("add.partitions.to.txn.retry.backoff.ms", "5");
    // Small segments, so the log cleaner and retention work in small steps from the first minutes
    // instead of once a segment reaches 100 MiB (the coordinators' topics) or 1 GiB (every other
    // topic, the Streams changelogs included). The cleaner only cleans closed segments: in a soak
    // the coordinators' logs closed their first 100 MiB segments at minute 15-27, and the first
    // cleaning then compiled some 800 methods in the middle of the measurement. A compacted
    // changelog also stays small on disk in a days-long run. A
    // batch may not be larger than its segment: log.segment.bytes stays above message.max.bytes
    // (media); the coordinators' topics hold small records only.
    p.put("log.segment.bytes", Integer.toString(32 << 20));
    p.put("offsets.topic.segment.bytes", Integer.toString(8 << 20));
    p.put("transaction.state.log.segment.bytes", Integer.toString(8 << 20));
    p.put("log.retention.check.interval.ms", Long.toString(TimeUnit.MINUTES.toMillis(1)));
    p.putAll(overrides);
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(BROKER_PROPERTY_PREFIX)) {
        p.put(name.substring(BROKER_PROPERTY_PREFIX.length()), System.getProperty(name));
      }
    }
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private void format(Properties props) {
    Path propsFile = logDir.resolve("server-format.properties");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "streamperf embedded broker (used to format the log directory)");
      }
      String clusterId = Uuid.randomUuid().toString();
      int code;
      try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
        code =
            StorageTool.execute(
                new String[] {
                  "format", "-t", clusterId, "-c", propsFile.toString(), "--standalone"
                },
                print);
      }
      if (code != 0) {
        throw new IllegalStateException(
            "formatting "
                + logDir
                + " failed ("
                + code
                + "): "
                + captured.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + propsFile, e);
    } finally {
      try {
        Files.deleteIfExists(propsFile);
      } catch (IOException e) {
        log.debug("cannot delete {}", propsFile, e);
      }
    }
  }

  private void awaitReady(Duration timeout) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) timeout.toMillis());
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the broker", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "broker on " + bootstrapServers() + " did not answer within " + timeout, e);
    }
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public synchronized String bootstrapServers() {
    if (port == 0) {
      throw new IllegalStateException("broker not started");
    }
    return "127.0.0.1:" + port;
  }

  public synchronized int port() {
    return port;
  }

  public synchronized Path logDir() {
    return logDir;
  }

  /** Stops the broker, waits for its threads, and deletes the log directory if it was temporary. */
  @Override
  public synchronized void close() {
    stopServer();
    deleteLogDirIfTemporary();
    port = 0;
  }

  private void stopServer() {
    if (server != null) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException e) {
        log.warn("error stopping the Kafka broker", e);
      }
      server = null;
    }
  }

  private void deleteLogDirIfTemporary() {
    if (deleteLogDir && logDir != null) {
      try (Stream<Path> paths = Files.walk(logDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        log.warn("cannot delete {}", logDir, e);
      }
      logDir = null;
    }
  }

  /** Options of an {@link EmbeddedKafka}; {@link #build()} makes an unstarted broker. */
  public static final class Builder {
    private int port;
    private int controllerPort;
    private Path logDir;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** Broker listener port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder port(int port) {
      this.port = checkPort("port", port);
      return this;
    }

    /** Controller listener port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder controllerPort(int port) {
      this.controllerPort = checkPort("controller port", port);
      return this;
    }

    /** A persistent log directory (formatted on first use); null (default) is a temporary one. */
    public Builder logDir(Path logDir) {
      this.logDir = logDir;
      return this;
    }

    /** A broker property over the defaults, e.g. {@code log.retention.hours}. */
    public Builder property(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public EmbeddedKafka build() {
      return new EmbeddedKafka(this);
    }

    private static int checkPort(String name, int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
      }
      return port;
    }
  }
}
