package dev.streamperf.metrics.streams;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Runtime faults and notable records of one processor in one task, as Kafka Streams sensors (so
 * they show in {@code KafkaStreams.metrics()} and on /metrics): group {@code
 * stream-streamperf-metrics-metrics}, names {@code <counter>-total} and {@code <counter>-rate}.
 */
final class TaskCounters {

  /** The sensor scope; the metric group is {@code stream-<scope>-metrics}. */
  static final String SCOPE = "streamperf-metrics";

  static final String INVALID_RECORDS = "invalid-records";
  static final String DUPLICATE_RESULTS = "duplicate-results";
  static final String DUPLICATE_SCORES = "duplicate-scores";
  static final String LATE_RECORDS = "late-records";
  static final String RECORDS_AFTER_FINISH = "records-after-finish";

  private final ProcessingContext context;
  private final Map<String, Sensor> sensors = new HashMap<>();

  TaskCounters(ProcessingContext context, String... names) {
    this.context = context;
    String task = context.taskId().toString();
    for (String name : names) {
      sensors.put(
          name,
          context.metrics().addRateTotalSensor(SCOPE, task, name, Sensor.RecordingLevel.INFO));
    }
  }

  void count(String name, long n) {
    sensors.get(name).record(n);
  }

  void close() {
    sensors.values().forEach(context.metrics()::removeSensor);
    sensors.clear();
  }
}
