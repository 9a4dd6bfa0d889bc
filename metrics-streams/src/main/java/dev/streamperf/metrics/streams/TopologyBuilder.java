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

  /** Name of the internal topic between the two stages (prefixed with the application id). */
  public static final String PARTIALS_TOPIC = "metrics-partials";

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
    builder.addStateStore(MetricsStores.partials());
    builder.addStateStore(MetricsStores.seenRequests(config));
    builder.addStateStore(MetricsStores.runStates());
    builder.addStateStore(MetricsStores.aggregates(MetricsStores.RUN_TOTALS));
    builder.addStateStore(MetricsStores.aggregates(MetricsStores.OPEN_WINDOWS));
    builder.addStateStore(MetricsStores.lastWindows());
    builder.addStateStore(MetricsStores.sources());
    builder.addStateStore(MetricsStores.mergeState());

    KStream<String, Long> tokenTicks =
        builder.stream(
                topics.tokenEvents(),
                Consumed.with(Serdes.String(), cluster.valueSerde(TokenEvent.class))
                    .withName("read-token-events")
                    .withTimestampExtractor(new EventTimeExtractor()))
            .processValues(
                () -> new TokenEventAggregator(MetricsStores.PARTIALS, windowUs),
                Named.as("fold-token-events"),
                MetricsStores.PARTIALS);
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

    // The commit barrier: a cached table of ticks. Kafka Streams flushes a table's record cache,
    // forwarding its dirty entries downstream, inside every commit before the transaction commits.
    KStream<String, PartialMessage> deltas =
        tokenTicks
            .merge(resultTicks, Named.as("merge-result-ticks"))
            .merge(scoreTicks, Named.as("merge-score-ticks"))
            .toTable(
                Named.as("commit-barrier"),
                Materialized.<String, Long>as(
                        Stores.lruMap(MetricsStores.COMMIT_BARRIER, BARRIER_ENTRIES))
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.Long())
                    .withCachingEnabled()
                    .withLoggingDisabled())
            .toStream(Named.as("barrier-flushes"))
            .process(
                () -> new PartialsFlusher(MetricsStores.PARTIALS, config.idleTimeout()),
                Named.as("flush-partials"),
                MetricsStores.PARTIALS);

    KStream<String, PartialMessage> announcements =
        builder.stream(
                topics.runs(),
                Consumed.with(Serdes.String(), cluster.valueSerde(RunEvent.class))
                    .withName("read-runs"))
            .filter((runId, event) -> event != null, Named.as("skip-run-tombstones"))
            .mapValues(
                event -> (PartialMessage) new PartialMessage.Announcement(event),
                Named.as("announce-runs"));

    KStream<String, SpecificRecord> out =
        deltas
            .merge(announcements, Named.as("merge-announcements"))
            .repartition(
                Repartitioned.<String, PartialMessage>as(PARTIALS_TOPIC)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Codecs.messages())
                    .withStreamPartitioner(new ProgressPartitioner()))
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
}
