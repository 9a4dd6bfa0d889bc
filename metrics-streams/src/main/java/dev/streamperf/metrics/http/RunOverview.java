package dev.streamperf.metrics.http;

import dev.streamperf.metrics.streams.RunState;
import dev.streamperf.metrics.summary.RunInfo;

/**
 * One line of {@code GET /runs}.
 *
 * @param runId the run
 * @param status STARTED, PRODUCED, FINISHED, ABORTED or UNANNOUNCED
 * @param finished whether it is over
 * @param model the model it targets
 * @param producedRequests the producer's final count, or -1 while unknown
 * @param results results received (one per request id, every phase)
 * @param pending produced minus results, or -1 while unknown
 * @param scores scores received
 * @param lateRecords records that missed their window
 * @param message how it finished, or null
 * @param createdUs when it was announced, or null
 * @param finishedUs when it finished, or null
 */
public record RunOverview(
    String runId,
    String status,
    boolean finished,
    String model,
    long producedRequests,
    long results,
    long pending,
    long scores,
    long lateRecords,
    String message,
    Long createdUs,
    Long finishedUs) {

  public static RunOverview of(RunState s) {
    RunInfo info = s.info();
    long produced = s.producedRequests();
    return new RunOverview(
        s.runId(),
        info.status(),
        info.finished(),
        info.model(),
        produced,
        s.results(),
        produced < 0 ? -1 : produced - s.results(),
        s.scores(),
        s.lateRecords(),
        info.message(),
        info.createdUs(),
        info.finishedUs());
  }
}
