package dev.streamperf.metrics.http;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The Streams instance's own health, read from its client metrics: records dropped by Kafka Streams
 * (corrupt or unprocessable input), this topology's counters (late, invalid, duplicate,
 * after-finish), records processed, and the worst consumer lag.
 *
 * @param droppedRecords Kafka Streams' {@code dropped-records-total} over all tasks
 * @param lateRecords records that arrived after their window closed
 * @param invalidRecords input records without a value
 * @param duplicateResults results of a request id already counted
 * @param duplicateScores scores of a request id already counted
 * @param recordsAfterFinish records of a run that had already finished
 * @param processedRecords records processed by the stream threads
 * @param recordsLagMax the largest consumer lag of any input partition, or NaN when unknown
 */
public record StreamsHealth(
    double droppedRecords,
    double lateRecords,
    double invalidRecords,
    double duplicateResults,
    double duplicateScores,
    double recordsAfterFinish,
    double processedRecords,
    double recordsLagMax) {

  private static final String OWN_GROUP = "stream-streamperf-metrics-metrics";

  /** Reads the health from a Streams instance's (or a test driver's) metrics. */
  public static StreamsHealth from(Map<MetricName, ? extends Metric> metrics) {
    double dropped = 0;
    double late = 0;
    double invalid = 0;
    double dupResults = 0;
    double dupScores = 0;
    double afterFinish = 0;
    double processed = 0;
    double lag = Double.NaN;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      Object v = e.getValue().metricValue();
      if (!(v instanceof Number number) || !Double.isFinite(number.doubleValue())) {
        continue;
      }
      double d = number.doubleValue();
      String group = n.group();
      String name = n.name();
      if (group.equals("stream-task-metrics") && name.equals("dropped-records-total")) {
        dropped += d;
      } else if (group.equals("stream-thread-metrics") && name.equals("process-total")) {
        processed += d;
      } else if (group.equals("consumer-fetch-manager-metrics")
          && name.equals("records-lag-max")
          && !n.tags().containsKey("topic")) {
        lag = Double.isNaN(lag) ? d : Math.max(lag, d);
      } else if (group.equals(OWN_GROUP)) {
        switch (name) {
          case "late-records-total" -> late += d;
          case "invalid-records-total" -> invalid += d;
          case "duplicate-results-total" -> dupResults += d;
          case "duplicate-scores-total" -> dupScores += d;
          case "records-after-finish-total" -> afterFinish += d;
          default -> {
            // rates and other counters are not exported
          }
        }
      }
    }
    return new StreamsHealth(
        dropped, late, invalid, dupResults, dupScores, afterFinish, processed, lag);
  }
}
