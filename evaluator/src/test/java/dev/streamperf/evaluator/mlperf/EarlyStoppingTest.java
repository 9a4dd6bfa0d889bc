package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

  private static final MathContext MC = new MathContext(60);

  @Test
  void withNoQueryOverTheBoundItNeedsTheClosedFormCount() {
    // 0.99^h < 0.01  <=>  h > ln(0.01)/ln(0.99) = 458.2
    assertThat(EarlyStopping.minPassingQueries(0, 0.99, 0.99)).isEqualTo(459);
    // p90 at 99% confidence: 0.9^h < 0.01 <=> h > 43.7
    assertThat(EarlyStopping.minPassingQueries(0, 0.90, 0.99)).isEqualTo(44);
  }

  @Test
  void agreesWithAnExactBinomialSum() {
    for (int t = 0; t <= 12; t++) {
      long expected = exactMinPassing(t, new BigDecimal("0.99"), new BigDecimal("0.01"));
      assertThat(EarlyStopping.minPassingQueries(t, 0.99, 0.99)).as("t=%d", t).isEqualTo(expected);
    }
  }

  @Test
  void moreQueriesOverTheBoundNeedMoreQueriesInAll() {
    long previous = 0;
    for (long t = 0; t <= 600; t += 50) {
      long h = EarlyStopping.minPassingQueries(t, 0.99, 0.99);
      assertThat(h).isGreaterThan(previous);
      // roughly 99 under-latency queries per over-latency one, a little more for confidence
      assertThat(h).isGreaterThanOrEqualTo(99 * t);
      previous = h;
    }
  }

  /** Least h with P(Bin(h+t, 0.01) <= t) < threshold, by exact arithmetic and bisection. */
  private static long exactMinPassing(int t, BigDecimal pass, BigDecimal threshold) {
    long low = 1;
    long high = 1 << 16;
    while (low < high) {
      long mid = (low + high) / 2;
      if (exactCdf(mid + t, t, pass).compareTo(threshold) < 0) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private static BigDecimal exactCdf(long n, int k, BigDecimal pass) {
    BigDecimal q = BigDecimal.ONE.subtract(pass);
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal choose = BigDecimal.ONE;
    for (int x = 0; x <= k; x++) {
      if (x > 0) {
        choose = choose.multiply(BigDecimal.valueOf(n - x + 1)).divide(BigDecimal.valueOf(x), MC);
      }
      sum =
          sum.add(choose.multiply(q.pow(x, MC), MC).multiply(pass.pow((int) (n - x), MC), MC), MC);
    }
    return sum;
  }
}
