package dev.streamperf.producer.publish;

import dev.streamperf.producer.media.Medium;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroSerializer;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The run's Kafka producers. Open loop: one transactional producer; requests, the media they
 * reference and the run's RunEvents go out in transactions, so a worker reading committed records
 * sees a request only together with its media, the PRODUCED record commits with the last requests,
 * and a producer restarted with the same run id fences the old one ({@code transactional.id} is
 * derived from the run id), aborts whatever it left open and resumes where the committed requests
 * end.
 *
 * <p>Closed loop (low latency): a replacement request must reach a worker the moment a credit comes
 * back, and a transaction commit per credit costs its coordinator round trip and marker writes (on
 * loopback p99 5 ms per hop, where the whole credit gap's target is 5 ms). So requests and media go
 * out on a second, idempotent but non-transactional producer: a medium a request references is
 * acknowledged before the request is sent (a worker never sees a request whose medium is not in the
 * topic yet), and every request is acknowledged before a RunEvent is sent (a RunEvent's counts are
 * of published requests). RunEvents stay transactional, so a second producer of the run still
 * fences the first. What is given up: a failed producer's last requests are not withdrawn; a
 * closed-loop run never resumes anyway (the sessions in flight when it stopped cannot be
 * recovered). Each medium is published once per run.
 */
public final class RunPublisher implements AutoCloseable {

  private final KafkaProducer<String, SpecificRecord> producer;

  /** Closed loop: requests and media, outside transactions; null in open loop. */
  private final KafkaProducer<String, SpecificRecord> direct;

  private final AtomicReference<Exception> directFailure = new AtomicReference<>();
  private final TopicCatalog topics;
  private final String runId;
  private final Set<String> publishedMedia = new HashSet<>();
  private boolean open;
  private boolean mediaUnacknowledged;
  private boolean directUnacknowledged;
  private int records;
  private long mediaBytes;

  /**
   * @param lowLatency closed loop: requests and media outside transactions, no linger; else
   *     transactions batched up to 5 ms
   */
  public RunPublisher(ClusterConfig cluster, String runId, boolean lowLatency) {
    this.topics = cluster.topics();
    this.runId = runId;
    Map<String, Object> config =
        cluster.transactionalProducerConfig("streamperf-producer-" + runId, transactionalId(runId));
    config.put(ProducerConfig.LINGER_MS_CONFIG, lowLatency ? 0 : 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // Uncompressed by default: on a 2-core loopback lz4 cost more CPU than it saved (measured
    // 34,650 vs 46,678 requests/s, zstd 13,475). Across a network, -X compression.type=lz4 (the
    // pass-through properties below win).
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MEDIA_MAX_MESSAGE_BYTES);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * TopicCatalog.MEDIA_MAX_MESSAGE_BYTES);
    config.putAll(cluster.kafkaProperties());
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serializer(cluster));
    if (lowLatency) {
      Map<String, Object> direct = new HashMap<>(config);
      direct.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
      direct.put(ProducerConfig.CLIENT_ID_CONFIG, "streamperf-producer-" + runId + "-direct");
      this.direct = new KafkaProducer<>(direct, new StringSerializer(), serializer(cluster));
    } else {
      this.direct = null;
    }
  }

  private static AvroSerializer<SpecificRecord> serializer(ClusterConfig cluster) {
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(cluster.serdeConfig(), false);
    return values;
  }

  /** The transactional id of a run's producer. */
  public static String transactionalId(String runId) {
    return "streamperf-producer-" + runId;
  }

  /** Fences any earlier producer of this run and aborts its open transaction. */
  public void init(Duration timeout) {
    try {
      producer.initTransactions();
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "run " + runId + ": cannot start a transactional producer: " + e.getMessage(), e);
    }
  }

  private void ensureOpen() {
    if (!open) {
      producer.beginTransaction();
      open = true;
      records = 0;
    }
  }

  /** Publishes the medium unless this run already did. */
  public boolean media(Medium medium, long createdUs) {
    if (!publishedMedia.add(medium.sha256())) {
      return false;
    }
    publish(new ProducerRecord<>(topics.media(), medium.sha256(), medium.blob(createdUs)));
    mediaUnacknowledged = direct != null;
    mediaBytes += medium.data().length;
    return true;
  }

  /** Marks a medium as published (a resumed run's earlier sessions published it). */
  public void alreadyPublished(Medium medium) {
    publishedMedia.add(medium.sha256());
  }

  public void request(InferenceRequest request) {
    if (mediaUnacknowledged) {
      acknowledgeDirect();
    }
    publish(new ProducerRecord<>(topics.requests(), request.getSessionId(), request));
  }

  public void runEvent(RunEvent event) {
    if (directUnacknowledged) {
      if (event.getStatus() == RunStatus.ABORTED) {
        direct.flush(); // the failure it may report is what is being recorded
      } else {
        acknowledgeDirect();
      }
    }
    sendInTransaction(new ProducerRecord<>(topics.runs(), event.getRunId(), event));
  }

  /** A request or medium: outside transactions in closed loop, else in the open transaction. */
  private void publish(ProducerRecord<String, SpecificRecord> record) {
    if (direct == null) {
      sendInTransaction(record);
      return;
    }
    throwIfDirectFailed();
    direct.send(
        record,
        (metadata, e) -> {
          if (e != null) {
            directFailure.compareAndSet(null, e);
          }
        });
    directUnacknowledged = true;
  }

  private void sendInTransaction(ProducerRecord<String, SpecificRecord> record) {
    ensureOpen();
    producer.send(record);
    records++;
  }

  /** Waits until every request and medium sent outside a transaction is acknowledged. */
  private void acknowledgeDirect() {
    direct.flush();
    mediaUnacknowledged = false;
    directUnacknowledged = false;
    throwIfDirectFailed();
  }

  private void throwIfDirectFailed() {
    Exception e = directFailure.get();
    if (e != null) {
      throw new IllegalStateException(
          "run " + runId + ": publishing a request or medium failed: " + e.getMessage(), e);
    }
  }

  /** Records in the open transaction. */
  public int pending() {
    return open ? records : 0;
  }

  /**
   * Commits the open transaction, if any; in closed loop, first reports a failed send of a request
   * or medium (they are not in the transaction and need no commit).
   */
  public void commit() {
    if (direct != null) {
      throwIfDirectFailed();
    }
    if (!open) {
      return;
    }
    try {
      producer.commitTransaction();
      open = false;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      open = false;
      throw new IllegalStateException(
          "run " + runId + ": another producer took over this run (same --run-id); this one stops",
          e);
    }
  }

  /** Aborts the open transaction, if any; its records are never seen by committed readers. */
  public void abort() {
    if (open) {
      open = false;
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // fenced or broken: the coordinator aborts it on timeout or when a new producer fences
      }
    }
  }

  public int mediaPublished() {
    return publishedMedia.size();
  }

  public long mediaBytes() {
    return mediaBytes;
  }

  @Override
  public void close() {
    if (direct != null) {
      direct.close(Duration.ofSeconds(10));
    }
    producer.close(Duration.ofSeconds(10));
  }
}
