package dev.streamperf.metrics;

import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The metrics app's configuration: immutable, every value checked where it is made. Build with
 * {@link #builder(ClusterConfig)}; every setter names the parameter and the value it refuses.
 *
 * <pre>{@code
 * MetricsConfig config = MetricsConfig.builder(cluster)
 *     .window(Duration.ofSeconds(10))
 *     .grace(Duration.ofSeconds(30))
 *     .goodput(GoodputSlos.parse("time_to_first_token:200 inter_token_latency:20"))
 *     .httpPort(0)
 *     .build();
 * }</pre>
 */
public final class MetricsConfig {

  public static final String DEFAULT_APPLICATION_ID = "streamperf-metrics";
  public static final int DEFAULT_STREAM_THREADS = 1;
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_COMPLETION_GRACE = Duration.ofMinutes(2);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STARTUP_GRACE = Duration.ofSeconds(30);

  /** The Streams config key that carries {@link #startupGrace()} to the processors. */
  public static final String STARTUP_GRACE_MS_CONFIG = "streamperf.metrics.startup.grace.ms";

  public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RUN_RETENTION = Duration.ofHours(1);
  public static final String DEFAULT_HTTP_HOST = "0.0.0.0";

  /** {@link #httpPort()} value that starts no HTTP server. */
  public static final int NO_HTTP = -1;

  private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]+");

  private final ClusterConfig cluster;
  private final String applicationId;
  private final int streamThreads;
  private final Path stateDir;
  private final Duration commitInterval;
  private final Duration window;
  private final Duration grace;
  private final Duration completionGrace;
  private final Duration idleTimeout;
  private final Duration startupGrace;
  private final Duration dedupRetention;
  private final Duration runRetention;
  private final GoodputSlos goodput;
  private final boolean awaitScores;
  private final String httpHost;
  private final int httpPort;
  private final int inputSources;
  private final int partialsPartitions;
  private final MicrosClock clock;

  private MetricsConfig(Builder b) {
    this.cluster = b.cluster;
    this.applicationId = b.applicationId;
    this.streamThreads = b.streamThreads;
    this.stateDir = b.stateDir;
    this.commitInterval = b.commitInterval;
    this.window = b.window;
    this.grace = b.grace;
    this.completionGrace = b.completionGrace;
    this.idleTimeout = b.idleTimeout;
    this.startupGrace = b.startupGrace;
    this.dedupRetention = b.dedupRetention;
    this.runRetention = b.runRetention;
    this.goodput = b.goodput;
    this.awaitScores = b.awaitScores;
    this.httpHost = b.httpHost;
    this.httpPort = b.httpPort;
    this.inputSources = b.inputSources;
    this.partialsPartitions = b.partialsPartitions;
    this.clock = b.clock;
  }

  /** A builder with every default on a cluster. */
  public static Builder builder(ClusterConfig cluster) {
    return new Builder(cluster);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Where the topics and the registry are. */
  public ClusterConfig cluster() {
    return cluster;
  }

  /**
   * Kafka Streams {@code application.id}: the consumer group, the prefix of internal topics and
   * transactional ids. Instances with the same id share the aggregation.
   */
  public String applicationId() {
    return applicationId;
  }

  public int streamThreads() {
    return streamThreads;
  }

  /** Kafka Streams {@code state.dir}; null for a temporary directory removed on close. */
  public Path stateDir() {
    return stateDir;
  }

  /**
   * How often transactions commit. Each commit flushes the per-partition partial aggregates
   * downstream, so it bounds how stale a window's inputs can be.
   */
  public Duration commitInterval() {
    return commitInterval;
  }

  /** Tumbling event-time window size. */
  public Duration window() {
    return window;
  }

  /**
   * How long after a window's end records of it are still accepted. Token events become visible
   * when the worker commits their request, so a grace shorter than the longest request makes its
   * early chunks late (counted in the run totals, not in their window).
   */
  public Duration grace() {
    return grace;
  }

  /**
   * How long a produced run waits for missing results (and scores) after the last one arrived; then
   * it finishes anyway and says how many are missing.
   */
  public Duration completionGrace() {
    return completionGrace;
  }

  /**
   * After this long without records of a run, a partition no longer holds the run's windows open;
   * when every partition is idle, windows close by the wall clock.
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long a partition that has not processed a record since this instance started still holds
   * windows and completions open: it may hold a backlog it has not been handed yet. A profile on a
   * fresh embedded broker, whose topics are empty at start, sets it short.
   */
  public Duration startupGrace() {
    return startupGrace;
  }

  /** How long a request id is remembered to recognise a duplicate result or score. */
  public Duration dedupRetention() {
    return dedupRetention;
  }

  /** How long a finished run stays queryable (summary, /metrics) before its state is removed. */
  public Duration runRetention() {
    return runRetention;
  }

  public GoodputSlos goodput() {
    return goodput;
  }

  /**
   * Whether a run waits for a score of every successful result that carries a reference before it
   * finishes (within the completion grace).
   */
  public boolean awaitScores() {
    return awaitScores;
  }

  /** Address the HTTP server binds. */
  public String httpHost() {
    return httpHost;
  }

  /** HTTP port of /metrics and /runs: 0 for a free port, {@link #NO_HTTP} for no server. */
  public int httpPort() {
    return httpPort;
  }

  /**
   * Tasks of the per-partition stage: one per token-events partition plus one per results (and
   * scores) partition. Windows stay open until every one of them has reported its progress. 0 to
   * not wait for any; {@link MetricsApp} sets it from the cluster when it starts.
   */
  public int inputSources() {
    return inputSources;
  }

  /**
   * Partitions of both internal partials topics, which must match so that a run's partials from
   * token events and from results meet in one per-run task; 0 lets Kafka Streams take the upstream
   * count (the test driver). {@link MetricsApp} sets it to the most partitions of the input topics.
   */
  public int partialsPartitions() {
    return partialsPartitions;
  }

  /** Source of emitted and finished timestamps. */
  public MicrosClock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "MetricsConfig{applicationId="
        + applicationId
        + ", threads="
        + streamThreads
        + ", window="
        + window
        + ", grace="
        + grace
        + ", completionGrace="
        + completionGrace
        + ", goodput="
        + goodput
        + ", awaitScores="
        + awaitScores
        + ", http="
        + httpHost
        + ":"
        + httpPort
        + "}";
  }

  /** Builds a {@link MetricsConfig}; every setter checks its argument. */
  public static final class Builder {
    private ClusterConfig cluster;
    private String applicationId = DEFAULT_APPLICATION_ID;
    private int streamThreads = DEFAULT_STREAM_THREADS;
    private Path stateDir;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private Duration window = DEFAULT_WINDOW;
    private Duration grace = DEFAULT_GRACE;
    private Duration completionGrace = DEFAULT_COMPLETION_GRACE;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration startupGrace = DEFAULT_STARTUP_GRACE;
    private Duration dedupRetention = DEFAULT_DEDUP_RETENTION;
    private Duration runRetention = DEFAULT_RUN_RETENTION;
    private GoodputSlos goodput = GoodputSlos.none();
    private boolean awaitScores = true;
    private String httpHost = DEFAULT_HTTP_HOST;
    private int httpPort = 0;
    private int inputSources = 0;
    private int partialsPartitions = 0;
    private MicrosClock clock = MicrosClock.system();

    private Builder(ClusterConfig cluster) {
      cluster(cluster);
    }

    private Builder(MetricsConfig c) {
      cluster = c.cluster;
      applicationId = c.applicationId;
      streamThreads = c.streamThreads;
      stateDir = c.stateDir;
      commitInterval = c.commitInterval;
      window = c.window;
      grace = c.grace;
      completionGrace = c.completionGrace;
      idleTimeout = c.idleTimeout;
      startupGrace = c.startupGrace;
      dedupRetention = c.dedupRetention;
      runRetention = c.runRetention;
      goodput = c.goodput;
      awaitScores = c.awaitScores;
      httpHost = c.httpHost;
      httpPort = c.httpPort;
      inputSources = c.inputSources;
      partialsPartitions = c.partialsPartitions;
      clock = c.clock;
    }

    public Builder cluster(ClusterConfig value) {
      this.cluster = Objects.requireNonNull(value, "metrics cluster");
      return this;
    }

    public Builder applicationId(String value) {
      if (value == null || !LEGAL_ID.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "metrics application id: '" + value + "' (expected: letters, digits, '.', '_' or '-')");
      }
      this.applicationId = value;
      return this;
    }

    public Builder streamThreads(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("metrics stream threads: " + value + " (expected: > 0)");
      }
      this.streamThreads = value;
      return this;
    }

    /** null for a temporary directory. */
    public Builder stateDir(Path value) {
      this.stateDir = value;
      return this;
    }

    public Builder commitInterval(Duration value) {
      this.commitInterval = positive("metrics commit interval", value);
      return this;
    }

    /** At least 100 ms, whole milliseconds. */
    public Builder window(Duration value) {
      positive("metrics window", value);
      if (value.toMillis() < 100 || value.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "metrics window: " + value + " (expected: whole milliseconds, at least PT0.1S)");
      }
      this.window = value;
      return this;
    }

    public Builder grace(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("metrics grace: " + value + " (expected: >= 0)");
      }
      this.grace = value;
      return this;
    }

    public Builder completionGrace(Duration value) {
      this.completionGrace = positive("completion grace", value);
      return this;
    }

    public Builder idleTimeout(Duration value) {
      this.idleTimeout = positive("metrics idle timeout", value);
      return this;
    }

    public Builder startupGrace(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("metrics startup grace: " + value + " (expected: >= 0)");
      }
      this.startupGrace = value;
      return this;
    }

    public Builder dedupRetention(Duration value) {
      positive("dedup retention", value);
      if (value.toMillis() < 1_000) {
        throw new IllegalArgumentException(
            "dedup retention: " + value + " (expected: at least PT1S)");
      }
      this.dedupRetention = value;
      return this;
    }

    public Builder runRetention(Duration value) {
      this.runRetention = positive("run retention", value);
      return this;
    }

    public Builder goodput(GoodputSlos value) {
      this.goodput = Objects.requireNonNull(value, "goodput");
      return this;
    }

    public Builder awaitScores(boolean value) {
      this.awaitScores = value;
      return this;
    }

    public Builder httpHost(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            "metrics http host: '" + value + "' (expected: an address to bind, e.g. 0.0.0.0)");
      }
      this.httpHost = value;
      return this;
    }

    /** 0 for a free port, -1 for no HTTP server. */
    public Builder httpPort(int value) {
      if (value < NO_HTTP || value > 65_535) {
        throw new IllegalArgumentException(
            "metrics http port: " + value + " (expected: 0 for a free port, 1..65535, or -1)");
      }
      this.httpPort = value;
      return this;
    }

    /** 0 to not wait for any input task's first report. */
    public Builder inputSources(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("input sources: " + value + " (expected: >= 0)");
      }
      this.inputSources = value;
      return this;
    }

    /** 0 to let Kafka Streams size the partials topics from their upstream topics. */
    public Builder partialsPartitions(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("partials partitions: " + value + " (expected: >= 0)");
      }
      this.partialsPartitions = value;
      return this;
    }

    public Builder clock(MicrosClock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public MetricsConfig build() {
      return new MetricsConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
