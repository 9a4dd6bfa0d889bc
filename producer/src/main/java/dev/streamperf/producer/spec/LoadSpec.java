package dev.streamperf.producer.spec;

import java.time.Duration;
import java.util.Objects;

/** How sessions are released: a closed loop of credits or an open-loop arrival process. */
public sealed interface LoadSpec permits LoadSpec.ClosedLoop, LoadSpec.OpenLoop {

  /**
   * Keeps exactly {@code concurrency} sessions outstanding across all workers: one new session for
   * every session whose final result is read back ({@code --concurrency} without a rate).
   *
   * @param concurrency sessions outstanding
   * @param concurrencyRamp time to ramp linearly from 1 to {@code concurrency} ({@code
   *     --concurrency-ramp-duration}); null for none
   */
  record ClosedLoop(int concurrency, Duration concurrencyRamp) implements LoadSpec {
    public ClosedLoop {
      Checks.atLeast("--concurrency", concurrency, 1);
      Checks.positive("--concurrency-ramp-duration", concurrencyRamp);
    }
  }

  /**
   * Sessions arrive at {@code rate} per second whatever the endpoint does; an optional concurrency
   * cap holds arrivals back (counted, never dropped) while that many are outstanding.
   *
   * @param rate sessions per second ({@code --request-rate})
   * @param pattern constant, poisson or gamma ({@code --arrival-pattern}, default poisson)
   * @param smoothness gamma shape ({@code --arrival-smoothness}); only with gamma, default 1
   * @param concurrencyCap at most this many outstanding ({@code --concurrency}); null for none
   * @param rateRamp time to ramp the rate linearly from 0 to {@code rate} ({@code
   *     --request-rate-ramp-duration}); null for none
   * @param concurrencyRamp time to ramp the cap from 1 ({@code --concurrency-ramp-duration})
   */
  record OpenLoop(
      double rate,
      ArrivalPattern pattern,
      Double smoothness,
      Integer concurrencyCap,
      Duration rateRamp,
      Duration concurrencyRamp)
      implements LoadSpec {
    public OpenLoop {
      Checks.positive("--request-rate", rate);
      Objects.requireNonNull(pattern, "--arrival-pattern");
      if (smoothness != null) {
        Checks.positive("--arrival-smoothness", smoothness);
        if (pattern != ArrivalPattern.GAMMA) {
          throw new IllegalArgumentException(
              "--arrival-smoothness: "
                  + smoothness
                  + " (expected: only with --arrival-pattern gamma, not "
                  + pattern.name().toLowerCase(java.util.Locale.ROOT)
                  + ")");
        }
      }
      if (concurrencyCap != null) {
        Checks.atLeast("--concurrency", concurrencyCap, 1);
      }
      Checks.positive("--request-rate-ramp-duration", rateRamp);
      Checks.positive("--concurrency-ramp-duration", concurrencyRamp);
      if (concurrencyRamp != null && concurrencyCap == null) {
        throw new IllegalArgumentException(
            "--concurrency-ramp-duration: "
                + concurrencyRamp
                + " (expected: with --concurrency; an open loop without a cap has nothing to ramp)");
      }
    }

    /** The gamma shape: the smoothness, 1 when not given. */
    public double shape() {
      return smoothness == null ? 1.0 : smoothness;
    }
  }
}
