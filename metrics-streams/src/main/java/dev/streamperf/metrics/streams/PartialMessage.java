package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.schemas.RunEvent;

/**
 * What the per-partition stage sends the per-run stage over the internal repartition topic, keyed
 * by run id: partial aggregates, watermarks, and the run announcements from the {@code runs} topic.
 */
sealed interface PartialMessage {

  String runId();

  /**
   * One task's records of one scope's window since its last commit.
   *
   * @param scope run, model, endpoint
   * @param windowStartUs the window's start, epoch µs
   * @param source the input partition it came from
   * @param offsets first and last offsets read from token-events, results and scores (-1: none)
   * @param aggregate the records folded
   */
  record Delta(Scope scope, long windowStartUs, int source, long[] offsets, Aggregate aggregate)
      implements PartialMessage {
    @Override
    public String runId() {
      return scope.runId();
    }
  }

  /**
   * How far one input partition has got in one run.
   *
   * @param runId the run
   * @param source the input partition
   * @param watermarkUs the latest event time of the run it has processed, epoch µs
   * @param idle whether it has seen no record of the run for the idle timeout (and holds none)
   */
  record Watermark(String runId, int source, long watermarkUs, boolean idle)
      implements PartialMessage {}

  /** A record of the {@code runs} topic, routed to the task that owns the run. */
  record Announcement(RunEvent event) implements PartialMessage {
    @Override
    public String runId() {
      return event.getRunId();
    }
  }
}
