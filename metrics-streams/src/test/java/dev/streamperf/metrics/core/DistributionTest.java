package dev.streamperf.metrics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistributionTest {

  private static Distribution of(MetricUnit unit, long... internal) {
    Distribution d = new Distribution(unit);
    for (long v : internal) {
      d.record(v);
    }
    return d;
  }

  @Test
  void statisticsAreExactIncludingNegativeValues() {
    // schedule delays in ns: early by 5 ms, on time, late by 10 ms and by 1000 s
    long[] v = {-5_000_000L, 0L, 10_000_000L, 1_000_000_000_000L};
    Statistics s = Statistics.of(of(MetricUnit.MS, v), MetricUnit.MS);
    BigDecimal sum = BigDecimal.ZERO;
    for (long x : v) {
      sum = sum.add(BigDecimal.valueOf(x));
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(v.length));
    BigDecimal m2 = BigDecimal.ZERO;
    for (long x : v) {
      m2 = m2.add(BigDecimal.valueOf(x).subtract(mean).pow(2));
    }
    double expectedStd =
        m2.divide(BigDecimal.valueOf(v.length)).sqrt(MathContext.DECIMAL64).doubleValue() / 1e6;
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.avg()).isEqualTo(mean.doubleValue() / 1e6);
    assertThat(s.min()).isEqualTo(-5.0);
    assertThat(s.max()).isEqualTo(1_000_000.0);
    assertThat(s.std()).isCloseTo(expectedStd, within(1e-9 * expectedStd));
    assertThat(s.m2()).isCloseTo(m2.doubleValue() / 1e12, within(1e-6 * m2.doubleValue() / 1e12));
    // the histogram cannot hold a negative value: it counts as 0, clamped to [min, max]
    assertThat(s.percentile("p1")).isEqualTo(0.0);
    assertThat(s.percentile("p99.9")).isCloseTo(1_000_000.0, within(1_000.0));
  }

  @Test
  void aHistogramThatWidensAsValuesGrowCountsLikeOneSizedForThemUpFront() throws IOException {
    // ascending values widen the histogram several times; the result must be what HdrHistogram's
    // own auto-resize gives, bucket for bucket, also after a write and read
    Random random = new Random(7);
    long[] values = new long[5_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) (Math.pow(10, 3 + 7.0 * i / values.length) * (1 + random.nextDouble()));
    }
    Distribution widened = of(MetricUnit.MS, values);
    org.HdrHistogram.Histogram reference = new org.HdrHistogram.Histogram(3);
    for (long v : values) {
      reference.recordValue((v + 500) / 1_000);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    widened.writeTo(new DataOutputStream(bytes));
    Distribution read =
        Distribution.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), MetricUnit.MS);
    for (Distribution d : List.of(widened, read)) {
      assertThat(d.histogram().getTotalCount()).isEqualTo(values.length);
      for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 100}) {
        assertThat(d.histogram().getValueAtPercentile(p))
            .as("p%s", p)
            .isEqualTo(reference.getValueAtPercentile(p));
      }
      assertThat(d.histogram().getMaxValue()).isEqualTo(reference.getMaxValue());
    }
  }

  @Test
  void sumsOfSquaresBeyondSixtyFourBitsStayExact() {
    long hour = 3_600_000_000_000L; // ns
    Distribution d = new Distribution(MetricUnit.MS);
    for (int i = 0; i < 10_000; i++) {
      d.record(hour + i);
    }
    BigInteger expectedSquares = BigInteger.ZERO;
    BigInteger expectedSum = BigInteger.ZERO;
    for (int i = 0; i < 10_000; i++) {
      BigInteger x = BigInteger.valueOf(hour + i);
      expectedSum = expectedSum.add(x);
      expectedSquares = expectedSquares.add(x.multiply(x));
    }
    assertThat(expectedSquares.bitLength()).isGreaterThan(90);
    assertThat(d.sum()).isEqualTo(expectedSum);
    assertThat(d.sumOfSquares()).isEqualTo(expectedSquares);
    // population std of 0..9999 ns = 2886.75 ns, despite values of an hour
    assertThat(Statistics.of(d, MetricUnit.MS).std()).isCloseTo(2886.7513e-6, within(1e-9));
  }

  @Test
  void mergingInAnyOrderGivesTheSameDistribution() {
    Random random = new Random(42);
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      values.add((long) (Math.abs(random.nextGaussian()) * 50_000_000L) + random.nextInt(1_000));
    }
    Distribution whole = new Distribution(MetricUnit.MS);
    values.forEach(whole::record);
    for (int trial = 0; trial < 5; trial++) {
      Collections.shuffle(values, random);
      List<Distribution> parts = new ArrayList<>();
      for (int p = 0; p < 7; p++) {
        parts.add(new Distribution(MetricUnit.MS));
      }
      for (long v : values) {
        parts.get(random.nextInt(parts.size())).record(v);
      }
      Collections.shuffle(parts, random);
      Distribution merged = new Distribution(MetricUnit.MS);
      parts.forEach(merged::merge);
      assertThat(Statistics.of(merged, MetricUnit.MS))
          .isEqualTo(Statistics.of(whole, MetricUnit.MS));
      assertThat(merged.histogram()).isEqualTo(whole.histogram());
    }
  }

  @Test
  void roundTripsThroughItsBinaryForm() throws IOException {
    Distribution d = of(MetricUnit.MS, 1_234_567L, 50_000_000L, -3L, 9_000_000_000L);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    d.writeTo(new DataOutputStream(bytes));
    Distribution back =
        Distribution.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), MetricUnit.MS);
    assertThat(Statistics.of(back, MetricUnit.MS)).isEqualTo(Statistics.of(d, MetricUnit.MS));
    back.record(3_600_000_000_000L); // a decoded histogram still grows
    assertThat(back.histogram().getTotalCount()).isEqualTo(5);
  }

  @Test
  void refusesToMergeAnotherUnit() {
    assertThatThrownBy(
            () -> new Distribution(MetricUnit.MS).merge(new Distribution(MetricUnit.TOKENS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("histogram divisor");
  }

  @Test
  void ratiosCarryNoHistogram() {
    Distribution d = of(MetricUnit.RATIO, 1_000_000_000L, 0L);
    Statistics s = Statistics.of(d, MetricUnit.RATIO);
    assertThat(d.histogram()).isNull();
    assertThat(s.avg()).isEqualTo(0.5);
    assertThat(s.std()).isEqualTo(0.5);
    assertThat(s.percentiles()).isEmpty();
  }
}
