package dev.streamperf.cli;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.evaluator.EvaluatorApp;
import dev.streamperf.evaluator.EvaluatorConfig;
import dev.streamperf.metrics.MetricsApp;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicAdmin;
import dev.streamperf.schemas.topics.TopicCatalog;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import dev.streamperf.worker.RequestWorker;
import dev.streamperf.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every component of a benchmark in one process, as {@code streamperf profile} runs them: the
 * cluster (the embedded broker and in-memory registry, or a real cluster whose topics it ensures),
 * the simulator when no endpoint is given, the metrics and evaluator Streams apps, and request
 * workers. Each {@code start*} registers what it started; {@link #close()} stops all of it in
 * reverse order, so a failure half-way leaves no broker, port or thread behind.
 */
final class Pipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<RequestWorker> workers = new ArrayList<>();
  private ClusterConfig cluster;
  private EmbeddedStack stack;
  private Simulator simulator;
  private MetricsApp metrics;
  private EvaluatorApp evaluator;

  /**
   * The cluster the options name, its topics ensured, or, when they name none, the embedded broker
   * and in-memory registry; says which.
   */
  ClusterConfig startCluster(ClusterOptions options, Consumer<String> say) {
    if (options.hasCluster()) {
      useCluster(options.cluster());
      say.accept(
          "cluster " + cluster.bootstrapServers() + ", registry " + cluster.schemaRegistryUrl());
    } else {
      startEmbedded(options.topicOptions.singleBrokerCatalog());
      say.accept(
          "no --bootstrap-servers: started an embedded Kafka broker on "
              + cluster.bootstrapServers()
              + " and an in-memory schema registry (gone when this run ends)");
    }
    return cluster;
  }

  /**
   * The cluster as this process's own, new Streams apps should read it: on an existing cluster they
   * start at the topics' ends (they are running before their run's first record), not at its
   * history; the embedded broker's topics are empty anyway.
   */
  ClusterConfig forNewStreamsApps() {
    if (stack != null) {
      return cluster;
    }
    Map<String, String> properties = new HashMap<>(cluster.kafkaProperties());
    properties.putIfAbsent(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
    return new ClusterConfig(
        cluster.bootstrapServers(),
        cluster.schemaRegistryUrl(),
        cluster.topics(),
        properties,
        cluster.registryProperties());
  }

  /**
   * Starts {@code n} workers of one configuration: with several, each gets its own id suffix and,
   * unless the port is 0 (a free one each), consecutive /metrics ports.
   */
  List<RequestWorker> startWorkers(WorkerConfig base, int n) {
    List<RequestWorker> startedNow = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WorkerConfig config =
          n == 1
              ? base
              : base.toBuilder()
                  .workerId(base.workerId() + "-" + i)
                  .metricsPort(base.metricsPort() == 0 ? 0 : base.metricsPort() + i)
                  .build();
      startedNow.add(startWorker(config));
    }
    return startedNow;
  }

  /** Starts the embedded broker and in-memory registry with the catalogue's topics. */
  ClusterConfig startEmbedded(TopicCatalog topics) {
    stack = EmbeddedStack.start(topics);
    started.push(stack);
    cluster = stack.cluster();
    return cluster;
  }

  /** Uses a real cluster, creating the catalogue's topics where missing. */
  ClusterConfig useCluster(ClusterConfig given) {
    try (Admin admin = given.admin()) {
      TopicAdmin.Report report = TopicAdmin.ensureTopics(admin, given.topics(), STARTUP);
      report.warnings().forEach(w -> log.warn("topics: {}", w));
    }
    cluster = given;
    return cluster;
  }

  Simulator startSimulator(SimulatorConfig config) {
    simulator = Simulator.start(config);
    started.push(simulator);
    return simulator;
  }

  /**
   * Starts the metrics and evaluator apps and waits until both have their partitions, so that no
   * record published afterwards can be missed.
   */
  void startStreams(MetricsConfig metricsConfig, EvaluatorConfig evaluatorConfig)
      throws InterruptedException, TimeoutException {
    metrics = new MetricsApp(metricsConfig);
    started.push(metrics);
    metrics.start();
    if (evaluatorConfig != null) {
      evaluator = new EvaluatorApp(evaluatorConfig);
      started.push(evaluator);
      evaluator.start();
    }
    if (!metrics.awaitRunning(STARTUP)) {
      throw new TimeoutException(
          "metrics: the Streams app is " + metrics.state() + " after " + STARTUP + "; see the log");
    }
    if (evaluator != null && !evaluator.awaitRunning(STARTUP)) {
      throw new TimeoutException(
          "evaluator: the Streams app is " + evaluator.state() + " after " + STARTUP);
    }
  }

  RequestWorker startWorker(WorkerConfig config) {
    RequestWorker worker = RequestWorker.create(cluster, config);
    started.push(worker);
    workers.add(worker);
    worker.start();
    return worker;
  }

  ClusterConfig cluster() {
    return cluster;
  }

  /** The embedded broker's address, or null on a real cluster. */
  String embeddedBootstrap() {
    return stack == null ? null : cluster.bootstrapServers();
  }

  Simulator simulator() {
    return simulator;
  }

  MetricsApp metrics() {
    return metrics;
  }

  EvaluatorApp evaluator() {
    return evaluator;
  }

  List<RequestWorker> workers() {
    return List.copyOf(workers);
  }

  /** Lets the workers finish what they hold (they hold nothing once a run's results are in). */
  void drainWorkers(Duration timeout) {
    for (RequestWorker worker : workers) {
      worker.drain(timeout);
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("closing {}: {}", next.getClass().getSimpleName(), e.toString());
        if (failure == null) {
          failure = new IllegalStateException("closing the pipeline failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
