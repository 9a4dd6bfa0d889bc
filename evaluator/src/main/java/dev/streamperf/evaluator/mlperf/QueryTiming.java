package dev.streamperf.evaluator.mlperf;

/**
 * When one query was meant to start and when its response completed, in nanoseconds since the test
 * started. Latency is measured from the scheduled time, as LoadGen measures it, so a late issue
 * counts against the system.
 *
 * @param seqId the query's sequence number in the run
 * @param qslIndex the sample it asked about
 * @param scheduledNs when it was scheduled (Offline: 0)
 * @param completedNs when its response completed (or its failure was known)
 * @param succeeded whether the response arrived; a failure completes with an empty response, as the
 *     reference's system under test completes it
 */
public record QueryTiming(
    long seqId, int qslIndex, long scheduledNs, long completedNs, boolean succeeded) {

  public QueryTiming {
    if (completedNs < scheduledNs) {
      throw new IllegalArgumentException(
          "query "
              + seqId
              + ": completed at "
              + completedNs
              + " ns, before it was scheduled at "
              + scheduledNs
              + " ns");
    }
  }

  public long latencyNs() {
    return completedNs - scheduledNs;
  }
}
