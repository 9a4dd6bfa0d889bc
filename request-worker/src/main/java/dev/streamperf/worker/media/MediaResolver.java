package dev.streamperf.worker.media;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the media a request references from the compacted {@code media} topic, on a thread of
 * its own so no event loop ever waits on Kafka. It tails the whole topic, keeping an index of where
 * each SHA-256 lives (and the blobs themselves while the cache has room); a request whose media are
 * cached is answered at once, one whose media are indexed is answered after fetching them by
 * offset, and one whose media have not appeared yet waits for the tail, up to the configured
 * timeout, then fails with a message naming the missing hashes.
 */
public final class MediaResolver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaResolver.class);

  /** Called on the media thread with the media by SHA-256, or null and why not. */
  public interface Callback extends BiConsumer<Map<String, ResolvedMedia>, String> {}

  private record Pending(Set<String> shas, long deadlineNanos, Callback callback) {}

  private record Location(int partition, long offset) {}

  private final ClusterConfig cluster;
  private final String topic;
  private final MediaCache cache;
  private final long waitNanos;
  private final WorkerMetrics metrics;
  private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final Map<String, Location> index = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean stopped;
  private volatile int waitingSize;
  private volatile KafkaConsumer<String, byte[]> tail;
  private KafkaConsumer<String, byte[]> fetcher;
  private Deserializer<MediaBlob> deserializer;

  public MediaResolver(
      ClusterConfig cluster,
      long cacheBytes,
      Duration waitTimeout,
      WorkerMetrics metrics,
      String name) {
    this.cluster = cluster;
    this.topic = cluster.topics().media();
    this.cache = new MediaCache(cacheBytes);
    this.waitNanos = waitTimeout.toNanos();
    this.metrics = metrics;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    metrics.gauge(
        "streamperf_worker_media_cache_bytes", "Bytes held by the media cache.", cache::bytes);
  }

  /** The SHA-256 of every medium a session references. */
  public static Set<String> references(InferenceRequest request) {
    Set<String> shas = new LinkedHashSet<>();
    for (Turn turn : request.getTurns()) {
      for (Message message : turn.getMessages()) {
        for (ContentPart part : message.getParts()) {
          if (part.getMediaSha256() != null) {
            shas.add(part.getMediaSha256());
          }
        }
      }
    }
    return shas;
  }

  public void start() {
    thread.start();
  }

  /** Resolves the given media and calls back on the media thread. Thread-safe. */
  public void resolve(Set<String> shas, Callback callback) {
    incoming.add(new Pending(Set.copyOf(shas), System.nanoTime() + waitNanos, callback));
    if (stopped) {
      failAll("the media resolver stopped"); // nobody else will answer
    }
  }

  /** Requests waiting for media now. */
  public int waitingCount() {
    return waitingSize + incoming.size();
  }

  public MediaCache cache() {
    return cache;
  }

  private void run() {
    try {
      deserializer = cluster.valueSerde(MediaBlob.class).deserializer();
      tail = newConsumer("tail");
      fetcher = newConsumer("fetch");
      boolean assigned = false;
      while (running) {
        Pending p;
        while ((p = incoming.poll()) != null) {
          waiting.add(p);
        }
        if (!assigned) {
          assigned = assignAll();
        }
        if (assigned) {
          ConsumerRecords<String, byte[]> records =
              tail.poll(Duration.ofMillis(waiting.isEmpty() ? 200 : 5));
          for (ConsumerRecord<String, byte[]> record : records) {
            indexRecord(record);
          }
        } else {
          TimeUnit.MILLISECONDS.sleep(200);
        }
        answerWaiting();
        waitingSize = waiting.size();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        log.error("media resolver stopped: {}", e.toString(), e);
      }
    } finally {
      stopped = true;
      failAll("the media resolver stopped");
      closeQuietly(tail);
      closeQuietly(fetcher);
    }
  }

  /** Assigns every partition of the media topic, once its metadata is known. */
  private boolean assignAll() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : tail.partitionsFor(topic, Duration.ofSeconds(5))) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    if (partitions.isEmpty()) {
      log.debug("media topic {} has no partitions yet", topic);
      return false;
    }
    tail.assign(partitions);
    tail.seekToBeginning(partitions);
    return true;
  }

  private KafkaConsumer<String, byte[]> newConsumer(String role) {
    Map<String, Object> config = cluster.consumerConfig(null, "streamperf-worker-media-" + role);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 17 << 20);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private void indexRecord(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      index.remove(record.key()); // tombstone
      return;
    }
    index.put(record.key(), new Location(record.partition(), record.offset()));
    if (cache.get(record.key()) == null
        && cache.bytes() + record.value().length * 4L / 3 + 256 <= cache.maxBytes()) {
      MediaBlob blob = decode(record);
      if (blob != null) {
        cache.putIfRoom(ResolvedMedia.of(blob));
      }
    }
  }

  private MediaBlob decode(ConsumerRecord<String, byte[]> record) {
    try {
      return deserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      log.warn(
          "media record {}-{}@{} (key {}) cannot be decoded: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          e.toString());
      return null;
    }
  }

  private void answerWaiting() {
    long now = System.nanoTime();
    Iterator<Pending> it = waiting.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      Map<String, ResolvedMedia> found = new HashMap<>();
      List<String> missing = new ArrayList<>();
      for (String sha : p.shas()) {
        ResolvedMedia media = cache.get(sha);
        if (media != null) {
          metrics.mediaLookup(true);
        } else if (index.containsKey(sha)) {
          media = fetch(sha, index.get(sha));
          metrics.mediaLookup(false);
        }
        if (media != null) {
          found.put(sha, media);
        } else {
          missing.add(sha);
        }
      }
      if (missing.isEmpty()) {
        it.remove();
        answer(p, found, null);
      } else if (now - p.deadlineNanos() >= 0) {
        it.remove();
        answer(
            p,
            null,
            "media not found in topic "
                + topic
                + " within "
                + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                + " ms: "
                + missing);
      }
    }
  }

  private void answer(Pending p, Map<String, ResolvedMedia> found, String failure) {
    try {
      p.callback().accept(found, failure);
    } catch (RuntimeException e) {
      log.error("media callback failed: {}", e.toString(), e);
    }
  }

  private ResolvedMedia fetch(String sha, Location where) {
    TopicPartition tp = new TopicPartition(topic, where.partition());
    fetcher.assign(List.of(tp));
    fetcher.seek(tp, where.offset());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : fetcher.poll(Duration.ofMillis(100))) {
        if (record.offset() >= where.offset() && sha.equals(record.key())) {
          MediaBlob blob = decode(record);
          if (blob == null) {
            return null;
          }
          ResolvedMedia media = ResolvedMedia.of(blob);
          cache.put(media);
          return media;
        }
        if (record.offset() > where.offset()) {
          return null; // compacted away meanwhile; the tail will index the newer copy
        }
      }
    }
    log.warn("media {} at {}@{}: not fetched within 10 s", sha, tp, where.offset());
    return null;
  }

  private synchronized void failAll(String reason) {
    Pending p;
    while ((p = incoming.poll()) != null) {
      waiting.add(p);
    }
    for (Pending pending : waiting) {
      answer(pending, null, reason);
    }
    waiting.clear();
    waitingSize = 0;
  }

  private static void closeQuietly(KafkaConsumer<?, ?> consumer) {
    if (consumer != null) {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("closing a media consumer: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (tail != null) {
      tail.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
