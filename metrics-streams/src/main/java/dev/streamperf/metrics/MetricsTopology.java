package dev.streamperf.metrics;

import dev.streamperf.metrics.streams.TopologyBuilder;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The metrics topology, a pure function of the configuration, and its Kafka Streams settings.
 *
 * <pre>
 *  token-events ── fold (per input partition) ─ commit barrier ─▶ metrics-token-partials (by run id)
 *  results ──────┐
 *  scores ───────┴─ fold (per input partition) ─ commit barrier ─▶ metrics-partials (by run id)
 *  runs ──────────────────────────────────────────────────────────▶ metrics-partials
 *  metrics-token-partials, metrics-partials ─ merge per run: windows, totals, watermarks,
 *                                              completion ─▶ metrics, runs
 *
 *  (each commit barrier flushes its task's in-memory partials inside every commit)
 * </pre>
 */
public final class MetricsTopology {

  private MetricsTopology() {}

  /** The record cache of each Streams instance ({@code statestore.cache.max.bytes}). */
  static final long BARRIER_CACHE_BYTES = 1024 * 1024;

  /** Records each input partition buffers before its fetches pause. */
  static final int BUFFERED_RECORDS_PER_PARTITION = 10_000;

  /** Builds the topology; a pure function of the configuration. */
  public static Topology build(MetricsConfig config) {
    return TopologyBuilder.build(config);
  }

  /**
   * The Kafka Streams configuration: exactly-once (v2), the cluster's pass-through client
   * properties, and corrupt input records logged with their offsets, counted ({@code
   * dropped-records}) and skipped. Inputs carry event time in their payload ({@code
   * EventTimeExtractor}). Each per-partition task reports its own progress, and the per-run stage
   * takes the smallest of them as the watermark; the default {@code max.task.idle.ms} (0) keeps a
   * results task's results and scores merged in event-time order.
   *
   * @param applicationServer {@code host:port} of this instance's HTTP API for interactive queries
   *     across instances, or null
   */
  public static Properties streamsConfig(MetricsConfig config, String applicationServer) {
    Properties props = new Properties();
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    // Only the two commit barriers cache, and each needs one dirty entry per task per commit; the
    // default 10 MiB cache fills with their clean entries (one per request id that ticked), which
    // a soak saw as 8 MB of heap growth before it levelled off.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, BARRIER_CACHE_BYTES);
    // Token events are small and many, and a partition whose queue holds this many records stops
    // being fetched: bench metrics ran 110,148-124,797 token events/s at 10,000 against 107,315 at
    // the default 1,000 (en_US formats both; runs vary about 10%, 30,000 gave 103,708).
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, BUFFERED_RECORDS_PER_PARTITION);
    props.putAll(config.cluster().kafkaProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.cluster().bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(MetricsConfig.STARTUP_GRACE_MS_CONFIG, config.startupGrace().toMillis());
    if (config.stateDir() != null) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    }
    if (applicationServer != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    return props;
  }
}
