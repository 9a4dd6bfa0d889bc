package dev.streamperf.evaluator.mlperf;

/**
 * LoadGen's early-stopping criterion for a latency percentile. With {@code t} queries over the
 * latency bound, the run shows with the given confidence that the true percentile is within the
 * bound once it has issued at least {@code h + t} queries, where {@code h} is the smallest count
 * for which {@code P(at most t of h + t queries are over the bound) < 1 − confidence} when each is
 * over with probability {@code 1 − percentile}. That probability is the binomial CDF, summed here
 * term by term in log space.
 */
public final class EarlyStopping {

  private EarlyStopping() {}

  /**
   * The least {@code h} such that a run with {@code overLatency} queries over the bound passes
   * after {@code h + overLatency} queries.
   */
  public static long minPassingQueries(long overLatency, double percentile, double confidence) {
    if (overLatency < 0) {
      throw new IllegalArgumentException(
          "over-latency count: " + overLatency + " (expected: >= 0)");
    }
    double threshold = 1 - confidence;
    long low = 1;
    long high = 1;
    while (!passes(high, overLatency, percentile, threshold)) {
      low = high + 1;
      high *= 2;
    }
    while (low < high) {
      long mid = low + (high - low) / 2;
      if (passes(mid, overLatency, percentile, threshold)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private static boolean passes(long h, long t, double percentile, double threshold) {
    return atMostOverLatency(h + t, t, 1 - percentile) < threshold;
  }

  /** {@code P(X ≤ k)} for {@code X ~ Binomial(n, q)}. */
  static double atMostOverLatency(long n, long k, double q) {
    double logQ = Math.log(q);
    double logNotQ = Math.log1p(-q);
    double logChoose = 0; // log C(n, 0)
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[(int) Math.min(k, n) + 1];
    for (int x = 0; x < terms.length; x++) {
      if (x > 0) {
        logChoose += Math.log((double) (n - x + 1)) - Math.log(x);
      }
      terms[x] = logChoose + x * logQ + (n - x) * logNotQ;
      max = Math.max(max, terms[x]);
    }
    double sum = 0;
    for (double term : terms) {
      sum += Math.exp(term - max);
    }
    return Math.min(1.0, Math.exp(max) * sum);
  }
}
