package dev.streamperf.evaluator;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What the evaluator did with the results it read, summed over its tasks and threads. Read from the
 * Kafka Streams metrics (group {@value #GROUP}, one {@code <outcome>-total} and {@code
 * <outcome>-rate} per task), so the same numbers are on JMX.
 */
public record EvaluatorCounts(Map<Outcome, Long> totals) {

  /** The metrics group of the evaluator's sensors. */
  public static final String GROUP = "stream-" + ScoringProcessor.METRICS_SCOPE + "-metrics";

  /** What happened to one result record. */
  public enum Outcome {
    /** A score was emitted. */
    SCORED("scored"),
    /** The attempt failed: nothing to score. */
    FAILED_SKIPPED("failed-skipped"),
    /** The request carried no reference: nothing to score. */
    UNREFERENCED_SKIPPED("unreferenced-skipped"),
    /** The reference names a scorer this evaluator does not have; logged with the offset. */
    UNKNOWN_SCORER("unknown-scorer"),
    /** The reference cannot be used by its scorer; logged with the offset. */
    BAD_REFERENCE("bad-reference"),
    /** A record with no value; logged with the offset. */
    INVALID_RESULT("invalid-result"),
    /** A scorer failed unexpectedly (a bug); logged with the offset and the stack trace. */
    SCORER_ERROR("scorer-error");

    private final String metricName;

    Outcome(String metricName) {
      this.metricName = metricName;
    }

    /** The sensor's operation name; metrics are {@code <name>-total} and {@code <name>-rate}. */
    public String metricName() {
      return metricName;
    }
  }

  public EvaluatorCounts {
    totals = Map.copyOf(totals);
  }

  /** Sums the evaluator's {@code -total} metrics in a Kafka Streams metrics map. */
  public static EvaluatorCounts from(Map<MetricName, ? extends Metric> metrics) {
    Map<Outcome, Long> totals = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      totals.put(outcome, 0L);
    }
    metrics.forEach(
        (name, metric) -> {
          if (!GROUP.equals(name.group())) {
            return;
          }
          for (Outcome outcome : Outcome.values()) {
            if (name.name().equals(outcome.metricName() + "-total")) {
              Object value = metric.metricValue();
              if (value instanceof Number n) {
                totals.merge(outcome, (long) n.doubleValue(), Long::sum);
              }
            }
          }
        });
    return new EvaluatorCounts(totals);
  }

  public long get(Outcome outcome) {
    return totals.getOrDefault(outcome, 0L);
  }

  /** Every result read, whatever became of it. */
  public long read() {
    return totals.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One line for logs and the CLI. */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder("read ").append(read());
    for (Outcome outcome : Outcome.values()) {
      line.append(", ").append(outcome.metricName()).append(' ').append(get(outcome));
    }
    return line.toString();
  }
}
