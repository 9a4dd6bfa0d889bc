package dev.streamperf.simulator;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late chunks were written relative to their intended instants, in nanoseconds, recorded
 * wait-free from every event loop and read as a cumulative HdrHistogram.
 */
final class LatenessRecorder {

  private final Recorder recorder = new Recorder(3);
  private final Histogram cumulative = new Histogram(3);
  private final LongAdder sumNanos = new LongAdder();
  private Histogram interval;

  void record(long latenessNanos) {
    long value = Math.max(0L, latenessNanos);
    recorder.recordValue(value);
    sumNanos.add(value);
  }

  /** A copy of everything recorded so far. */
  synchronized Histogram snapshot() {
    interval = recorder.getIntervalHistogram(interval);
    cumulative.add(interval);
    return cumulative.copy();
  }

  /** The exact sum of all recorded values. */
  long sumNanos() {
    return sumNanos.sum();
  }
}
