package dev.streamperf.metrics;

import dev.streamperf.metrics.bench.SyntheticRun;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes records to a cluster's topics, keyed as the pipeline keys them. */
final class BrokerRecords implements AutoCloseable {

  private final ClusterConfig cluster;
  private final KafkaProducer<String, Object> producer;

  private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Waits for the topics' leaders first: a just-created topic refuses and can stall appends. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  BrokerRecords(ClusterConfig cluster) throws InterruptedException {
    this.cluster = cluster;
    dev.streamperf.metrics.bench.MetricsBenchmark.awaitLeaders(cluster);
    var config = cluster.producerConfig("metrics-it");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    var serde = dev.streamperf.schemas.serde.AvroSerde.generic();
    serde.configure(cluster.serdeConfig(), false);
    this.producer =
        new KafkaProducer<>(
            config,
            new StringSerializer(),
            (org.apache.kafka.common.serialization.Serializer) serde.serializer());
  }

  void send(RunEvent e) {
    producer.send(new ProducerRecord<>(cluster.topics().runs(), e.getRunId(), e), this::sent);
  }

  void send(TokenEvent e) {
    producer.send(
        new ProducerRecord<>(cluster.topics().tokenEvents(), e.getRequestId(), e), this::sent);
  }

  void send(RequestResult r) {
    producer.send(
        new ProducerRecord<>(cluster.topics().results(), r.getRequestId(), r), this::sent);
  }

  void send(Score s) {
    producer.send(new ProducerRecord<>(cluster.topics().scores(), s.getRequestId(), s), this::sent);
  }

  /** A sink that publishes. */
  SyntheticRun.Sink sink() {
    return new SyntheticRun.Sink() {
      @Override
      public void tokenEvent(TokenEvent e) {
        send(e);
      }

      @Override
      public void result(RequestResult r) {
        send(r);
      }

      @Override
      public void score(Score s) {
        send(s);
      }
    };
  }

  /** Waits for every record sent; fails when one could not be published. */
  void flush() {
    producer.flush();
    check();
  }

  @Override
  public void close() {
    producer.close();
    check();
  }

  private void sent(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
    if (e != null) {
      failure.compareAndSet(null, e);
    }
  }

  private void check() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("a test record could not be published: " + e, e);
    }
  }

  /** The same records kept in publication order, for a TopologyTestDriver. */
  static final class Recorded implements SyntheticRun.Sink {
    final List<Object> records = new ArrayList<>();

    @Override
    public void tokenEvent(TokenEvent e) {
      records.add(e);
    }

    @Override
    public void result(RequestResult r) {
      records.add(r);
    }

    @Override
    public void score(Score s) {
      records.add(s);
    }

    void replay(Consumer<Object> to) {
      records.forEach(to);
    }
  }
}
