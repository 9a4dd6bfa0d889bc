package dev.streamperf.metrics;

import dev.streamperf.metrics.http.MetricsApi;
import dev.streamperf.metrics.http.MetricsHttpServer;
import dev.streamperf.metrics.http.PrometheusExporter;
import dev.streamperf.metrics.http.RunOverview;
import dev.streamperf.metrics.http.StreamsHealth;
import dev.streamperf.metrics.streams.MetricsStores;
import dev.streamperf.metrics.streams.RunState;
import dev.streamperf.metrics.streams.RunStoreView;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.topics.TopicCatalog;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics app running: one Kafka Streams instance of {@link MetricsTopology} and, unless the
 * port is {@link MetricsConfig#NO_HTTP}, the HTTP server of /metrics, /runs and /runs/{id}/summary.
 * {@code streamperf metrics} runs one until Ctrl-C; {@code streamperf profile} runs one beside the
 * other components and waits for its run:
 *
 * <pre>{@code
 * try (MetricsApp metrics = new MetricsApp(config).start()) {
 *   ... produce the run ...
 *   RunSummary summary = metrics.awaitFinished(runId, Duration.ofMinutes(5));
 *   ConsoleReport.render(summary, out);
 *   ReportFiles.write(dir.resolve(runId), summary, records);
 * }
 * }</pre>
 */
public final class MetricsApp implements AutoCloseable, MetricsApi {

  private static final Logger log = LoggerFactory.getLogger(MetricsApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);

  private final MetricsConfig config;
  private KafkaStreams streams;
  private MetricsHttpServer http;
  private HostInfo self;
  private Path temporaryStateDir;
  private boolean closed;

  public MetricsApp(MetricsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Checks that the input topics exist, starts the HTTP server and the Streams instance, and
   * returns; {@link #awaitRunning} waits for the partitions to be assigned. A stream thread that
   * dies of an unexpected error stops the instance ({@link #state()} becomes ERROR).
   *
   * @throws IllegalStateException naming a missing topic, or when the cluster cannot be reached
   */
  public synchronized MetricsApp start() {
    if (closed) {
      throw new IllegalStateException("metrics: already closed");
    }
    if (streams != null) {
      throw new IllegalStateException("metrics: already started");
    }
    InputTopics inputs = checkTopics();
    MetricsConfig effective =
        config.toBuilder()
            .inputSources(inputs.tokenEventPartitions() + inputs.resultPartitions())
            .partialsPartitions(Math.max(inputs.tokenEventPartitions(), inputs.resultPartitions()))
            .build();
    if (config.stateDir() == null) {
      try {
        temporaryStateDir = Files.createTempDirectory("streamperf-metrics-");
      } catch (IOException e) {
        throw new UncheckedIOException("metrics: cannot create a state directory", e);
      }
      effective = effective.toBuilder().stateDir(temporaryStateDir).build();
    }
    String applicationServer = null;
    if (config.httpPort() != MetricsConfig.NO_HTTP) {
      http = MetricsHttpServer.start(config.httpHost(), config.httpPort(), this);
      self = new HostInfo(advertisedHost(config.httpHost()), http.port());
      applicationServer = self.host() + ":" + self.port();
    }
    try {
      streams =
          new KafkaStreams(
              MetricsTopology.build(effective),
              MetricsTopology.streamsConfig(effective, applicationServer));
      streams.setUncaughtExceptionHandler(
          e -> {
            log.error("metrics: a stream thread failed; stopping the metrics app", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
      streams.start();
    } catch (RuntimeException e) {
      if (http != null) {
        http.close();
      }
      throw e;
    }
    log.info(
        "metrics {} aggregating {}, {} and {} into {}{}",
        config.applicationId(),
        config.cluster().topics().tokenEvents(),
        config.cluster().topics().results(),
        config.cluster().topics().scores(),
        config.cluster().topics().metrics(),
        http == null ? "" : "; http on port " + http.port());
    return this;
  }

  /**
   * Partitions of the inputs: token events, and results with scores and runs (one sub-topology,
   * whose tasks are the most partitions of the three); each per-partition task reports its
   * progress.
   */
  private record InputTopics(int tokenEventPartitions, int resultPartitions) {}

  /** Checks the topics exist and reads the input topics' partition counts. */
  private InputTopics checkTopics() {
    TopicCatalog t = config.cluster().topics();
    Set<String> needed = Set.of(t.runs(), t.tokenEvents(), t.results(), t.scores(), t.metrics());
    Map<String, TopicDescription> found;
    try (Admin admin = config.cluster().admin()) {
      Set<String> present =
          admin.listTopics().names().get(TOPIC_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<String> missing = needed.stream().filter(n -> !present.contains(n)).sorted().toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "metrics: missing topic(s) "
                + missing
                + " on "
                + config.cluster().bootstrapServers()
                + " (create them with `streamperf topics`)");
      }
      found =
          admin
              .describeTopics(List.of(t.tokenEvents(), t.results(), t.scores(), t.runs()))
              .allTopicNames()
              .get(TOPIC_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("metrics: interrupted while listing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "metrics: cannot describe the topics of "
              + config.cluster().bootstrapServers()
              + ": "
              + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
          e);
    }
    return new InputTopics(
        found.get(t.tokenEvents()).partitions().size(),
        Math.max(
            found.get(t.runs()).partitions().size(),
            Math.max(
                found.get(t.results()).partitions().size(),
                found.get(t.scores()).partitions().size())));
  }

  private static String advertisedHost(String bindHost) {
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      return bindHost;
    }
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public MetricsConfig config() {
    return config;
  }

  /** The Kafka Streams state; CREATED before {@link #start()}. */
  public synchronized KafkaStreams.State streamsState() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  @Override
  public String state() {
    return streamsState().name();
  }

  @Override
  public boolean healthy() {
    KafkaStreams.State s = streamsState();
    return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
  }

  /** Each stream thread of this instance and its active tasks; empty before {@link #start()}. */
  public synchronized Set<ThreadMetadata> localThreads() {
    return streams == null ? Set.of() : streams.metadataForLocalThreads();
  }

  /** Waits until RUNNING (partitions assigned); false on timeout or when it stopped. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State s = streamsState();
      if (s == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (s == KafkaStreams.State.ERROR
          || s == KafkaStreams.State.NOT_RUNNING
          || s == KafkaStreams.State.PENDING_SHUTDOWN
          || s == KafkaStreams.State.PENDING_ERROR) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** The HTTP port, or -1 without a server. */
  public synchronized int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The stores of this instance, when queryable now. */
  private synchronized Optional<RunStoreView> view() {
    if (streams == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunStoreView.of(streams, config.goodput()));
    } catch (InvalidStateStoreException e) {
      return Optional.empty();
    }
  }

  /**
   * The summary of a run this instance holds, as of now; empty when it holds no such run or the
   * stores are not queryable right now.
   */
  public Optional<RunSummary> summary(String runId) {
    try {
      return view().flatMap(v -> v.summary(runId));
    } catch (InvalidStateStoreException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until the run finished (all produced results in, the completion grace expired, or the
   * producer aborted it) and returns its final summary.
   *
   * @throws TimeoutException when it has not finished in time; the message says what it is waiting
   *     for
   * @throws IllegalStateException when the Streams instance stopped
   */
  public RunSummary awaitFinished(String runId, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RunSummary last = null;
    while (true) {
      Optional<RunSummary> s = summary(runId);
      if (s.isPresent()) {
        last = s.get();
        if (last.run().finished()) {
          return last;
        }
      }
      KafkaStreams.State state = streamsState();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException(
            "metrics: the Streams instance stopped (state "
                + state
                + ") before run "
                + runId
                + " finished; see the log");
      }
      if (System.nanoTime() >= deadline) {
        throw new TimeoutException(
            "run "
                + runId
                + " not finished after "
                + timeout
                + (last == null
                    ? ": nothing of it has arrived"
                    : " (" + last.run().status() + "; " + last.counts().reconciliation() + ")"));
      }
      Thread.sleep(100);
    }
  }

  @Override
  public MetricSnapshots scrape() {
    Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics;
    synchronized (this) {
      metrics = streams == null ? Map.of() : streams.metrics();
    }
    Optional<RunStoreView> view = view();
    try {
      return PrometheusExporter.scrape(view, state(), StreamsHealth.from(metrics));
    } catch (InvalidStateStoreException e) {
      return PrometheusExporter.scrape(Optional.empty(), state(), StreamsHealth.from(metrics));
    }
  }

  @Override
  public List<RunOverview> runs() {
    List<RunOverview> out = new ArrayList<>();
    try {
      view().ifPresent(v -> v.states().forEach(s -> out.add(RunOverview.of(s))));
    } catch (InvalidStateStoreException e) {
      return List.of();
    }
    out.sort(Comparator.comparing(RunOverview::runId));
    return out;
  }

  @Override
  public SummaryAnswer locateSummary(String runId) {
    Optional<RunStoreView> view;
    try {
      view = view();
      if (view.isEmpty()) {
        return new SummaryAnswer.Unavailable(
            "the metrics stores are not queryable (" + state() + ")");
      }
      Optional<RunState> state = view.get().state(runId);
      if (state.isPresent()) {
        return new SummaryAnswer.Found(view.get().summary(state.get()));
      }
    } catch (InvalidStateStoreException e) {
      return new SummaryAnswer.Unavailable(e.getMessage());
    }
    KeyQueryMetadata where;
    synchronized (this) {
      where = streams.queryMetadataForKey(MetricsStores.RUN_STATES, runId, new StringSerializer());
    }
    if (where == null
        || where.equals(KeyQueryMetadata.NOT_AVAILABLE)
        || self == null
        || where.activeHost().equals(self)) {
      return new SummaryAnswer.NotFound();
    }
    return new SummaryAnswer.Elsewhere(
        URI.create(
            "http://"
                + where.activeHost().host()
                + ":"
                + where.activeHost().port()
                + "/runs/"
                + URLEncoder.encode(runId, StandardCharsets.UTF_8)
                + "/summary"));
  }

  /**
   * Stops the Streams instance (committing), the HTTP server, and removes a temporary state dir.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams != null) {
      streams.close(CLOSE_TIMEOUT);
    }
    if (http != null) {
      http.close();
    }
    if (temporaryStateDir != null) {
      deleteRecursively(temporaryStateDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.warn("metrics: cannot delete {}: {}", p, e.getMessage());
                }
              });
    } catch (IOException e) {
      log.warn("metrics: cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
