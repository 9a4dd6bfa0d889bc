package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.schemas.clock.MicrosClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthLogTest {

  @TempDir Path dir;
  static final SseClient client = new SseClient();

  @Test
  void eachFinishedRequestIsOneJsonLineInEpochMicros() throws Exception {
    Path log = dir.resolve("truth/log.jsonl");
    long before = MicrosClock.system().nowMicros();
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(1))
                .itl(Duration.ofMillis(1))
                .outputLengths(OutputLengths.fixed(5))
                .groundTruthLog(log)
                .groundTruthRetention(0)
                .build())) {
      for (int i = 0; i < 3; i++) {
        client.post(
            sim.baseUrl() + "/v1/chat/completions",
            SseClient.chat("x", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
            "X-Request-Id",
            "log-" + i);
      }
      client.post(sim.baseUrl() + "/v1/chat/completions", "{}", "X-Request-Id", "log-bad");
      // retention 0: nothing kept in memory
      assertThat(sim.groundTruth().size()).isZero();
    }
    long after = MicrosClock.system().nowMicros();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(4);
    for (int i = 0; i < 3; i++) {
      JsonNode line = SseClient.JSON.readTree(lines.get(i));
      assertThat(line.path("requestId").asText()).isEqualTo("log-" + i);
      assertThat(line.path("outcome").asText()).isEqualTo("completed");
      assertThat(line.path("completionTokens").asInt()).isEqualTo(5);
      assertThat(line.path("finishReason").asText()).isEqualTo("stop");
      JsonNode events = line.path("events");
      assertThat(events).hasSize(1 + 5 + 1 + 1 + 1);
      assertThat(events.get(0).path("kind").asText()).isEqualTo("role");
      assertThat(events.get(6).path("kind").asText()).isEqualTo("finish");
      assertThat(events.get(7).path("kind").asText()).isEqualTo("usage");
      long received = line.path("receivedUs").asLong();
      assertThat(received).isBetween(before, after);
      long previous = received;
      for (JsonNode e : events) {
        long intended = e.path("intendedUs").asLong();
        long actual = e.path("actualUs").asLong();
        assertThat(actual).isGreaterThanOrEqualTo(intended).isBetween(received, after);
        assertThat(intended).isGreaterThanOrEqualTo(previous);
        previous = intended;
      }
    }
    JsonNode bad = SseClient.JSON.readTree(lines.get(3));
    assertThat(bad.path("requestId").asText()).isEqualTo("log-bad");
    assertThat(bad.path("status").asInt()).isEqualTo(400);
    assertThat(bad.path("outcome").asText()).isEqualTo("error_response");
    assertThat(bad.path("admittedUs").isNull()).isTrue();
  }

  @Test
  void retentionKeepsTheLatestRequests() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ZERO)
                .itl(Duration.ZERO)
                .outputLengths(OutputLengths.fixed(1))
                .groundTruthRetention(3)
                .build())) {
      for (int i = 0; i < 5; i++) {
        client.post(
            sim.baseUrl() + "/v1/chat/completions",
            SseClient.chat("x", ""),
            "X-Request-Id",
            "k" + i);
        sim.groundTruth().await("k" + i, Duration.ofSeconds(5)).orElseThrow();
      }
      assertThat(sim.groundTruth().all())
          .extracting(RequestTruth::requestId)
          .containsExactly("k2", "k3", "k4");
      assertThat(sim.groundTruth().get("k0")).isEmpty();
      assertThat(sim.groundTruth().await("never", Duration.ofMillis(50))).isEmpty();
    }
  }
}
