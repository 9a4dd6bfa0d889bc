package dev.streamperf.producer.publish;

import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results topic back for credits, on its own thread. A session's credit is released by
 * its final result: the result of its last turn, or the first failed result (a worker does not
 * continue a conversation past a failed turn). Results are deduplicated by session: a second final
 * result for a session (a retried attempt, or with read_uncommitted an attempt whose transaction
 * later aborted) is counted as a duplicate and releases nothing. With read_uncommitted an attempt
 * that later aborts releases its session's credit early (its retry then runs beside the
 * replacement); read_committed, the default, never sees it.
 *
 * <p>The publisher registers each session before sending it, so no result can arrive for a session
 * the reader does not know yet.
 */
public final class ResultsReader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultsReader.class);

  private final String runId;
  private final KafkaConsumer<String, RequestResult> consumer;
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final LongConsumer credits;
  private final Thread thread;
  private final AtomicLong results = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong corrupt = new AtomicLong();
  private volatile boolean running = true;
  private volatile Throwable failure;

  /**
   * Positions at the end of the results topic (so only this run's future results count) and starts
   * reading.
   *
   * @param credits called on the reader thread with each released credit's completion instant
   */
  public ResultsReader(
      ClusterConfig cluster, String runId, IsolationLevel isolation, LongConsumer credits) {
    this.runId = runId;
    this.credits = credits;
    Map<String, Object> config =
        cluster.consumerConfig(null, "streamperf-producer-credits-" + runId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    AvroDeserializer<RequestResult> values = new AvroDeserializer<>(RequestResult.class);
    values.configure(cluster.serdeConfig(), false);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    List<TopicPartition> partitions =
        consumer.partitionsFor(cluster.topics().results(), Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .collect(Collectors.toList());
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    this.thread = new Thread(this::run, "streamperf-producer-credits");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Registers a published session and the index of its last turn. */
  public void register(String sessionId, int lastTurnIndex) {
    inFlight.put(sessionId, lastTurnIndex);
  }

  /** Forgets a session that was registered but not published (its transaction aborted). */
  public void unregister(String sessionId) {
    inFlight.remove(sessionId);
  }

  private void run() {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, RequestResult> record :
              consumer.poll(Duration.ofMillis(500))) {
            accept(record.value());
          }
        } catch (RecordDeserializationException e) {
          corrupt.incrementAndGet();
          log.warn(
              "results {} offset {}: undecodable record skipped: {}",
              e.topicPartition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      log.error("results reader stopped: {}", e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  void accept(RequestResult result) {
    if (result == null || !runId.equals(result.getRunId())) {
      return;
    }
    results.incrementAndGet();
    if (!result.getSuccess()) {
      failures.incrementAndGet();
    }
    Integer last = inFlight.get(result.getSessionId());
    if (last == null) {
      duplicates.incrementAndGet();
      return;
    }
    boolean finalResult = result.getTurnIndex() >= last || !result.getSuccess();
    if (finalResult && inFlight.remove(result.getSessionId()) != null) {
      credits.accept(result.getCompletedUs());
    }
  }

  /** Results of this run read so far. */
  public long results() {
    return results.get();
  }

  /** Results for sessions already completed (retries, aborted attempts). */
  public long duplicates() {
    return duplicates.get();
  }

  public long failures() {
    return failures.get();
  }

  public long corrupt() {
    return corrupt.get();
  }

  /** Why the reader stopped, if it failed. */
  public Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
