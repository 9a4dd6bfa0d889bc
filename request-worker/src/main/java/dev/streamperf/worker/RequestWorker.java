package dev.streamperf.worker;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.TokenKind;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroSerde;
import dev.streamperf.worker.commit.ResultRecords;
import dev.streamperf.worker.commit.TransactionalCommitter;
import dev.streamperf.worker.media.MediaResolver;
import dev.streamperf.worker.metrics.MetricsServer;
import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.session.PreparedSession;
import dev.streamperf.worker.session.SessionExecutor;
import dev.streamperf.worker.session.SessionListener;
import dev.streamperf.worker.session.SessionOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request worker: one member of the workers' consumer group that executes the sessions of the
 * partitions it owns against the endpoints and commits their results, token events and offsets in
 * Kafka transactions.
 *
 * <pre>{@code
 * try (RequestWorker worker = RequestWorker.create(cluster, config)) {
 *   worker.start();
 *   ... // until asked to stop
 *   worker.drain(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Exactly once: a session's records commit in the same transaction as the offset metadata that
 * says it is done, so a crash never duplicates them downstream, and a session the worker started
 * but did not finish is re-executed by the partition's next owner with a higher attempt number.
 */
public final class RequestWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);

  private final ClusterConfig cluster;
  private final WorkerConfig config;
  private final MicrosClock clock;
  private final WorkerMetrics metrics;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private AvroSerde<SpecificRecord> outputSerde;
  private MetricsServer metricsServer;
  private MediaResolver media;
  private TransactionalCommitter committer;
  private SessionExecutor executor;
  private RequestConsumer consumer;
  private Thread consumerThread;
  private boolean started;
  private boolean stopped;

  public RequestWorker(ClusterConfig cluster, WorkerConfig config, MicrosClock clock) {
    this.cluster = cluster;
    this.config = config;
    this.clock = clock;
    this.metrics = new WorkerMetrics(config.workerId());
  }

  /** A worker on the process clock. */
  public static RequestWorker create(ClusterConfig cluster, WorkerConfig config) {
    return new RequestWorker(cluster, config, MicrosClock.system());
  }

  /**
   * Starts the metrics server, the media resolver, the transactional producer, the event loops and
   * the poll loop.
   *
   * @throws IllegalStateException when the producer cannot initialize transactions
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    String id = config.workerId();
    try {
      if (config.metricsPort() >= 0) {
        metricsServer =
            MetricsServer.start(config.metricsHost(), config.metricsPort(), metrics.registry());
      }
      media =
          new MediaResolver(
              cluster,
              config.mediaCacheBytes(),
              config.mediaWaitTimeout(),
              metrics,
              "streamperf-worker-media");
      media.start();
      outputSerde = valueSerde();
      warmUpSerde();
      ResultRecords records =
          new ResultRecords(
              cluster.topics(), id, config.tokenizer(), clock, config.outputTextMaxChars());
      committer =
          new TransactionalCommitter(
              this::newProducer, records, metrics, "streamperf-worker-committer");
      committer.start(Duration.ofSeconds(60));
      executor = new SessionExecutor(config, clock, metrics, new Listener());
      KafkaConsumer<String, byte[]> kafkaConsumer = newConsumer();
      AvroSerde<InferenceRequest> serde = cluster.valueSerde(InferenceRequest.class);
      consumer =
          new RequestConsumer(
              kafkaConsumer,
              cluster.topics().requests(),
              serde.deserializer(),
              committer,
              executor,
              media,
              metrics,
              config.maxPendingSessions(),
              pending);
      metrics.gauge(
          "streamperf_worker_sessions_pending",
          "Sessions fetched and not yet finished.",
          pending::get);
      metrics.gauge(
          "streamperf_worker_media_waiting",
          "Sessions waiting for their media.",
          media::waitingCount);
      metrics.gauge(
          "streamperf_worker_consumer_lag",
          "Largest lag of this worker's partitions of the requests topic, in records.",
          consumer::lag);
      consumerThread = new Thread(consumer, "streamperf-worker-consumer");
      consumerThread.setDaemon(true);
      consumerThread.start();
      committer
          .stopped()
          .thenRun(
              () -> {
                if (committer.fatal() != null) {
                  terminated.completeExceptionally(committer.fatal());
                }
              });
      log.info(
          "worker {} started: group {}, endpoints {}, max in flight {}{}",
          id,
          config.groupId(),
          config.endpoints().stream().map(Endpoint::baseUrl).toList(),
          config.maxInFlight(),
          metricsServer == null ? "" : ", metrics on port " + metricsServer.port());
    } catch (RuntimeException e) {
      shutdown();
      throw e;
    }
  }

  /**
   * Serializes one result and one token event, so the registry knows (or is asked for) their
   * schemas now: a registry that is unreachable, or one without the schemas when auto-registration
   * is off, fails the start with its message instead of the first transaction.
   */
  private void warmUpSerde() {
    AvroSerde<SpecificRecord> serde = outputSerde;
    RequestResult result =
        RequestResult.newBuilder()
            .setRunId("")
            .setRequestId("")
            .setSessionId("")
            .setTurnIndex(0)
            .setSequence(0)
            .setAttempt(1)
            .setWorkerId(config.workerId())
            .setPhase(Phase.WARMUP)
            .setModel("")
            .setEndpoint("")
            .setSuccess(false)
            .setCompletedUs(0)
            .build();
    TokenEvent event =
        new TokenEvent(
            "",
            "",
            "",
            1,
            config.workerId(),
            Phase.WARMUP,
            "",
            "",
            0,
            TokenKind.CONTENT,
            0L,
            0L,
            null,
            0,
            null);
    serde.serializer().serialize(cluster.topics().results(), result);
    serde.serializer().serialize(cluster.topics().tokenEvents(), event);
  }

  private Producer<String, SpecificRecord> newProducer() {
    Map<String, Object> props =
        cluster.transactionalProducerConfig(
            "streamperf-worker-" + config.workerId(),
            "streamperf-worker-" + config.groupId() + "-" + config.workerId());
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // a crashed worker's open transaction holds back read-committed consumers until it times out
    props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    return new KafkaProducer<>(props, new StringSerializer(), outputSerde.serializer());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private AvroSerde<SpecificRecord> valueSerde() {
    return (AvroSerde) cluster.valueSerde(RequestResult.class);
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Map<String, Object> props =
        cluster.consumerConfig(config.groupId(), "streamperf-worker-" + config.workerId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    // notice a rebalance within a second, and a dead worker within ten (defaults: 3 s and 45 s)
    props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Hears from the executor, on event loops. */
  private final class Listener implements SessionListener {
    @Override
    public void onStarted(PreparedSession session) {
      RecordRef ref = session.tag();
      committer.started(ref.partition(), ref.epoch(), ref.offset());
    }

    @Override
    public void onCompleted(SessionOutcome outcome) {
      RecordRef ref = outcome.session().tag();
      committer.completed(ref.partition(), ref.epoch(), ref.offset(), outcome);
      completed.incrementAndGet();
      pending.decrementAndGet();
    }

    @Override
    public void onAbandoned(PreparedSession session, String reason) {
      metrics.abandoned(reason);
      abandoned.incrementAndGet();
      pending.decrementAndGet();
    }
  }

  /** The port of {@code /metrics}, or -1 when not served. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  public WorkerMetrics metrics() {
    return metrics;
  }

  public WorkerStats stats() {
    return new WorkerStats(
        consumer == null ? 0 : consumer.fetched(),
        completed.get(),
        abandoned.get(),
        consumer == null ? 0 : consumer.skippedDone(),
        consumer == null ? 0 : consumer.malformed(),
        pending.get(),
        executor == null ? 0 : executor.inFlight(),
        executor == null ? 0 : executor.maxLoopLagNanos());
  }

  /** Completes when the worker has stopped; exceptionally when a fatal error stopped it. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /**
   * Stops fetching, lets running sessions finish until the timeout, abandons the rest (the
   * partitions' next owners re-execute them), commits what finished, leaves the group and stops.
   *
   * @return whether every running session finished in time
   */
  public synchronized boolean drain(Duration timeout) {
    if (!started || stopped) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    consumer.stopFetching();
    boolean finished = true;
    try {
      while (pending.get() > 0 && System.nanoTime() < deadline && committer.fatal() == null) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      if (pending.get() > 0) {
        finished = false;
        log.info("drain: abandoning {} unfinished sessions", pending.get());
        executor.abandon(s -> true, "shutdown deadline").get(10, TimeUnit.SECONDS);
      }
      if (committer.fatal() == null) {
        committer.flush().get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    } catch (Exception e) {
      log.warn("drain: {}", e.toString());
      finished = false;
    }
    shutdown();
    return finished;
  }

  /** {@link #drain(Duration)} with no time for running sessions. */
  @Override
  public void close() {
    drain(Duration.ZERO);
  }

  private void shutdown() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (consumer != null) {
      consumer.stop();
      try {
        consumerThread.join(TimeUnit.SECONDS.toMillis(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (committer != null) {
      committer.close(Duration.ofSeconds(30));
    }
    if (executor != null) {
      executor.close();
    }
    if (media != null) {
      media.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (committer != null && committer.fatal() != null) {
      terminated.completeExceptionally(committer.fatal());
    } else {
      terminated.complete(null);
    }
    log.info("worker {} stopped", config.workerId());
  }
}
