package dev.streamperf.metrics.report;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.summary.RunInfo;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.metrics.summary.SummaryBuilder;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a run's summary and per-request records from the topics at any later time: reads the
 * run's latest {@code RunEvent}, then its scores, results and token events with bounded consumers
 * (from the run's creation time, less a slack for clock skew, up to the end offsets taken at the
 * start; read_committed), and folds them with the same {@link Aggregate} code the Streams app uses.
 * The first result and score of a request id count, as in the app (which forgets request ids after
 * its dedup retention; this reader never does).
 */
public final class RunReader {

  private static final Logger log = LoggerFactory.getLogger(RunReader.class);

  /** How far before the run's announcement records are read, for skewed clocks. */
  public static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

  private static final Duration POLL = Duration.ofMillis(200);

  private final ClusterConfig cluster;
  private final Duration timeout;

  /**
   * @param timeout how long reading one topic may take before it fails
   */
  public RunReader(ClusterConfig cluster, Duration timeout) {
    this.cluster = cluster;
    this.timeout = timeout;
  }

  /** What was read: the summary, and how many records of each topic belonged to the run. */
  public record Result(RunSummary summary, long results, long tokenEvents, long scores) {}

  /**
   * Reads the run and hands every profiling request's record (its first result, with its scores) to
   * {@code records} in partition order.
   *
   * @throws IllegalArgumentException when no record of the run exists
   */
  public Result read(String runId, GoodputSlos slos, Consumer<RequestRecord> records) {
    RunEvent event = latestRunEvent(runId);
    Long fromMs = event == null ? null : event.getCreatedUs() / 1_000L - CLOCK_SLACK.toMillis();
    Aggregate totals = new Aggregate();
    Set<String> models = new TreeSet<>();
    Set<String> endpoints = new TreeSet<>();

    Map<String, Map<String, Double>> scoresByRequest = new HashMap<>();
    Set<String> scored = new HashSet<>();
    long scoreCount =
        scan(
            cluster.topics().scores(),
            Score.class,
            fromMs,
            s -> {
              if (!s.getRunId().equals(runId)) {
                return false;
              }
              if (scored.add(s.getRequestId())) {
                totals.addScore(s);
                if (s.getPhase() == Phase.PROFILING) {
                  scoresByRequest
                      .computeIfAbsent(s.getRequestId(), k -> new TreeMap<>())
                      .put(s.getScorer(), s.getValue());
                }
              } else {
                totals.addDuplicateScore(s.getScoredUs());
              }
              return true;
            });

    Set<String> counted = new HashSet<>();
    long resultCount =
        scan(
            cluster.topics().results(),
            RequestResult.class,
            fromMs,
            r -> {
              if (!r.getRunId().equals(runId)) {
                return false;
              }
              models.add(r.getModel());
              endpoints.add(r.getEndpoint());
              if (!counted.add(r.getRequestId())) {
                totals.addDuplicateResult(r.getCompletedUs());
                return true;
              }
              totals.addResult(r, slos);
              if (r.getPhase() == Phase.PROFILING) {
                records.accept(
                    RequestRecord.of(
                        r, slos, scoresByRequest.getOrDefault(r.getRequestId(), Map.of())));
              }
              return true;
            });

    long tokenCount =
        scan(
            cluster.topics().tokenEvents(),
            TokenEvent.class,
            fromMs,
            e -> {
              if (!e.getRunId().equals(runId)) {
                return false;
              }
              totals.addTokenEvent(e);
              return true;
            });

    if (event == null && totals.isEmpty()) {
      throw new IllegalArgumentException(
          "run '"
              + runId
              + "': no RunEvent and no records of it in "
              + cluster.topics().prefix()
              + "* topics");
    }
    RunInfo info =
        event == null
            ? RunInfo.unannounced(models.isEmpty() ? null : models.iterator().next())
            : RunInfo.of(event);
    RunSummary summary =
        SummaryBuilder.build(
            runId,
            info,
            SummaryBuilder.producedRequests(event),
            SummaryBuilder.warmupRequests(event),
            totals,
            slos,
            -1,
            models,
            endpoints);
    return new Result(summary, resultCount, tokenCount, scoreCount);
  }

  /** The run's latest record on the compacted runs topic, or null. */
  public RunEvent latestRunEvent(String runId) {
    RunEvent[] latest = {null};
    scan(
        cluster.topics().runs(),
        RunEvent.class,
        null,
        e -> {
          if (e != null && e.getRunId().equals(runId)) {
            latest[0] = e;
            return true;
          }
          return false;
        });
    return latest[0];
  }

  /** Every run on the runs topic, its latest record each, in order of creation. */
  public List<RunEvent> runs() {
    Map<String, RunEvent> latest = new HashMap<>();
    scan(
        cluster.topics().runs(),
        RunEvent.class,
        null,
        e -> {
          latest.put(e.getRunId(), e);
          return true;
        });
    List<RunEvent> out = new ArrayList<>(latest.values());
    out.sort(Comparator.comparingLong(RunEvent::getCreatedUs).thenComparing(RunEvent::getRunId));
    return out;
  }

  /** Interface of a record filter that folds what it keeps: true when the record was the run's. */
  private interface Fold<T> {
    boolean accept(T value);
  }

  private <T extends org.apache.avro.specific.SpecificRecord> long scan(
      String topic, Class<T> type, Long fromMs, Fold<T> fold) {
    Deserializer<T> values = cluster.valueSerde(type).deserializer();
    long kept = 0;
    long read = 0;
    long skipped = 0;
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            cluster.consumerConfig(null, "streamperf-report-" + topic),
            new StringDeserializer(),
            values)) {
      List<TopicPartition> partitions = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      if (fromMs == null) {
        consumer.seekToBeginning(partitions);
      } else {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, Math.max(0, fromMs)));
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, timeout);
        for (TopicPartition p : partitions) {
          OffsetAndTimestamp o = start.get(p);
          consumer.seek(p, o == null ? end.get(p) : o.offset());
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      Set<TopicPartition> open = new HashSet<>();
      for (TopicPartition p : partitions) {
        if (consumer.position(p, timeout) < end.get(p)) {
          open.add(p);
        }
      }
      while (!open.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic "
                  + topic
                  + ": not read to its end offsets within "
                  + timeout
                  + " ("
                  + read
                  + " records read)");
        }
        org.apache.kafka.clients.consumer.ConsumerRecords<String, T> batch;
        try {
          batch = consumer.poll(POLL);
        } catch (RecordDeserializationException e) {
          skipped++;
          log.warn(
              "{}-{}@{}: cannot deserialize ({}); skipped",
              e.topicPartition().topic(),
              e.topicPartition().partition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, T> r : batch) {
          read++;
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          if (r.value() == null) {
            continue;
          }
          if (fold.accept(r.value())) {
            kept++;
          }
        }
        open.removeIf(p -> consumer.position(p) >= end.get(p));
      }
    }
    log.debug("{}: {} records read, {} of the run, {} corrupt skipped", topic, read, kept, skipped);
    return kept;
  }
}
