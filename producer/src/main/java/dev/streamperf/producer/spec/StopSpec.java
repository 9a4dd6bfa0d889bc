package dev.streamperf.producer.spec;

import java.time.Duration;

/**
 * When publishing stops, after warmup: a number of requests (turns), of sessions, or a duration;
 * the first reached wins.
 *
 * @param requestCount profiling requests ({@code --request-count}); the last session is cut to fit
 *     exactly
 * @param sessionCount profiling sessions ({@code --num-sessions})
 * @param duration profiling time ({@code --benchmark-duration})
 */
public record StopSpec(Long requestCount, Long sessionCount, Duration duration) {

  public StopSpec {
    if (requestCount != null) {
      Checks.atLeast("--request-count", requestCount, 1L);
    }
    if (sessionCount != null) {
      Checks.atLeast("--num-sessions", sessionCount, 1L);
    }
    if (requestCount != null && sessionCount != null) {
      throw new IllegalArgumentException(
          "--num-sessions: "
              + sessionCount
              + " (expected: not with --request-count "
              + requestCount
              + "; AIPerf makes them mutually exclusive)");
    }
    Checks.positive("--benchmark-duration", duration);
  }

  public boolean bounded() {
    return requestCount != null || sessionCount != null || duration != null;
  }
}
