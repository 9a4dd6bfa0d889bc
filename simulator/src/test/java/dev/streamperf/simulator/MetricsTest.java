package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /metrics: vLLM's names for what vLLM reports, streamperf_simulator_* for the rest. */
class MetricsTest {

  static final SseClient client = new SseClient();

  static Map<String, Double> scrape(Simulator sim) throws Exception {
    HttpResponse<String> r = client.get(sim.baseUrl() + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  @Test
  void countsTokensRequestsLatenciesFaultsAndLateness() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(1))
                .itl(Duration.ofMillis(1))
                .outputLengths(OutputLengths.fixed(12))
                .faultRate(FaultKind.HTTP_429, 0.5)
                .seed(3)
                .build())) {
      int ok = 0;
      int limited = 0;
      int promptTokens = 0;
      for (int i = 0; i < 10; i++) {
        SseClient.Response r =
            client.post(
                sim.baseUrl() + "/v1/chat/completions",
                SseClient.chat(
                    "hello there", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        if (r.status() == 200) {
          ok++;
          promptTokens +=
              r.events()
                  .get(r.events().size() - 2)
                  .json()
                  .path("usage")
                  .path("prompt_tokens")
                  .asInt();
        } else {
          limited++;
        }
      }
      assertThat(ok).isPositive();
      assertThat(limited).isPositive();
      client.post(sim.baseUrl() + "/v1/chat/completions", "{}");

      Map<String, Double> m = scrape(sim);
      String model = "{model_name=\"streamperf-sim\"}";
      assertThat(m.get("vllm:generation_tokens_total" + model)).isEqualTo(12.0 * ok);
      assertThat(m.get("vllm:num_requests_running" + model)).isZero();
      assertThat(m.get("vllm:num_requests_waiting" + model)).isZero();
      assertThat(m.get("vllm:time_to_first_token_seconds_count" + model)).isEqualTo((double) ok);
      assertThat(m.get("vllm:e2e_request_latency_seconds_count" + model)).isEqualTo((double) ok);
      assertThat(
              m.get(
                  "vllm:request_success_total{finished_reason=\"stop\",model_name=\"streamperf-sim\"}"))
          .isEqualTo((double) ok);
      // a 429 is answered before the prompt is processed
      assertThat(m.get("vllm:prompt_tokens_total" + model)).isEqualTo((double) promptTokens);
      assertThat(m.get("streamperf_simulator_faults_total{fault=\"http-429\"}")).isEqualTo(limited);
      assertThat(m.get("streamperf_simulator_requests_total{outcome=\"completed\"}")).isEqualTo(ok);
      assertThat(m.get("streamperf_simulator_requests_total{outcome=\"error_response\"}"))
          .isEqualTo(limited + 1.0);
      assertThat(m.get("streamperf_simulator_errors_total{kind=\"bad_request\"}")).isEqualTo(1.0);
      assertThat(m.get("streamperf_simulator_chunk_lateness_seconds_count")).isEqualTo(12.0 * ok);
      assertThat(m.get("streamperf_simulator_chunk_lateness_seconds_bucket{le=\"+Inf\"}"))
          .isEqualTo(12.0 * ok);
      assertThat(m).containsKey("streamperf_simulator_open_connections");

      SimulatorStats stats = sim.stats();
      assertThat(stats.generationTokens()).isEqualTo(12L * ok);
      assertThat(stats.faults().get(FaultKind.HTTP_429)).isEqualTo(limited);
      assertThat(sim.emissionLateness().getTotalCount()).isEqualTo(12L * ok);
    }
  }
}
