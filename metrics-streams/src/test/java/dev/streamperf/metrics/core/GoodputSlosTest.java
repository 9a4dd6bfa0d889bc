package dev.streamperf.metrics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import org.junit.jupiter.api.Test;

class GoodputSlosTest {

  private static RequestValues values(double ttftMs, double lastMs, int osl) {
    return RequestValues.of(
        RequestResult.newBuilder()
            .setRunId("r")
            .setRequestId("q")
            .setSessionId("q")
            .setTurnIndex(0)
            .setSequence(0)
            .setAttempt(1)
            .setWorkerId("w")
            .setPhase(Phase.PROFILING)
            .setModel("m")
            .setEndpoint("e")
            .setSuccess(true)
            .setSentUs(1_000_000L)
            .setFirstContentNs(Math.round(ttftMs * 1e6))
            .setLastContentNs(Math.round(lastMs * 1e6))
            .setCompletedUs(2_000_000L)
            .setOutputTokens(osl)
            .build());
  }

  @Test
  void parsesAiperfsSpelling() {
    GoodputSlos slos = GoodputSlos.parse(" time_to_first_token:200  inter_token_latency:20.5 ");
    assertThat(slos.thresholds())
        .containsExactly(
            java.util.Map.entry(Metric.TIME_TO_FIRST_TOKEN, 200.0),
            java.util.Map.entry(Metric.INTER_TOKEN_LATENCY, 20.5));
    assertThat(slos.spec()).isEqualTo("time_to_first_token:200 inter_token_latency:20.5");
    assertThat(
            GoodputSlos.parse("request_latency:300,output_token_throughput_per_user:600")
                .thresholds())
        .hasSize(2);
  }

  @Test
  void latenciesMustBeAtMostAndThroughputsAtLeastTheThreshold() {
    // ITL (110-10)/10 = 10 ms; throughput per user 100 tokens/s
    GoodputSlos slos =
        GoodputSlos.parse("time_to_first_token:10 output_token_throughput_per_user:100");
    assertThat(slos.met(values(10, 110, 11))).isTrue();
    assertThat(slos.met(values(10.001, 110, 11))).as("TTFT over").isFalse();
    assertThat(slos.met(values(10, 111, 11))).as("throughput under").isFalse();
    assertThat(slos.met(values(10, 110, 1))).as("no ITL with one token: missing fails").isFalse();
  }

  @Test
  void refusesWhatItCannotCheck() {
    assertThatThrownBy(() -> GoodputSlos.parse("ttft:200"))
        .hasMessageContaining("unknown per-request metric 'ttft'")
        .hasMessageContaining("time_to_first_token");
    assertThatThrownBy(() -> GoodputSlos.parse("request_throughput:5"))
        .hasMessageContaining("unknown per-request metric 'request_throughput'");
    assertThatThrownBy(() -> GoodputSlos.parse("request_latency:fast"))
        .hasMessageContaining("'request_latency:fast': threshold is not a number");
    assertThatThrownBy(() -> GoodputSlos.parse("request_latency"))
        .hasMessageContaining("expected: metric:threshold");
    assertThatThrownBy(() -> GoodputSlos.parse("request_latency:1 request_latency:2"))
        .hasMessageContaining("named twice");
    assertThatThrownBy(() -> GoodputSlos.parse("request_latency:-1"))
        .hasMessageContaining("expected: a threshold >= 0");
  }
}
