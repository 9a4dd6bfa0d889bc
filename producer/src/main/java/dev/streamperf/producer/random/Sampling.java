package dev.streamperf.producer.random;

import java.util.SplittableRandom;

/**
 * The distributions the producer draws from, written out here rather than taken from the JDK so
 * that a seed gives the same values on every JVM version.
 */
public final class Sampling {

  private Sampling() {}

  /** A standard normal value (Marsaglia's polar method). */
  public static double gaussian(SplittableRandom random) {
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  /**
   * A normal value rounded to an integer and at least {@code min}: redrawn while below (a normal
   * truncated at min), so the mean stays close to the configured one; stddev 0 gives round(mean).
   */
  public static int normalInt(SplittableRandom random, double mean, double stddev, int min) {
    if (stddev == 0) {
      return Math.max(min, (int) Math.round(mean));
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
      long value = Math.round(mean + stddev * gaussian(random));
      if (value >= min && value <= Integer.MAX_VALUE) {
        return (int) value;
      }
    }
    return min;
  }

  /** A normal value, at least {@code min}, redrawn while below. */
  public static double normal(SplittableRandom random, double mean, double stddev, double min) {
    if (stddev == 0) {
      return Math.max(min, mean);
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
      double value = mean + stddev * gaussian(random);
      if (value >= min) {
        return value;
      }
    }
    return min;
  }

  /** An exponential value of mean 1. */
  public static double exponential(SplittableRandom random) {
    return -Math.log(1 - random.nextDouble());
  }

  /**
   * A gamma value of the given shape and scale 1 (Marsaglia and Tsang 2000; for shape below 1 the
   * boost {@code X * U^(1/shape)}).
   */
  public static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(random, shape + 1) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = gaussian(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
