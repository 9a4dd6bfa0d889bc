package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/** Builds the metrics topology (see {@link dev.streamperf.metrics.MetricsTopology}). */
public final class TopologyBuilder {

  /**
   * Internal topic from the results-and-scores tasks (and the runs topic) to the per-run stage
   * (prefixed with the application id).
   */
  public static final String PARTIALS_TOPIC = "metrics-partials";

  /** Internal topic from the token-events tasks to the per-run stage. */
  public static final String TOKEN_PARTIALS_TOPIC = "metrics-token-partials";

  /** Entries the commit barrier's LRU map keeps; it only ever needs one. */
  private static final int BARRIER_ENTRIES = 16;

  private static final String[] MERGE_STORES = {
    MetricsStores.MERGE_STATE,
    MetricsStores.RUN_STATES,
    MetricsStores.RUN_TOTALS,
    MetricsStores.OPEN_WINDOWS,
    MetricsStores.LAST_WINDOWS,
    MetricsStores.SOURCES
  };

  private TopologyBuilder() {}

  public static Topology build(MetricsConfig config) {
    ClusterConfig cluster = config.cluster();
    TopicCatalog topics = cluster.topics();
    long windowUs = config.window().toNanos() / 1_000L;
    long dedupMs = config.dedupRetention().toMillis();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(MetricsStores.partials(MetricsStores.TOKEN_PARTIALS));
    builder.addStateStore(MetricsStores.partials(MetricsStores.PARTIALS));
    builder.addStateStore(MetricsStores.seenRequests(config));
    builder.addStateStore(MetricsStores.runStates());
    builder.addStateStore(MetricsStores.aggregates(MetricsStores.RUN_TOTALS));
    builder.addStateStore(MetricsStores.aggregates(MetricsStores.OPEN_WINDOWS));
    builder.addStateStore(MetricsStores.lastWindows());
    builder.addStateStore(MetricsStores.sources());
    builder.addStateStore(MetricsStores.mergeState());

    // Token events have tasks of their own (a sub-topology with one input topic): a task whose
    // queue for some partition is empty (the scores topic without an evaluator, the results topic
    // between results) takes Kafka Streams' slow path, formatting log strings, for every record.
    KStream<String, Long> tokenTicks =
        builder.stream(
                topics.tokenEvents(),
                Consumed.with(Serdes.String(), cluster.valueSerde(TokenEvent.class))
                    .withName("read-token-events")
                    .withTimestampExtractor(new EventTimeExtractor()))
            .processValues(
                () -> new TokenEventAggregator(MetricsStores.TOKEN_PARTIALS, windowUs),
                Named.as("fold-token-events"),
                MetricsStores.TOKEN_PARTIALS);
    KStream<String, Long> resultTicks =
        builder.stream(
                topics.results(),
                Consumed.with(Serdes.String(), cluster.valueSerde(RequestResult.class))
                    .withName("read-results")
                    .withTimestampExtractor(new EventTimeExtractor()))
            .processValues(
                () ->
                    new ResultAggregator(
                        MetricsStores.PARTIALS,
                        MetricsStores.SEEN_REQUESTS,
                        windowUs,
                        dedupMs,
                        config.goodput()),
                Named.as("fold-results"),
                MetricsStores.PARTIALS,
                MetricsStores.SEEN_REQUESTS);
    KStream<String, Long> scoreTicks =
        builder.stream(
                topics.scores(),
                Consumed.with(Serdes.String(), cluster.valueSerde(Score.class))
                    .withName("read-scores")
                    .withTimestampExtractor(new EventTimeExtractor()))
            .processValues(
                () ->
                    new ScoreAggregator(
                        MetricsStores.PARTIALS, MetricsStores.SEEN_REQUESTS, windowUs, dedupMs),
                Named.as("fold-scores"),
                MetricsStores.PARTIALS,
                MetricsStores.SEEN_REQUESTS);

    KStream<String, PartialMessage> announcements =
        builder.stream(
                topics.runs(),
                Consumed.with(Serdes.String(), cluster.valueSerde(RunEvent.class))
                    .withName("read-runs"))
            .filter((runId, event) -> event != null, Named.as("skip-run-tombstones"))
            .mapValues(
                event -> (PartialMessage) new PartialMessage.Announcement(event),
                Named.as("announce-runs"));

    KStream<String, PartialMessage> tokenPartials =
        flushAtCommits(
                tokenTicks,
                "token-",
                MetricsStores.TOKEN_BARRIER,
                MetricsStores.TOKEN_PARTIALS,
                config)
            .repartition(partialsTopic(TOKEN_PARTIALS_TOPIC, config));
    KStream<String, PartialMessage> resultPartials =
        flushAtCommits(
                resultTicks.merge(scoreTicks, Named.as("merge-score-ticks")),
                "",
                MetricsStores.COMMIT_BARRIER,
                MetricsStores.PARTIALS,
                config)
            .merge(announcements, Named.as("merge-announcements"))
            .repartition(partialsTopic(PARTIALS_TOPIC, config));

    KStream<String, SpecificRecord> out =
        resultPartials
            .merge(tokenPartials, Named.as("merge-token-partials"))
            .processValues(
                () -> new MergeProcessor(config, MetricsStores.MERGE_STATE),
                Named.as("merge-runs"),
                MERGE_STORES)
            .toTable(
                Named.as("merge-barrier"),
                Materialized.<String, Long>as(
                        Stores.lruMap(MetricsStores.MERGE_BARRIER, BARRIER_ENTRIES))
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.Long())
                    .withCachingEnabled()
                    .withLoggingDisabled())
            .toStream(Named.as("merge-barrier-flushes"))
            .process(
                () -> new MergeFlusher(MetricsStores.MERGE_STATE),
                Named.as("flush-merges"),
                MERGE_STORES);

