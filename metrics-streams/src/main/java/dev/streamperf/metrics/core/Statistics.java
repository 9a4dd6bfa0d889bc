package dev.streamperf.metrics.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The statistics of a {@link Distribution} in its display unit: avg, min, max, std (population),
 * count and sum exact (to double precision) from the exact sums; percentiles from the HdrHistogram,
 * clamped to [min, max].
 *
 * @param count number of values
 * @param sum Σx
 * @param avg Σx / count
 * @param min smallest value
 * @param max largest value
 * @param std population standard deviation, sqrt(m2 / count)
 * @param m2 sum of squared deviations from the mean
 * @param percentiles p1 ... p99.9 by name ({@code p50}, {@code p99.9}); empty without a histogram
 */
public record Statistics(
    long count,
    double sum,
    double avg,
    double min,
    double max,
    double std,
    double m2,
    Map<String, Double> percentiles) {

  /** The percentiles every summary reports, as (name, percentile). */
  public static final List<Map.Entry<String, Double>> PERCENTILES =
      List.of(
          Map.entry("p1", 1.0),
          Map.entry("p5", 5.0),
          Map.entry("p10", 10.0),
          Map.entry("p25", 25.0),
          Map.entry("p50", 50.0),
          Map.entry("p75", 75.0),
          Map.entry("p90", 90.0),
          Map.entry("p95", 95.0),
          Map.entry("p99", 99.0),
          Map.entry("p99.9", 99.9));

  public Statistics {
    percentiles = Collections.unmodifiableMap(new LinkedHashMap<>(percentiles));
  }

  /** Statistics of no values: count 0, NaN elsewhere. */
  public static Statistics empty() {
    return new Statistics(
        0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of());
  }

  /** Statistics of one derived value (a throughput): count 1, std 0, no percentiles. */
  public static Statistics single(double value) {
    return new Statistics(1, value, value, value, value, 0, 0, Map.of());
  }

  /** The statistics of a distribution of values in a unit. */
  public static Statistics of(Distribution d, MetricUnit unit) {
    long n = d.count();
    if (n == 0) {
      return empty();
    }
    BigDecimal scale = BigDecimal.valueOf(unit.scale());
    BigInteger sum = d.sum();
    BigInteger bigN = BigInteger.valueOf(n);
    // n²·variance = n·Σx² − (Σx)², exact
    BigInteger n2var = bigN.multiply(d.sumOfSquares()).subtract(sum.multiply(sum));
    double sumDisplay = new BigDecimal(sum).divide(scale, MathContext.DECIMAL64).doubleValue();
    double avg =
        new BigDecimal(sum)
            .divide(scale.multiply(BigDecimal.valueOf(n)), MathContext.DECIMAL64)
            .doubleValue();
    BigDecimal scaleSquared = scale.multiply(scale);
    double m2 =
        new BigDecimal(n2var)
            .divide(scaleSquared.multiply(BigDecimal.valueOf(n)), MathContext.DECIMAL64)
            .doubleValue();
    double std =
        new BigDecimal(n2var)
            .divide(scaleSquared.multiply(BigDecimal.valueOf(n).pow(2)), MathContext.DECIMAL64)
            .sqrt(MathContext.DECIMAL64)
            .doubleValue();
    double min = unit.toDisplay(d.min());
    double max = unit.toDisplay(d.max());
    Map<String, Double> percentiles = new LinkedHashMap<>();
    Histogram h = d.histogram();
    if (h != null && h.getTotalCount() > 0) {
      double histogramScale = unit.histogramScale();
      for (Map.Entry<String, Double> p : PERCENTILES) {
        double value = h.getValueAtPercentile(p.getValue()) / histogramScale;
        percentiles.put(p.getKey(), Math.max(min, Math.min(max, value)));
      }
    }
    return new Statistics(n, sumDisplay, avg, min, max, std, m2, percentiles);
  }

  /** A percentile by name ({@code p50}), NaN when absent. */
  public double percentile(String name) {
    Double v = percentiles.get(name);
    return v == null ? Double.NaN : v;
  }
}
