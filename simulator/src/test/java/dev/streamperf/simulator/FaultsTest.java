package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each fault, seen from plain HTTP clients (java.net.http and a raw socket). */
class FaultsTest {

  static final SseClient client = new SseClient();
  static final String STREAM = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";

  static Simulator withFault(FaultKind kind, Consumer<SimulatorConfig.Builder> more) {
    SimulatorConfig.Builder builder =
        SimulatorConfig.builder()
            .ttftBase(Duration.ofMillis(2))
            .itl(Duration.ofMillis(3))
            .outputLengths(OutputLengths.fixed(10))
            .faultRate(kind, 1.0);
    more.accept(builder);
    return Simulator.start(builder.build());
  }

  static String url(Simulator sim) {
    return sim.baseUrl() + "/v1/chat/completions";
  }

  @Test
  void http500HasAnErrorBodyAndNoRetryAfter() throws Exception {
    try (Simulator sim = withFault(FaultKind.HTTP_500, b -> {})) {
      SseClient.Response r =
          client.post(url(sim), SseClient.chat("x", STREAM), "X-Request-Id", "f500");
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.header("retry-after")).isNull();
      assertThat(r.header("x-request-id")).isEqualTo("f500");
      JsonNode error = r.bodyJson().path("error");
      assertThat(error.path("code").asInt()).isEqualTo(500);
      assertThat(error.path("message").asText()).isNotEmpty();
      RequestTruth truth = sim.groundTruth().await("f500", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.fault()).isEqualTo(FaultKind.HTTP_500);
      assertThat(truth.status()).isEqualTo(500);
      assertThat(sim.stats().faults().get(FaultKind.HTTP_500)).isEqualTo(1);
    }
  }

  @Test
  void http503And429CarryRetryAfter() throws Exception {
    for (FaultKind kind : List.of(FaultKind.HTTP_503, FaultKind.HTTP_429)) {
      try (Simulator sim = withFault(kind, b -> b.retryAfter(Duration.ofSeconds(7)))) {
        SseClient.Response r = client.post(url(sim), SseClient.chat("x", STREAM));
        int code = kind == FaultKind.HTTP_503 ? 503 : 429;
        assertThat(r.status()).isEqualTo(code);
        assertThat(r.header("retry-after")).isEqualTo("7");
        assertThat(r.bodyJson().path("error").path("code").asInt()).isEqualTo(code);
      }
    }
  }

  @Test
  void resetBreaksTheConnectionMidStreamWithoutDone() throws Exception {
    try (Simulator sim = withFault(FaultKind.RESET, b -> {})) {
      RawHttp.Exchange x =
          RawHttp.exchange(
              sim.port(),
              RawHttp.post(
                  "/v1/chat/completions", SseClient.chat("x", STREAM), "X-Request-Id", "reset-1"),
              null);
      assertThat(x.failure()).isInstanceOf(SocketException.class);
      assertThat(x.failure().getMessage()).containsIgnoringCase("reset");
      assertThat(x.received()).startsWith("HTTP/1.1 200 OK").doesNotContain("[DONE]");
      RequestTruth truth = sim.groundTruth().await("reset-1", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.outcome()).isEqualTo(Outcome.RESET);
      assertThat(truth.faultAfterChunk()).isBetween(1, 9);
      assertThat(truth.tokenEvents()).hasSize(truth.faultAfterChunk());
      assertThat(countContentEvents(x.received())).isEqualTo(truth.faultAfterChunk());
    }
  }

  @Test
  void stallPausesMidStreamThenCompletes() throws Exception {
    try (Simulator sim = withFault(FaultKind.STALL, b -> b.stallDuration(Duration.ofMillis(300)))) {
      SseClient.Response r =
          client.post(url(sim), SseClient.chat("x", STREAM), "X-Request-Id", "stall-1");
      RequestTruth truth = sim.groundTruth().await("stall-1", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.outcome()).isEqualTo(Outcome.COMPLETED);
      List<SseClient.Event> tokens = r.tokenEvents();
      assertThat(tokens).hasSize(10);
      assertThat(r.events().get(r.events().size() - 1).done()).isTrue();
      int j = truth.faultAfterChunk();
      assertThat(j).isBetween(1, 9);
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < tokens.size(); i++) {
        gaps.add(tokens.get(i).arrivedNanos() - tokens.get(i - 1).arrivedNanos());
      }
      // the gap after chunk j holds the stall; no other gap comes near it
      assertThat(gaps.get(j - 1)).isGreaterThanOrEqualTo(Duration.ofMillis(295).toNanos());
      for (int i = 0; i < gaps.size(); i++) {
        if (i != j - 1) {
          assertThat(gaps.get(i)).isLessThan(Duration.ofMillis(150).toNanos());
        }
      }
    }
  }

  @Test
  void malformedChunkIsOneEventThatIsNotJsonAndTheStreamCompletes() throws Exception {
    try (Simulator sim = withFault(FaultKind.MALFORMED_CHUNK, b -> {})) {
      SseClient.Response r =
          client.post(url(sim), SseClient.chat("x", STREAM), "X-Request-Id", "bad-1");
      int malformed = 0;
      for (SseClient.Event e : r.events()) {
        if (e.done()) {
          continue;
        }
        try {
          SseClient.JSON.readTree(e.data());
        } catch (IOException notJson) {
          malformed++;
        }
      }
      assertThat(malformed).isEqualTo(1);
      assertThat(r.events()).hasSize(1 + 10 + 1 + 1 + 1 + 1);
      assertThat(r.events().get(r.events().size() - 1).done()).isTrue();
      RequestTruth truth = sim.groundTruth().await("bad-1", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.events()).filteredOn(e -> e.kind() == EventKind.MALFORMED).hasSize(1);
      assertThat(truth.completionTokens()).isEqualTo(10);
    }
  }

  @Test
  void cutEndsTheBodyBeforeDoneAndTheConnectionStaysUsable() throws Exception {
    try (Simulator sim = withFault(FaultKind.CUT, b -> {})) {
      RawHttp.Exchange x =
          RawHttp.exchange(
              sim.port(),
              RawHttp.post(
                  "/v1/chat/completions", SseClient.chat("x", STREAM), "X-Request-Id", "cut-1"),
              "\r\n0\r\n\r\n");
      assertThat(x.failure()).isNull();
      assertThat(x.received()).endsWith("\r\n0\r\n\r\n").doesNotContain("[DONE]");
      assertThat(x.received()).doesNotContain("finish_reason\":\"");
      RequestTruth truth = sim.groundTruth().await("cut-1", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.outcome()).isEqualTo(Outcome.CUT);
      assertThat(countContentEvents(x.received())).isEqualTo(truth.faultAfterChunk());

      // java.net.http sees a clean end without [DONE], and reuses the connection afterwards
      for (int i = 0; i < 2; i++) {
        SseClient.Response r = client.post(url(sim), SseClient.chat("x", STREAM));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.events()).noneMatch(SseClient.Event::done);
        assertThat(r.tokenEvents()).hasSizeBetween(1, 9);
      }
    }
  }

  @Test
  void slowHeadersDelayTheResponseHeaders() throws Exception {
    try (Simulator sim =
        withFault(FaultKind.SLOW_HEADERS, b -> b.slowHeadersDelay(Duration.ofMillis(400)))) {
      RawHttp.Exchange x =
          RawHttp.exchange(
              sim.port(),
              RawHttp.post("/v1/chat/completions", SseClient.chat("x", STREAM)),
              "\r\n0\r\n\r\n");
      assertThat(x.failure()).isNull();
      assertThat(x.headersNanos() - x.sentNanos())
          .isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
      assertThat(x.received()).startsWith("HTTP/1.1 200 OK").contains("data: [DONE]");
    }
  }

  @Test
  void faultsFollowTheSeed() throws Exception {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      long seed = run < 2 ? 42 : 43;
      try (Simulator sim =
          Simulator.start(
              SimulatorConfig.builder()
                  .ttftBase(Duration.ZERO)
                  .itl(Duration.ZERO)
                  .outputLengths(OutputLengths.fixed(3))
                  .faultRate(FaultKind.HTTP_500, 0.25)
                  .faultRate(FaultKind.HTTP_429, 0.25)
                  .seed(seed)
                  .build())) {
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          SseClient.Response r =
              client.post(url(sim), SseClient.chat("x", STREAM), "X-Request-Id", "s" + i);
          faults.add(
              sim.groundTruth()
                      .await("s" + i, Duration.ofSeconds(5))
                      .orElseThrow()
                      .injectedFault()
                      .map(FaultKind::label)
                      .orElse("none")
                  + "/"
                  + r.status());
        }
        runs.add(faults);
      }
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1)).isNotEqualTo(runs.get(2));
    // about half fail: 40 draws at p = 0.5
    assertThat(runs.get(0).stream().filter(f -> f.startsWith("none/200")).count())
        .isBetween(8L, 32L);
  }

  private static int countContentEvents(String raw) {
    int count = 0;
    int at = 0;
    while ((at = raw.indexOf("\"delta\":{\"content\":\"", at)) >= 0) {
      if (!raw.startsWith("\"delta\":{\"content\":\"\"}", at)) {
        count++;
      }
      at++;
    }
    return count;
  }
}
