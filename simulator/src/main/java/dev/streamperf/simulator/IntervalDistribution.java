package dev.streamperf.simulator;

import java.util.SplittableRandom;

/** How inter-token latencies vary around their mean. */
public enum IntervalDistribution {
  /** Always the mean. */
  CONSTANT,
  /** Normal with standard deviation {@code jitter × mean}, truncated at zero. */
  NORMAL,
  /** Lognormal with the given mean and coefficient of variation {@code jitter}. */
  LOGNORMAL;

  /**
   * One sample in nanoseconds.
   *
   * @param meanNanos the mean, {@code >= 0}
   * @param jitter the coefficient of variation (standard deviation / mean), {@code >= 0}
   */
  long sample(long meanNanos, double jitter, SplittableRandom random) {
    if (this == CONSTANT || jitter == 0 || meanNanos == 0) {
      return meanNanos;
    }
    double gaussian = Gaussian.next(random);
    if (this == NORMAL) {
      return Math.max(0L, Math.round(meanNanos * (1.0 + jitter * gaussian)));
    }
    double sigma2 = Math.log1p(jitter * jitter);
    double mu = Math.log(meanNanos) - sigma2 / 2;
    return Math.round(Math.exp(mu + Math.sqrt(sigma2) * gaussian));
  }

  /** Standard normal samples from a {@link SplittableRandom} (Box-Muller; one draw per call). */
  static final class Gaussian {
    private Gaussian() {}

    static double next(SplittableRandom random) {
      double u1 = 1.0 - random.nextDouble(); // (0, 1]
      double u2 = random.nextDouble();
      return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
  }
}
