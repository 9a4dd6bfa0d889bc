package dev.streamperf.schemas.health;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The process's own metrics, for every component's {@code /metrics}: the JVM's memory pools,
 * garbage collections, threads and buffer pools, and the process's resident memory and CPU time
 * ({@code jvm_*}, {@code process_*}, the Prometheus Java client's standard names). What a soak is
 * watched for in Grafana: a resident memory or live heap that keeps rising. One registry per
 * process, however many components it runs, so its collectors and GC listeners exist once.
 */
public final class ProcessMetrics {

  private static final PrometheusRegistry REGISTRY = registry();

  private ProcessMetrics() {}

  private static PrometheusRegistry registry() {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    return registry;
  }

  /** A component's own snapshots followed by the process's. */
  public static MetricSnapshots with(MetricSnapshots own) {
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    own.forEach(all::metricSnapshot);
    for (var snapshot : REGISTRY.scrape()) {
      if (!all.containsMetricName(snapshot.getMetadata().getName())) {
        all.metricSnapshot(snapshot);
      }
    }
    return all.build();
  }
}
