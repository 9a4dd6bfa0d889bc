package dev.streamperf.metrics.streams;

/**
 * One task's view of one run's time: the latest event time it has seen (its watermark) and the
 * wall-clock time it last saw a record, which makes it idle for the run.
 */
final class RunClock {

  final String runId;
  long maxEventUs = Long.MIN_VALUE;
  long lastRecordWallMs;
  boolean sinceFlush;

  RunClock(String runId) {
    this.runId = runId;
  }

  void saw(long eventUs, long wallMs) {
    if (eventUs > maxEventUs) {
      maxEventUs = eventUs;
    }
    lastRecordWallMs = wallMs;
    sinceFlush = true;
  }
}
