package dev.streamperf.metrics.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.http.Json;
import dev.streamperf.metrics.summary.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes every per-request metric straight from a {@code records.jsonl} file, with BigDecimal
 * arithmetic, and checks a summary against it: avg, min, max, std and count exactly (to double
 * rounding), percentiles within HdrHistogram's 0.1% of the nearest-rank percentile.
 */
public final class RecordsCheck {

  private RecordsCheck() {}

  /** The values of each metric in the file. */
  public static Map<Metric, List<BigDecimal>> read(Path records) {
    Map<Metric, List<BigDecimal>> values = new EnumMap<>(Metric.class);
    try {
      for (String line : Files.readAllLines(records)) {
        JsonNode metrics = Json.MAPPER.readTree(line).get("metrics");
        metrics
            .fields()
            .forEachRemaining(
                e ->
                    values
                        .computeIfAbsent(
                            Metric.byTag(e.getKey()).orElseThrow(), k -> new ArrayList<>())
                        .add(new BigDecimal(e.getValue().asText())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  /** Asserts the summary's statistics of every per-request metric equal the file's. */
  public static int assertMatches(RunSummary summary, Path records) {
    Map<Metric, List<BigDecimal>> byMetric = read(records);
    assertThat(byMetric).as("metrics in %s", records).isNotEmpty();
    for (Map.Entry<Metric, List<BigDecimal>> e : byMetric.entrySet()) {
      Metric m = e.getKey();
      List<BigDecimal> v = new ArrayList<>(e.getValue());
      v.sort(null);
      int n = v.size();
      BigDecimal sum = v.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      BigDecimal mean = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128);
      BigDecimal m2 = BigDecimal.ZERO;
      for (BigDecimal x : v) {
        m2 = m2.add(x.subtract(mean).pow(2));
      }
      double std =
          m2.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128)
              .sqrt(MathContext.DECIMAL64)
              .doubleValue();
      Statistics st =
          summary.metric(m).orElseThrow(() -> new AssertionError("summary lacks " + m)).stats();
      String what = m.tag();
      assertThat(st.count()).as(what + " count").isEqualTo(n);
      assertThat(st.avg())
          .as(what + " avg")
          .isCloseTo(mean.doubleValue(), within(ulps(mean.doubleValue())));
      assertThat(st.min()).as(what + " min").isEqualTo(v.get(0).doubleValue());
      assertThat(st.max()).as(what + " max").isEqualTo(v.get(n - 1).doubleValue());
      assertThat(st.std()).as(what + " std").isCloseTo(std, within(ulps(std) + 1e-12));
      assertThat(st.sum())
          .as(what + " sum")
          .isCloseTo(sum.doubleValue(), within(ulps(sum.doubleValue())));
      for (Map.Entry<String, Double> p : Statistics.PERCENTILES) {
        int rank = Math.max(1, (int) Math.ceil(p.getValue() / 100 * n));
        double exact = v.get(rank - 1).doubleValue();
        double tolerance = Math.max(Math.abs(exact) * 0.001, 1.0 / m.unit().histogramScale());
        assertThat(st.percentile(p.getKey()))
            .as(what + " " + p.getKey())
            .isCloseTo(exact, within(tolerance));
      }
    }
    return byMetric.size();
  }

  private static double ulps(double v) {
    return 8 * Math.ulp(Math.abs(v)) + 1e-15;
  }
}
