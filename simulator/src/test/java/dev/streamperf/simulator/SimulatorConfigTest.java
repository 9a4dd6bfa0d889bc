package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

  @Test
  void badValuesNameTheParameterAndTheValue() {
    SimulatorConfig.Builder b = SimulatorConfig.builder();
    assertThatThrownBy(() -> b.itl(Duration.ofMillis(-1)))
        .hasMessage("inter-token latency: -1 ms (expected: >= 0)");
    assertThatThrownBy(() -> b.ttftBase(Duration.ofNanos(-1500)))
        .hasMessage("time to first token base: -0.0015 ms (expected: >= 0)");
    assertThatThrownBy(() -> b.port(70_000))
        .hasMessage("port: 70000 (expected: between 0 and 65535)");
    assertThatThrownBy(() -> b.maxRunningSequences(0))
        .hasMessage("max running sequences: 0 (expected: > 0)");
    assertThatThrownBy(() -> b.tokensPerChunk(0)).hasMessage("tokens per chunk: 0 (expected: > 0)");
    assertThatThrownBy(() -> b.itlJitter(-0.1))
        .hasMessage("inter-token latency jitter: -0.1 (expected: between 0 and 10)");
    assertThatThrownBy(() -> b.faultRate(FaultKind.STALL, 1.5))
        .hasMessage("fault rate stall: 1.5 (expected: between 0 and 1)");
    assertThatThrownBy(() -> b.models(List.of()))
        .hasMessage("models: [] (expected: at least one model name)");
    assertThatThrownBy(() -> b.retryAfter(Duration.ofMillis(1500)))
        .hasMessage("retry after: 1500 ms (expected: whole seconds)");
    assertThatThrownBy(() -> new OutputLengths(0, 1, 1, 10))
        .hasMessage("output tokens mean: 0.0 (expected: >= 1)");
    assertThatThrownBy(() -> new OutputLengths(10, 1, 5, 4))
        .hasMessage("output tokens max: 4 (expected: >= output tokens min 5)");
    assertThatThrownBy(
            () ->
                SimulatorConfig.builder()
                    .faultRate(FaultKind.HTTP_500, 0.6)
                    .faultRate(FaultKind.RESET, 0.6)
                    .build())
        .hasMessageContaining("sum to 1.2 (expected: <= 1)");
    assertThatThrownBy(() -> FaultKind.fromLabel("explode"))
        .hasMessageStartingWith("fault: explode (expected one of: http-500, http-503");
  }

  @Test
  void defaultsSuitAFastLocalRun() {
    SimulatorConfig c = SimulatorConfig.defaults();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isZero();
    assertThat(c.models()).containsExactly("streamperf-sim");
    assertThat(c.ttftBase()).isEqualTo(Duration.ofMillis(15));
    assertThat(c.itl()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.faultRates()).isEmpty();
    assertThat(c.apiKey()).isEmpty();
    assertThat(c.toBuilder().itl(Duration.ofMillis(1)).build().ttftBase())
        .isEqualTo(Duration.ofMillis(15));
  }

  @Test
  void outputLengthsAreClampedSamplesOfANormal() {
    OutputLengths lengths = new OutputLengths(100, 30, 50, 120);
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    double sum = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      int v = lengths.sample(random);
      assertThat(v).isBetween(50, 120);
      sum += v;
    }
    // the clamp at 120 pulls the mean of N(100, 30) down to about 95
    assertThat(sum / n).isBetween(92.0, 98.0);
    assertThat(OutputLengths.fixed(7).sample(random)).isEqualTo(7);
  }

  @Test
  void intervalDistributionsHaveTheConfiguredMeanAndSpread() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (IntervalDistribution d :
        List.of(IntervalDistribution.NORMAL, IntervalDistribution.LOGNORMAL)) {
      int n = 50_000;
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        long v = d.sample(1_000_000, 0.2, random);
        assertThat(v).isNotNegative();
        sum += v;
        squares += (double) v * v;
      }
      double mean = sum / n;
      double sd = Math.sqrt(squares / n - mean * mean);
      assertThat(mean).as(d.name()).isBetween(990_000.0, 1_010_000.0);
      assertThat(sd / mean).as(d.name()).isBetween(0.19, 0.21);
    }
    assertThat(IntervalDistribution.CONSTANT.sample(5, 3, random)).isEqualTo(5);
  }
}
