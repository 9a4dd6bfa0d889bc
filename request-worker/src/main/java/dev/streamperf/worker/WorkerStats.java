package dev.streamperf.worker;

/**
 * Counters of a running worker at one moment.
 *
 * @param fetched sessions fetched from the requests topic (including skipped ones)
 * @param completed sessions whose every turn ended
 * @param abandoned sessions given up (drain deadline, partition revoked)
 * @param skippedDone sessions skipped because an earlier owner committed them
 * @param malformed records that could not be decoded
 * @param pending sessions fetched and not yet completed or abandoned
 * @param inFlight HTTP requests outstanding
 * @param maxEventLoopLagNanos the largest lateness of the event-loop probe since start
 */
public record WorkerStats(
    long fetched,
    long completed,
    long abandoned,
    long skippedDone,
    long malformed,
    int pending,
    int inFlight,
    long maxEventLoopLagNanos) {}
