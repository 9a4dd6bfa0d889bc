package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.MetricsConfig;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends a task's partials downstream when the commit barrier fires: the barrier is a cached KTable
 * whose dirty tick Kafka Streams flushes (forwards) inside every commit of the task, before the
 * transaction commits, on every path that commits (the commit interval, a rebalance, a clean
 * shutdown). So each transaction carries the input offsets together with the partial aggregates of
 * exactly the records before them, and nothing in memory outlives a commit.
 *
 * <p>After the deltas, and every {@link #HEARTBEAT} besides, it reports the task's progress to
 * every partition of the per-run stage: the latest event time it has flushed, and whether it is
 * idle (nothing unflushed and no record for the idle timeout).
 */
final class PartialsFlusher implements Processor<String, Long, String, PartialMessage> {

  /** How often a task reports its progress between commits. */
  static final Duration HEARTBEAT = Duration.ofMillis(500);

  /** The key of progress records; the partitioner sends them to every partition. */
  static final String PROGRESS_KEY = "\u0000progress";

  private final String storeName;
  private final long idleTimeoutMs;
  private long startupGraceMs;
  private ProcessorContext<String, PartialMessage> context;
  private PartialsStore partials;
  private int source;
  private long startedWallMs;

  PartialsFlusher(String storeName, Duration idleTimeout) {
    this.storeName = storeName;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, PartialMessage> processorContext) {
    this.context = processorContext;
    this.partials = processorContext.getStateStore(storeName);
    this.source =
        Sources.id(processorContext.taskId().subtopology(), processorContext.taskId().partition());
    this.startedWallMs = processorContext.currentSystemTimeMs();
    // A task that has not processed a record yet is not idle for this long after it started: its
    // partitions may hold a backlog it has not been handed yet (MetricsConfig.startupGrace).
    Object grace = processorContext.appConfigs().get(MetricsConfig.STARTUP_GRACE_MS_CONFIG);
    this.startupGraceMs =
        grace == null
            ? MetricsConfig.DEFAULT_STARTUP_GRACE.toMillis()
            : Long.parseLong(grace.toString());
    processorContext.schedule(HEARTBEAT, PunctuationType.WALL_CLOCK_TIME, this::heartbeat);
  }

  @Override
  public void process(Record<String, Long> tick) {
    if (tick.value() == null) {
      return;
    }
    for (Partial p : partials.drain()) {
      long ts = Math.max(0, p.aggregate.lastEventUs() / 1_000L);
      context.forward(
          new Record<>(
              p.scope.runId(),
              new PartialMessage.Delta(p.scope, p.windowStartUs, source, p.offsets, p.aggregate),
              ts));
    }
    progress(false, context.currentSystemTimeMs());
  }

  private void heartbeat(long wallMs) {
    long quietMs =
        partials.lastRecordWallMs() == Long.MIN_VALUE
            ? wallMs - startedWallMs - startupGraceMs
            : wallMs - partials.lastRecordWallMs();
    boolean idle = partials.isEmpty() && quietMs >= idleTimeoutMs;
    progress(idle, wallMs);
  }

  private void progress(boolean idle, long wallMs) {
    long watermark = partials.flushedMaxEventUs();
    context.forward(
        new Record<>(
            PROGRESS_KEY,
            new PartialMessage.Progress(source, watermark, idle),
            watermark == Long.MIN_VALUE ? wallMs : Math.max(0, watermark / 1_000L)));
  }
}
