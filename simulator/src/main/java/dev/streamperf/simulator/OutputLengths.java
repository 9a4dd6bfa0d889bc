package dev.streamperf.simulator;

import java.util.SplittableRandom;

/**
 * How many tokens a response has when the request does not force it: normal with the given mean and
 * standard deviation (fixed when the deviation is 0), rounded and clamped to {@code [min, max]}. A
 * request's {@code max_tokens} and {@code min_tokens} then bound it further.
 */
public record OutputLengths(double mean, double stddev, int min, int max) {

  /** Mean 64, deviation 16, between 1 and 4096 tokens. */
  public static final OutputLengths DEFAULT = new OutputLengths(64, 16, 1, 4096);

  public OutputLengths {
    if (!(mean >= 1)) {
      throw new IllegalArgumentException("output tokens mean: " + mean + " (expected: >= 1)");
    }
    if (!(stddev >= 0)) {
      throw new IllegalArgumentException("output tokens stddev: " + stddev + " (expected: >= 0)");
    }
    if (min < 1) {
      throw new IllegalArgumentException("output tokens min: " + min + " (expected: >= 1)");
    }
    if (max < min) {
      throw new IllegalArgumentException(
          "output tokens max: " + max + " (expected: >= output tokens min " + min + ")");
    }
  }

  /** A fixed length. */
  public static OutputLengths fixed(int tokens) {
    return new OutputLengths(tokens, 0, tokens, tokens);
  }

  int sample(SplittableRandom random) {
    double value = stddev == 0 ? mean : mean + stddev * IntervalDistribution.Gaussian.next(random);
    long rounded = Math.round(value);
    return (int) Math.max(min, Math.min(max, rounded));
  }
}
