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

  @SuppressWarnings({"unchecked", "rawtypes"})
  BrokerRecords(ClusterConfig cluster) {
    this.cluster = cluster;
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
    producer.send(new ProducerRecord<>(cluster.topics().runs(), e.getRunId(), e));
  }

  void send(TokenEvent e) {
    producer.send(new ProducerRecord<>(cluster.topics().tokenEvents(), e.getRequestId(), e));
  }

  void send(RequestResult r) {
    producer.send(new ProducerRecord<>(cluster.topics().results(), r.getRequestId(), r));
  }

  void send(Score s) {
    producer.send(new ProducerRecord<>(cluster.topics().scores(), s.getRequestId(), s));
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

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
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
