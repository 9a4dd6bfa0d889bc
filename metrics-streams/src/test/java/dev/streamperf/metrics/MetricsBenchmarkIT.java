package dev.streamperf.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.metrics.bench.MetricsBenchmark;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmark behind {@code streamperf bench metrics} runs end to end on a small backlog. It
 * checks that it measures what it says, not the targets (those are for the benchmark on an idle
 * machine): every backlog token event is counted, and the watched window shows up on /metrics no
 * earlier than its grace allows.
 */
class MetricsBenchmarkIT {

  @Test
  void measuresBacklogThroughputAndWindowVisibility() throws Exception {
    int events = Integer.getInteger("bench.tokenEvents", 30_000);
    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().partitions(4).replicationFactor(1).build())) {
      MetricsBenchmark.Result r =
          new MetricsBenchmark(
                  stack.cluster(),
                  new MetricsBenchmark.Settings(
                      events,
                      events / 3,
                      50,
                      1,
                      Duration.ofSeconds(2),
                      Duration.ofSeconds(1),
                      2_000))
              .run();
      System.out.println("BENCH " + r);
      assertThat(r.throughput().tokenEvents())
          .isBetween((long) events * 9 / 10, (long) events * 11 / 10);
      assertThat(r.throughput().eventsPerSecond()).isPositive();
      // a warm-up instance ran first; the measured one's one thread owns a task per token-events
      // partition (their own sub-topology) besides its results and per-run tasks
      assertThat(r.throughput().warmupSeconds()).isPositive();
      assertThat(r.throughput().threads()).hasSize(1);
      assertThat(r.throughput().threads().get(0).tokenEventTasks()).isEqualTo(4);
      assertThat(r.throughput().threads().get(0).otherTasks()).isPositive();
      assertThat(r.throughput().otherCpu()).containsKey("JVM");
      assertThat(r.visibility().windowEndUs() - r.visibility().windowStartUs())
          .isEqualTo(2_000_000);
      assertThat(r.visibility().secondsAfterEnd()).isBetween(0.9, 15.0);
      assertThat(r.visibility().tokenEvents()).isPositive();
    }
  }
}
