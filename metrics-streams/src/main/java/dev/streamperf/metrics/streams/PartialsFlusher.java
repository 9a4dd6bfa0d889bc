package dev.streamperf.metrics.streams;

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
 * <p>After the deltas it sends the task's watermark of each run it saw; between commits, when it
 * holds nothing, it sends heartbeats that say which runs it has been idle in.
 */
final class PartialsFlusher implements Processor<String, Long, String, PartialMessage> {

  /** How often an idle task reports its watermarks. */
  static final Duration HEARTBEAT = Duration.ofMillis(500);

  /** A run without records for this long is forgotten by the task. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final String storeName;
  private final long idleTimeoutMs;
  private ProcessorContext<String, PartialMessage> context;
  private PartialsStore partials;
  private int source;

  PartialsFlusher(String storeName, Duration idleTimeout) {
    this.storeName = storeName;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, PartialMessage> processorContext) {
    this.context = processorContext;
    this.partials = processorContext.getStateStore(storeName);
    this.source = processorContext.taskId().partition();
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
    for (RunClock c : partials.clocks()) {
      if (c.sinceFlush) {
        c.sinceFlush = false;
        forwardWatermark(c, false);
      }
    }
  }

  private void heartbeat(long wallMs) {
    if (!partials.isEmpty()) {
      return; // the next commit flushes them and the watermarks after them
    }
    for (RunClock c : partials.clocks()) {
      forwardWatermark(c, wallMs - c.lastRecordWallMs >= idleTimeoutMs);
    }
    partials.forgetIdleSince(wallMs - FORGET_AFTER.toMillis());
  }

  private void forwardWatermark(RunClock c, boolean idle) {
    context.forward(
        new Record<>(
            c.runId,
            new PartialMessage.Watermark(c.runId, source, c.maxEventUs, idle),
            Math.max(0, c.maxEventUs / 1_000L)));
  }
}
