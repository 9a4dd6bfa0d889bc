package dev.streamperf.worker;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.worker.commit.CommitMetadata;
import dev.streamperf.worker.commit.TransactionalCommitter;
import dev.streamperf.worker.media.MediaResolver;
import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.session.PreparedSession;
import dev.streamperf.worker.session.SessionExecutor;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop, on a thread of its own: fetches sessions from the requests topic in the consumer
 * group, decides each one's attempt number from what the partition's previous owner committed
 * (skipping those it finished), tells the committer about every record, and hands sessions to the
 * media resolver or straight to the executor. Pauses fetching when too many sessions are pending or
 * when draining. On revocation it abandons the partition's running sessions and has the committer
 * commit what is done before the partition moves.
 */
final class RequestConsumer implements Runnable, ConsumerRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(RequestConsumer.class);
  private static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(30);

  /** What the previous owner committed for a partition. */
  private record Inheritance(long base, byte[] codes) {
    byte code(long offset) {
      long i = offset - base;
      return base >= 0 && i >= 0 && i < codes.length ? codes[(int) i] : 0;
    }
  }

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<InferenceRequest> deserializer;
  private final TransactionalCommitter committer;
  private final SessionExecutor executor;
  private final MediaResolver media;
  private final WorkerMetrics metrics;
  private final int maxPending;
  private final Map<TopicPartition, Inheritance> inheritance = new HashMap<>();
  private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
  private final AtomicInteger pending;
  private final AtomicLong fetched = new AtomicLong();
  private final AtomicLong skippedDone = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private long nextEpoch = 1;
  private boolean paused;
  private volatile boolean fetching = true;
  private volatile boolean running = true;
  private volatile double lag = Double.NaN;
  private long lagReadNanos;

  RequestConsumer(
      Consumer<String, byte[]> consumer,
      String topic,
      Deserializer<InferenceRequest> deserializer,
      TransactionalCommitter committer,
      SessionExecutor executor,
      MediaResolver media,
      WorkerMetrics metrics,
      int maxPending,
      AtomicInteger pending) {
    this.consumer = consumer;
    this.topic = topic;
    this.deserializer = deserializer;
    this.committer = committer;
    this.executor = executor;
    this.media = media;
    this.metrics = metrics;
    this.maxPending = maxPending;
    this.pending = pending;
  }

  long fetched() {
    return fetched.get();
  }

  long skippedDone() {
    return skippedDone.get();
  }

  long malformed() {
    return malformed.get();
  }

  /** The consumer's largest partition lag in records, NaN before it is known. */
  double lag() {
    return lag;
  }

  /** Whether the session's partition is still owned in the epoch it was fetched in. */
  boolean isCurrent(RecordRef ref) {
    Long epoch = epochs.get(ref.partition());
    return epoch != null && epoch == ref.epoch();
  }

  /** Stops fetching new sessions (the loop keeps polling to stay in the group). */
  void stopFetching() {
    fetching = false;
  }

  /** Ends the loop; the thread closes the consumer, which commits and leaves the group. */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic), this);
      while (running) {
        if (committer.fatal() != null) {
          log.error("the committer failed; the worker stops fetching");
          fetching = false;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(50));
        } catch (WakeupException e) {
          continue;
        }
        committer.groupMetadata(consumer.groupMetadata());
        for (ConsumerRecord<String, byte[]> record : records) {
          handle(record);
        }
        applyBackpressure();
        readLag();
      }
    } catch (RuntimeException e) {
      log.error("the request consumer failed: {}", e.toString(), e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        log.warn("closing the request consumer: {}", e.toString());
      }
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Long epoch = epochs.get(tp);
    if (epoch == null) {
      return; // not ours any more (cannot happen inside one poll, but be safe)
    }
    fetched.incrementAndGet();
    InferenceRequest request;
    try {
      request = deserializer.deserialize(record.topic(), record.headers(), record.value());
      if (request == null) {
        throw new IllegalArgumentException("null value");
      }
    } catch (RuntimeException e) {
      malformed.incrementAndGet();
      metrics.malformedRequest();
      log.warn(
          "skipping record {}-{}@{} (key {}): not an InferenceRequest: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          e.toString());
      committer.fetched(tp, epoch, record.offset(), true);
      return;
    }
    Inheritance inherited = inheritance.get(tp);
    byte code = inherited == null ? 0 : inherited.code(record.offset());
    if (code == CommitMetadata.DONE) {
      skippedDone.incrementAndGet();
      metrics.skippedDone();
      committer.fetched(tp, epoch, record.offset(), true);
      return;
    }
    committer.fetched(tp, epoch, record.offset(), false);
    int attempt = code + 1;
    RecordRef ref = new RecordRef(tp, epoch, record.offset());
    pending.incrementAndGet();
    Set<String> shas = MediaResolver.references(request);
    if (shas.isEmpty()) {
      executor.submit(prepare(request, attempt, ref, Map.of()));
      return;
    }
    media.resolve(
        shas,
        (found, failure) -> {
          if (!isCurrent(ref)) {
            pending.decrementAndGet(); // revoked while its media were resolved
            metrics.abandoned("partition revoked");
            return;
          }
          executor.submit(
              failure != null
                  ? PreparedSession.failed(request, attempt, ref, failure)
                  : prepare(request, attempt, ref, found));
        });
  }

  private static PreparedSession prepare(
      InferenceRequest request,
      int attempt,
      RecordRef ref,
      Map<String, dev.streamperf.worker.media.ResolvedMedia> media) {
    try {
      return PreparedSession.of(request, attempt, ref, media);
    } catch (IllegalArgumentException e) {
      return PreparedSession.failed(request, attempt, ref, e.getMessage());
    }
  }

  private void applyBackpressure() {
    boolean shouldPause = !fetching || pending.get() >= maxPending;
    if (shouldPause && !paused) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (!shouldPause && paused && pending.get() < maxPending * 9L / 10) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private void readLag() {
    long now = System.nanoTime();
    if (now - lagReadNanos < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    lagReadNanos = now;
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (name.name().equals("records-lag-max")
          && name.group().equals("consumer-fetch-manager-metrics")
          && !name.tags().containsKey("topic")) {
        Object value = e.getValue().metricValue();
        if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
          lag = d;
        }
      }
    }
  }

  // ---- rebalance callbacks, on this thread inside poll ----

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new HashSet<>(partitions), CALLBACK_TIMEOUT);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata om = committed.get(tp);
      long base = om == null ? -1 : om.offset();
      byte[] codes;
      try {
        codes = om == null ? new byte[0] : CommitMetadata.decode(om.metadata());
      } catch (IllegalArgumentException e) {
        log.warn("{}: ignoring the committed metadata: {}", tp, e.getMessage());
        codes = new byte[0];
      }
      long epoch = nextEpoch++;
      inheritance.put(tp, new Inheritance(base, codes));
      epochs.put(tp, epoch);
      committer.assigned(tp, epoch, base, codes);
      log.info("assigned {} at offset {} ({} requests recorded beyond it)", tp, base, codes.length);
    }
    if (paused) {
      consumer.pause(partitions);
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    release(partitions, true);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    release(partitions, false);
  }

  private void release(Collection<TopicPartition> partitions, boolean commit) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<TopicPartition> gone = new HashSet<>(partitions);
    Map<TopicPartition, Long> goneEpochs = new HashMap<>();
    for (TopicPartition tp : gone) {
      Long epoch = epochs.remove(tp);
      if (epoch != null) {
        goneEpochs.put(tp, epoch);
      }
      inheritance.remove(tp);
    }
    String reason = commit ? "partition revoked" : "partition lost";
    try {
      int n =
          executor
              .abandon(
                  s -> {
                    RecordRef ref = s.tag();
                    Long epoch = goneEpochs.get(ref.partition());
                    return epoch != null && epoch == ref.epoch();
                  },
                  reason)
              .get(CALLBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (n > 0) {
        log.info("{}: abandoned {} running sessions of {}", reason, n, gone);
      }
      if (commit) {
        committer.groupMetadata(consumer.groupMetadata());
        committer.revoked(gone).get(CALLBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        committer.lost(gone);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("{} {}: {}", reason, gone, e.toString());
    }
  }
}
