package dev.streamperf.metrics.summary;

/**
 * How many of everything, and whether they reconcile: requests produced = results + still pending.
 *
 * @param producedRequests requests (turns) the producer published, warmup included; -1 while the
 *     producer has not announced its final count
 * @param warmupRequests of those, warmup; -1 when unknown
 * @param results results received, one per request id, every phase
 * @param profilingResults of those, profiling
 * @param warmupResults of those, warmup
 * @param pending produced minus results; -1 when the produced count is unknown
 * @param validRequests successful profiling results
 * @param errorRequests failed profiling results
 * @param goodRequests valid requests that met every goodput objective
 * @param duplicateResults results for a request id already counted (re-executed attempts), not
 *     counted again
 * @param scorableResults successful results carrying a reference (scores to expect), every phase
 * @param scores scores received, one per request id, every phase
 * @param duplicateScores scores for a request id already scored
 * @param tokenEvents profiling content events
 * @param lateRecords records that arrived after their window closed (counted in the run totals, not
 *     in their window)
 * @param reconciled whether the counts add up
 * @param reconciliation the sentence that says so, e.g. {@code requests produced 100 = results 97 +
 *     pending 3}
 */
public record Counts(
    long producedRequests,
    long warmupRequests,
    long results,
    long profilingResults,
    long warmupResults,
    long pending,
    long validRequests,
    long errorRequests,
    long goodRequests,
    long duplicateResults,
    long scorableResults,
    long scores,
    long duplicateScores,
    long tokenEvents,
    long lateRecords,
    boolean reconciled,
    String reconciliation) {}
