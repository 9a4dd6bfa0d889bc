package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingTest {

  static Simulator sim;
  static final SseClient client = new SseClient();

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(5))
                .ttftPerPromptToken(Duration.ZERO)
                .itl(Duration.ofMillis(2))
                .outputLengths(OutputLengths.fixed(12))
                .build());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  String url() {
    return sim.baseUrl() + "/v1/chat/completions";
  }

  @Test
  void streamHasVllmShapeRoleContentFinishUsageDone() throws Exception {
    SseClient.Response r =
        client.post(
            url(),
            SseClient.chat(
                "Say something.", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
            "X-Request-Id",
            "shape-1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/event-stream");
    assertThat(r.header("x-request-id")).isEqualTo("shape-1");
    List<SseClient.Event> events = r.events();
    assertThat(events).hasSize(1 + 12 + 1 + 1 + 1);

    JsonNode first = events.get(0).json();
    assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(first.path("id").asText()).startsWith("chatcmpl-");
    assertThat(first.path("model").asText()).isEqualTo("streamperf-sim");
    assertThat(first.path("created").isIntegralNumber()).isTrue();
    JsonNode firstChoice = first.path("choices").get(0);
    assertThat(firstChoice.path("index").asInt()).isZero();
    assertThat(firstChoice.path("delta").path("role").asText()).isEqualTo("assistant");
    assertThat(firstChoice.path("delta").path("content").asText()).isEmpty();
    assertThat(firstChoice.path("finish_reason").isNull()).isTrue();

    String id = first.path("id").asText();
    for (SseClient.Event e : events.subList(1, 13)) {
      JsonNode chunk = e.json();
      assertThat(chunk.path("id").asText()).isEqualTo(id);
      JsonNode choice = chunk.path("choices").get(0);
      assertThat(choice.path("delta").size()).isEqualTo(1);
      assertThat(choice.path("delta").path("content").asText()).isNotEmpty();
      assertThat(choice.path("finish_reason").isNull()).isTrue();
    }
    JsonNode finish = events.get(13).json().path("choices").get(0);
    assertThat(finish.path("delta").size()).isZero();
    assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");

    JsonNode usageChunk = events.get(14).json();
    assertThat(usageChunk.path("choices").isArray()).isTrue();
    assertThat(usageChunk.path("choices").size()).isZero();
    JsonNode usage = usageChunk.path("usage");
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(12);
    assertThat(usage.path("prompt_tokens").asInt())
        .isEqualTo(Tokenizers.builtin().count("Say something."));
    assertThat(usage.path("total_tokens").asInt())
        .isEqualTo(usage.path("prompt_tokens").asInt() + 12);
    assertThat(events.get(15).done()).isTrue();

    // what a client counting with the same tokenizer gets agrees with usage
    assertThat(Tokenizers.builtin().count(r.content())).isEqualTo(12);
  }

  @Test
  void withoutIncludeUsageThereIsNoUsageChunk() throws Exception {
    SseClient.Response r = client.post(url(), SseClient.chat("Hi", "\"stream\":true"));
    List<SseClient.Event> events = r.events();
    assertThat(events).hasSize(1 + 12 + 1 + 1);
    assertThat(events.get(13).json().path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("stop");
    assertThat(events.get(14).done()).isTrue();
    assertThat(events).noneMatch(e -> !e.done() && e.json().has("usage"));
  }

  @Test
  void groundTruthMatchesWhatTheClientReceived() throws Exception {
    SseClient.Response r =
        client.post(url(), SseClient.chat("Truth", "\"stream\":true"), "X-Request-Id", "truth-1");
    RequestTruth truth = sim.groundTruth().await("truth-1", Duration.ofSeconds(5)).orElseThrow();
    assertThat(truth.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(truth.completionTokens()).isEqualTo(12);
    assertThat(truth.responseId()).isEqualTo(r.events().get(0).json().path("id").asText());
    assertThat(truth.events())
        .extracting(EventTruth::kind)
        .containsExactly(
            EventKind.ROLE,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.CONTENT,
            EventKind.FINISH,
            EventKind.DONE);
    List<EventTruth> tokens = truth.tokenEvents();
    List<SseClient.Event> received = r.tokenEvents();
    assertThat(received).hasSize(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      // the client read each chunk after the simulator wrote it, and soon after
      long delay = received.get(i).arrivedNanos() - tokens.get(i).actualNanos();
      assertThat(delay).isBetween(0L, Duration.ofMillis(200).toNanos());
    }
    // the timing model: TTFT 5 ms after admission, then one chunk per 2 ms
    assertThat(tokens.get(0).intendedNanos() - truth.admittedNanos())
        .isEqualTo(Duration.ofMillis(5).toNanos());
    for (int i = 1; i < tokens.size(); i++) {
      assertThat(tokens.get(i).intendedNanos() - tokens.get(i - 1).intendedNanos())
          .isEqualTo(Duration.ofMillis(2).toNanos());
    }
  }

  @Test
  void nonStreamingAnswerCarriesMessageAndUsage() throws Exception {
    SseClient.Response r =
        client.post(url(), SseClient.chat("Plain", ""), "X-Request-Id", "plain-1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-request-id")).isEqualTo("plain-1");
    JsonNode body = r.bodyJson();
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(Tokenizers.builtin().count(choice.path("message").path("content").asText()))
        .isEqualTo(12);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
    // TTFT 5 ms + 11 more tokens of 2 ms
    long elapsed = System.nanoTime() - r.sent();
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(27).toNanos());
  }

  @Test
  void modelsHealthAndUnknownRoutes() throws Exception {
    var models = client.get(sim.baseUrl() + "/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    JsonNode list = SseClient.JSON.readTree(models.body());
    assertThat(list.path("data").get(0).path("id").asText()).isEqualTo("streamperf-sim");
    assertThat(client.get(sim.baseUrl() + "/health").statusCode()).isEqualTo(200);
    var missing = client.get(sim.baseUrl() + "/v1/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(SseClient.JSON.readTree(missing.body()).path("error").path("code").asInt())
        .isEqualTo(404);
  }
}
