package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The metrics flags turn into a checked MetricsConfig and sit beside every other mixin. */
class MetricsOptionsTest {

  private static final ClusterConfig CLUSTER = ClusterConfig.of("localhost:9092", "mock://m");

  @Command(name = "t")
  static final class Metrics {
    @Mixin MetricsOptions options;
  }

  /** Every mixin {@code profile} composes, with this one: picocli refuses a duplicate name. */
  @Command(name = "all")
  static final class Everything {
    @Mixin ClusterOptions cluster;
    @Mixin ProducerOptions producer;
    @Mixin WorkerOptions worker;
    @Mixin TokenizerOptions tokenizer;
    @Mixin EvaluatorOptions evaluator;
    @Mixin SimulatorOptions simulator;
    @Mixin MetricsOptions metrics;
  }

  private static MetricsConfig parse(String... args) {
    Metrics m = new Metrics();
    new CommandLine(m).parseArgs(args);
    return m.options.config(CLUSTER);
  }

  @Test
  void defaultsAreTheConfigsAndPort8080() {
    MetricsConfig c = parse();
    assertThat(c.applicationId()).isEqualTo(MetricsConfig.DEFAULT_APPLICATION_ID);
    assertThat(c.window()).isEqualTo(MetricsConfig.DEFAULT_WINDOW);
    assertThat(c.grace()).isEqualTo(MetricsConfig.DEFAULT_GRACE);
    assertThat(c.completionGrace()).isEqualTo(MetricsConfig.DEFAULT_COMPLETION_GRACE);
    assertThat(c.commitInterval()).isEqualTo(MetricsConfig.DEFAULT_COMMIT_INTERVAL);
    assertThat(c.startupGrace()).isEqualTo(MetricsConfig.DEFAULT_STARTUP_GRACE);
    assertThat(c.runRetention()).isEqualTo(MetricsConfig.DEFAULT_RUN_RETENTION);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.goodput().isEmpty()).isTrue();
    assertThat(c.awaitScores()).isTrue();
  }

  @Test
  void everyFlagReachesTheConfig() {
    MetricsConfig c =
        parse(
            "--metrics-application-id=m2",
            "--metrics-threads=2",
            "--metrics-state-dir=/tmp/s",
            "--metrics-commit-interval=0.25",
            "--window=PT5S",
            "--grace=2.5",
            "--completion-grace=60",
            "--metrics-startup-grace=0",
            "--metrics-run-retention=PT2H",
            "--goodput=time_to_first_token:200 inter_token_latency:20",
            "--no-await-scores",
            "--http-host=127.0.0.1",
            "--http-port=9090");
    assertThat(c.applicationId()).isEqualTo("m2");
    assertThat(c.streamThreads()).isEqualTo(2);
    assertThat(c.stateDir()).isEqualTo(Path.of("/tmp/s"));
    assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.grace()).isEqualTo(Duration.ofMillis(2_500));
    assertThat(c.completionGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.startupGrace()).isZero();
    assertThat(c.runRetention()).isEqualTo(Duration.ofHours(2));
    assertThat(c.goodput().thresholds())
        .containsEntry(Metric.TIME_TO_FIRST_TOKEN, 200.0)
        .containsEntry(Metric.INTER_TOKEN_LATENCY, 20.0);
    assertThat(c.awaitScores()).isFalse();
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(9090);
  }

  @Test
  void badValuesNameTheParameter() {
    assertThatThrownBy(() -> parse("--window=0.05"))
        .hasMessageContaining("metrics window: PT0.05S");
    assertThatThrownBy(() -> parse("--goodput=ttft:x"))
        .hasMessageContaining("unknown per-request metric 'ttft'");
    assertThatThrownBy(() -> parse("--http-port=70000"))
        .hasMessageContaining("metrics http port: 70000");
    assertThatThrownBy(() -> parse("--grace=ten"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'ten' (expected: seconds, e.g. 10 or 0.5, or ISO-8601, e.g. PT10S)");
  }

  @Test
  void itComposesWithEveryOtherComponentsOptions() {
    CommandLine all = new CommandLine(new Everything());
    assertThat(all.getCommandSpec().findOption("--http-port")).isNotNull();
    assertThat(all.getCommandSpec().findOption("--window")).isNotNull();
    assertThat(all.getCommandSpec().findOption("--goodput")).isNotNull();
  }
}
