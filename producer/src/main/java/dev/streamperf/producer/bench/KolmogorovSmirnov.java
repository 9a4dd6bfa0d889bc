package dev.streamperf.producer.bench;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** The one-sample Kolmogorov–Smirnov test against a continuous distribution. */
public final class KolmogorovSmirnov {

  /** The statistic D and its asymptotic p-value. */
  public record Result(double statistic, double pValue, int n) {
    /** Whether the sample is consistent with the distribution at significance {@code alpha}. */
    public boolean passes(double alpha) {
      return pValue >= alpha;
    }
  }

  private KolmogorovSmirnov() {}

  /**
   * Tests {@code sample} against the distribution function {@code cdf}.
   *
   * <p>p-value: Kolmogorov's limiting distribution at {@code (√n + 0.12 + 0.11/√n) D} (Stephens'
   * correction, accurate for n ≥ 35).
   */
  public static Result test(double[] sample, DoubleUnaryOperator cdf) {
    double[] x = sample.clone();
    Arrays.sort(x);
    int n = x.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(x[i]);
      d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
    }
    double sqrtN = Math.sqrt(n);
    return new Result(d, kolmogorovSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * d), n);
  }

  /** P(K > t) for Kolmogorov's distribution: 2 Σ (-1)^(k-1) exp(-2 k² t²). */
  static double kolmogorovSurvival(double t) {
    if (t < 0.2) {
      return 1.0;
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * t * t);
      sum += (k % 2 == 1 ? term : -term);
      if (term < 1e-16) {
        break;
      }
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }

  /** The exponential distribution function of the given rate. */
  public static DoubleUnaryOperator exponential(double rate) {
    return x -> x <= 0 ? 0 : 1 - Math.exp(-rate * x);
  }
}
