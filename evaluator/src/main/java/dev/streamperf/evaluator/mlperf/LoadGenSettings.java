package dev.streamperf.evaluator.mlperf;

import java.time.Duration;
import java.util.Objects;

/**
 * The test settings that decide whether a run is valid, with the VLM benchmark's values as defaults
 * ({@link #vlm}).
 *
 * @param scenario Offline or Server
 * @param mode performance or accuracy
 * @param minDuration the run must last at least this long (Offline: until the last completion;
 *     Server: until the last query's scheduled time)
 * @param minQueryCount at least this many queries (Offline: samples) must be issued
 * @param serverTargetQps Server: mean rate of the Poisson arrivals
 * @param serverTargetLatency Server: the latency bound at the target percentile
 * @param targetLatencyPercentile Server: the percentile the bound applies to, in (0, 1)
 * @param offlineExpectedQps Offline: the throughput expected, which sizes the query so it lasts the
 *     minimum duration
 * @param earlyStoppingConfidence confidence of the early-stopping estimate, in (0, 1)
 */
public record LoadGenSettings(
    Scenario scenario,
    TestMode mode,
    Duration minDuration,
    long minQueryCount,
    double serverTargetQps,
    Duration serverTargetLatency,
    double targetLatencyPercentile,
    double offlineExpectedQps,
    double earlyStoppingConfidence) {

  /** Samples in the VLM benchmark's dataset (train and test splits). */
  public static final int VLM_DATASET_SIZE = 48_289;

  /** The VLM benchmark's minimum test duration. */
  public static final Duration VLM_MIN_DURATION = Duration.ofMinutes(10);

  /** The VLM benchmark's Server latency bound (99th percentile). */
  public static final Duration VLM_SERVER_TARGET_LATENCY = Duration.ofSeconds(12);

  public LoadGenSettings {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(mode, "mode");
    if (minDuration == null || minDuration.isNegative()) {
      throw new IllegalArgumentException("min duration: " + minDuration + " (expected: >= 0)");
    }
    if (minQueryCount < 0) {
      throw new IllegalArgumentException("min query count: " + minQueryCount + " (expected: >= 0)");
    }
    if (!(serverTargetQps > 0)) {
      throw new IllegalArgumentException(
          "server target qps: " + serverTargetQps + " (expected: > 0)");
    }
    if (serverTargetLatency == null
        || serverTargetLatency.isNegative()
        || serverTargetLatency.isZero()) {
      throw new IllegalArgumentException(
          "server target latency: " + serverTargetLatency + " (expected: > 0)");
    }
    if (!(targetLatencyPercentile > 0 && targetLatencyPercentile < 1)) {
      throw new IllegalArgumentException(
          "target latency percentile: " + targetLatencyPercentile + " (expected: > 0 and < 1)");
    }
    if (!(offlineExpectedQps > 0)) {
      throw new IllegalArgumentException(
          "offline expected qps: " + offlineExpectedQps + " (expected: > 0)");
    }
    if (!(earlyStoppingConfidence > 0 && earlyStoppingConfidence < 1)) {
      throw new IllegalArgumentException(
          "early stopping confidence: " + earlyStoppingConfidence + " (expected: > 0 and < 1)");
    }
  }

  /**
   * The VLM benchmark's settings: 10 minutes and every one of the 48,289 samples at least; Server
   * at 5 QPS (the reference's default) with p99 at most 12 s; Offline sized for the whole dataset
   * in 10 minutes.
   */
  public static LoadGenSettings vlm(Scenario scenario, TestMode mode) {
    return new LoadGenSettings(
        scenario,
        mode,
        VLM_MIN_DURATION,
        VLM_DATASET_SIZE,
        5.0,
        VLM_SERVER_TARGET_LATENCY,
        0.99,
        VLM_DATASET_SIZE / (double) VLM_MIN_DURATION.toSeconds(),
        0.99);
  }

  public LoadGenSettings withMinDuration(Duration duration) {
    return new LoadGenSettings(
        scenario,
        mode,
        duration,
        minQueryCount,
        serverTargetQps,
        serverTargetLatency,
        targetLatencyPercentile,
        offlineExpectedQps,
        earlyStoppingConfidence);
  }

  public LoadGenSettings withMinQueryCount(long count) {
    return new LoadGenSettings(
        scenario,
        mode,
        minDuration,
        count,
        serverTargetQps,
        serverTargetLatency,
        targetLatencyPercentile,
        offlineExpectedQps,
        earlyStoppingConfidence);
  }

  public LoadGenSettings withServerTargetQps(double qps) {
    return new LoadGenSettings(
        scenario,
        mode,
        minDuration,
        minQueryCount,
        qps,
        serverTargetLatency,
        targetLatencyPercentile,
        offlineExpectedQps,
        earlyStoppingConfidence);
  }

  public LoadGenSettings withServerTargetLatency(Duration latency) {
    return new LoadGenSettings(
        scenario,
        mode,
        minDuration,
        minQueryCount,
        serverTargetQps,
        latency,
        targetLatencyPercentile,
        offlineExpectedQps,
        earlyStoppingConfidence);
  }

  public LoadGenSettings withOfflineExpectedQps(double qps) {
    return new LoadGenSettings(
        scenario,
        mode,
        minDuration,
        minQueryCount,
        serverTargetQps,
        serverTargetLatency,
        targetLatencyPercentile,
        qps,
        earlyStoppingConfidence);
  }
}
