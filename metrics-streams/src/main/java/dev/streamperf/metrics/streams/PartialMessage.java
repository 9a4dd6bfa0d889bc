package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.schemas.RunEvent;

/**
 * What the per-partition stage sends the per-run stage over the internal repartition topic: partial
 * aggregates and the run announcements from the {@code runs} topic, keyed by run id, and each input
 * partition's progress, sent to every partition of the per-run stage.
 */
sealed interface PartialMessage {

  /**
   * One task's records of one scope's window since its last commit.
   *
   * @param scope run, model, endpoint
   * @param windowStartUs the window's start, epoch µs
   * @param source the per-partition task it came from ({@link Sources#id})
   * @param offsets first and last offsets read from token-events, results and scores (-1: none)
   * @param aggregate the records folded
   */
  record Delta(Scope scope, long windowStartUs, int source, long[] offsets, Aggregate aggregate)
      implements PartialMessage {}

  /**
   * How far one per-partition task has got: every record it processed up to {@code watermarkUs} has
   * been sent downstream.
   *
   * @param source the per-partition task ({@link Sources#id})
   * @param watermarkUs the latest event time of the records it has flushed, epoch µs; {@code
   *     Long.MIN_VALUE} before the first
   * @param idle whether it holds nothing unflushed and has seen no record for the idle timeout
   */
  record Progress(int source, long watermarkUs, boolean idle) implements PartialMessage {}

  /** A record of the {@code runs} topic, routed to the task that owns the run. */
  record Announcement(RunEvent event) implements PartialMessage {}
}
