package dev.streamperf.producer.bench;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import dev.streamperf.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The zero-latency baseline: NOT a worker and NOT an endpoint. It consumes requests the way a
 * worker does (a consumer group, read_committed), "sends" each turn the instant it is received and
 * "completes" it at once, and writes one successful {@link RequestResult} per turn together with
 * the consumed offsets in a Kafka transaction, on a second thread so receiving never waits for a
 * commit. What it measures is the harness alone: the credit gap of a closed loop with an infinitely
 * fast endpoint. Multi-turn sessions are answered turn after turn with no think time.
 */
public final class ZeroLatencyResponder implements AutoCloseable {

  /** A request as received: when, and the record. */
  public record Received(long receivedUs, InferenceRequest request) {}

  private record Work(
      InferenceRequest request, long receivedUs, TopicPartition partition, long offset) {}

  private final ClusterConfig cluster;
  private final MicrosClock clock;
  private final Consumer<Received> observer;
  private final BlockingQueue<Work> work = new LinkedBlockingQueue<>();
  private final AtomicReference<ConsumerGroupMetadata> group = new AtomicReference<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicInteger assigned = new AtomicInteger();
  private final Thread poller;
  private final Thread committer;
  private final String workerId = "zero-latency-" + UUID.randomUUID().toString().substring(0, 8);
  private volatile KafkaConsumer<String, InferenceRequest> consumer;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /**
   * Starts receiving.
   *
   * @param observer called on the receiving thread for every request, e.g. to record credit gaps
   */
  public ZeroLatencyResponder(
      ClusterConfig cluster, MicrosClock clock, Consumer<Received> observer) {
    this.cluster = cluster;
    this.clock = clock;
    this.observer = observer;
    this.poller = new Thread(this::poll, "zero-latency-responder-poll");
    this.committer = new Thread(this::commit, "zero-latency-responder-commit");
    poller.setDaemon(true);
    committer.setDaemon(true);
    poller.start();
    committer.start();
  }

  /** Waits until the group has assigned this responder every requests partition. */
  public void awaitAssignment(Duration timeout) throws InterruptedException {
    int partitions =
        cluster.topics().spec(dev.streamperf.schemas.topics.TopicRole.REQUESTS).partitions();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (assigned.get() < partitions || group.get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("responder: no partition assignment within " + timeout);
      }
      if (failure != null) {
        throw new IllegalStateException("responder failed: " + failure, failure);
      }
      Thread.sleep(20);
    }
  }

  public long answered() {
    return answered.get();
  }

  private void poll() {
    Map<String, Object> config =
        cluster.consumerConfig("streamperf-zero-latency-responder", workerId + "-consumer");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    AvroDeserializer<InferenceRequest> values = new AvroDeserializer<>(InferenceRequest.class);
    values.configure(cluster.serdeConfig(), false);
    try (KafkaConsumer<String, InferenceRequest> c =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      consumer = c;
      c.subscribe(List.of(cluster.topics().requests()));
      while (running) {
        var records = c.poll(Duration.ofMillis(200));
        assigned.set(c.assignment().size());
        group.set(c.groupMetadata());
        for (ConsumerRecord<String, InferenceRequest> record : records) {
          long now = clock.nowMicros();
          observer.accept(new Received(now, record.value()));
          work.add(
              new Work(
                  record.value(),
                  now,
                  new TopicPartition(record.topic(), record.partition()),
                  record.offset()));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void commit() {
    Map<String, Object> config = cluster.transactionalProducerConfig(workerId, workerId);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    AvroSerializer<RequestResult> values = new AvroSerializer<>();
    values.configure(cluster.serdeConfig(), false);
    try (KafkaProducer<String, RequestResult> producer =
        new KafkaProducer<>(config, new StringSerializer(), values)) {
      producer.initTransactions();
      List<Work> batch = new ArrayList<>();
      while (running) {
        Work first = work.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        work.drainTo(batch);
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Work w : batch) {
          List<Turn> turns = w.request().getTurns();
          for (int t = 0; t < turns.size(); t++) {
            long completedUs = t == 0 ? w.receivedUs() : clock.nowMicros();
            producer.send(
                new ProducerRecord<>(
                    cluster.topics().results(),
                    turns.get(t).getRequestId(),
                    result(w, t, completedUs)));
          }
          offsets.put(w.partition(), new OffsetAndMetadata(w.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, group.get());
        producer.commitTransaction();
        answered.addAndGet(batch.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private RequestResult result(Work w, int turn, long completedUs) {
    InferenceRequest r = w.request();
    Turn t = r.getTurns().get(turn);
    return RequestResult.newBuilder()
        .setRunId(r.getRunId())
        .setRequestId(t.getRequestId())
        .setSessionId(r.getSessionId())
        .setTurnIndex(turn)
        .setSequence(r.getSequence())
        .setAttempt(1)
        .setWorkerId(workerId)
        .setPhase(r.getPhase())
        .setModel(r.getModel())
        .setEndpoint("zero-latency://baseline")
        .setSuccess(true)
        .setIntendedSendUs(turn == 0 ? r.getIntendedSendUs() : null)
        .setCreditReleasedUs(turn == 0 ? r.getCreditReleasedUs() : null)
        .setSentUs(completedUs)
        .setCompletedNs(0L)
        .setCompletedUs(completedUs)
        .build();
  }

  public Throwable failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    KafkaConsumer<String, InferenceRequest> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    poller.join(10_000);
    committer.join(10_000);
  }
}