    out.filter((k, v) -> v instanceof WindowedMetric, Named.as("select-metrics"))
        .mapValues(v -> (WindowedMetric) v, Named.as("as-metrics"))
        .to(
            topics.metrics(),
            Produced.with(Serdes.String(), cluster.valueSerde(WindowedMetric.class))
                .withName("write-metrics"));
    out.filter((k, v) -> v instanceof RunEvent, Named.as("select-run-events"))
        .mapValues(v -> (RunEvent) v, Named.as("as-run-events"))
        .to(
            topics.runs(),
            Produced.with(Serdes.String(), cluster.valueSerde(RunEvent.class))
                .withName("write-runs"));
    return builder.build();
  }

  /**
   * The commit barrier of one per-partition sub-topology: a cached table of ticks. Kafka Streams
   * flushes a table's record cache, forwarding its dirty entries downstream, inside every commit
   * before the transaction commits; the flusher then sends the task's partials.
   */
  private static KStream<String, PartialMessage> flushAtCommits(
      KStream<String, Long> ticks,
      String namePrefix,
      String barrierStore,
      String partialsStore,
      MetricsConfig config) {
    return ticks
        .toTable(
            Named.as(namePrefix + "commit-barrier"),
            Materialized.<String, Long>as(Stores.lruMap(barrierStore, BARRIER_ENTRIES))
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long())
                .withCachingEnabled()
                .withLoggingDisabled())
        .toStream(Named.as(namePrefix + "barrier-flushes"))
        .process(
            () -> new PartialsFlusher(partialsStore, config.idleTimeout()),
            Named.as(namePrefix + "flush-partials"),
            partialsStore);
  }

  /** Both partials topics have the same partitions, so a run's partials meet in one task. */
  private static Repartitioned<String, PartialMessage> partialsTopic(
      String name, MetricsConfig config) {
    Repartitioned<String, PartialMessage> r =
        Repartitioned.<String, PartialMessage>as(name)
            .withKeySerde(Serdes.String())
            .withValueSerde(Codecs.messages())
            .withStreamPartitioner(new ProgressPartitioner());
    return config.partialsPartitions() > 0
        ? r.withNumberOfPartitions(config.partialsPartitions())
        : r;
  }
}
