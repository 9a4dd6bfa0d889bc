package dev.streamperf.producer.spec;

import java.time.Duration;

/**
 * Requests before profiling, executed and stored but excluded from metrics (phase WARMUP); they
 * follow the run's schedule.
 *
 * @param requestCount warmup requests ({@code --warmup-request-count}); null for none
 * @param duration warmup time from the run's start ({@code --warmup-duration}); null for none
 */
public record WarmupSpec(Long requestCount, Duration duration) {

  public WarmupSpec {
    if (requestCount != null) {
      Checks.atLeast("--warmup-request-count", requestCount, 1L);
    }
    Checks.positive("--warmup-duration", duration);
    if (requestCount != null && duration != null) {
      throw new IllegalArgumentException(
          "--warmup-duration: "
              + duration
              + " (expected: not with --warmup-request-count "
              + requestCount
              + ")");
    }
  }

  public static WarmupSpec none() {
    return new WarmupSpec(null, null);
  }

  public boolean enabled() {
    return requestCount != null || duration != null;
  }
}
