package dev.streamperf.producer;

/**
 * A snapshot of a run's publication.
 *
 * @param runId the run
 * @param state what the producer is doing
 * @param producedSessions sessions published (committed or in the open transaction)
 * @param producedRequests turns published
 * @param warmupRequests of those, warmup
 * @param mediaPublished distinct media published
 * @param inFlight sessions published and not yet answered (read back from results; 0 when results
 *     are not read)
 * @param results results of this run read back
 * @param duplicateResults results for sessions already answered (retries, aborted attempts)
 * @param lateSessions open loop: sessions published after their intended send time (held by the
 *     concurrency cap, or the producer fell behind); the worker sends them on receipt
 * @param maxLatenessUs the largest such lateness
 * @param elapsedUs time since the run's anchor
 */
public record ProducerProgress(
    String runId,
    State state,
    long producedSessions,
    long producedRequests,
    long warmupRequests,
    long mediaPublished,
    long inFlight,
    long results,
    long duplicateResults,
    long lateSessions,
    long maxLatenessUs,
    long elapsedUs) {

  /** Lifecycle of a producer run. */
  public enum State {
    STARTING,
    PUBLISHING,
    PRODUCED,
    STOPPED,
    FAILED
  }
}
