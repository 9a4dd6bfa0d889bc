package dev.streamperf.evaluator;

import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The evaluator's topology, {@code results → score → scores}: stateless, keyed by request id,
 * partition for partition, so scores land on the same partition number as their results.
 */
public final class EvaluatorTopology {

  /** Name of the scoring processor node. */
  public static final String SCORE_NODE = "score-results";

  private EvaluatorTopology() {}

  /** Builds the topology; a pure function of the configuration. */
  public static Topology build(EvaluatorConfig config) {
    ClusterConfig cluster = config.cluster();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            cluster.topics().results(),
            Consumed.with(Serdes.String(), cluster.valueSerde(RequestResult.class))
                .withName("read-results"))
        .process(
            () -> new ScoringProcessor(config.secondhandSeed(), config.clock()),
            Named.as(SCORE_NODE))
        .to(
            cluster.topics().scores(),
            Produced.with(Serdes.String(), cluster.valueSerde(Score.class))
                .withName("write-scores"));
    return builder.build();
  }

  /**
   * The Kafka Streams configuration: exactly-once (v2), the cluster's pass-through client
   * properties, and corrupt input records logged with their offsets, counted ({@code
   * dropped-records}) and skipped instead of stopping the app.
   */
  public static Properties streamsConfig(EvaluatorConfig config) {
    Properties props = new Properties();
    props.putAll(config.cluster().kafkaProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.cluster().bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    // no global state here; opting in now only silences Kafka 4.x's start-up warning
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    if (config.stateDir() != null) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    }
    return props;
  }
}
