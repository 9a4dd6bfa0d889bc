package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sampling and length parameters, API key, and 4xx answers naming the field. */
class RequestParametersTest {

  static Simulator sim;
  static final SseClient client = new SseClient();
  static final String STREAM = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ZERO)
                .itl(Duration.ZERO)
                .outputLengths(OutputLengths.fixed(12))
                .maxModelLen(1000)
                .build());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static SseClient.Response chat(String extra) throws Exception {
    return client.post(
        sim.baseUrl() + "/v1/chat/completions", SseClient.chat("Count for me.", extra));
  }

  static JsonNode usage(SseClient.Response r) {
    return r.events().get(r.events().size() - 2).json().path("usage");
  }

  static String finishReason(SseClient.Response r) {
    for (SseClient.Event e : r.events()) {
      if (!e.done() && e.json().path("choices").size() > 0) {
        JsonNode reason = e.json().path("choices").get(0).path("finish_reason");
        if (!reason.isNull()) {
          return reason.asText();
        }
      }
    }
    return null;
  }

  @Test
  void maxTokensCutsTheOutputWithFinishReasonLength() throws Exception {
    SseClient.Response r = chat(STREAM + ",\"max_tokens\":5");
    assertThat(r.tokenEvents()).hasSize(5);
    assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(5);
    assertThat(finishReason(r)).isEqualTo("length");
    assertThat(Tokenizers.builtin().count(r.content())).isEqualTo(5);
  }

  @Test
  void maxCompletionTokensWinsOverMaxTokens() throws Exception {
    SseClient.Response r = chat(STREAM + ",\"max_tokens\":7,\"max_completion_tokens\":3");
    assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void minTokensLengthensTheOutputAndItStillStops() throws Exception {
    SseClient.Response r = chat(STREAM + ",\"max_tokens\":100,\"min_tokens\":20");
    assertThat(r.tokenEvents()).hasSize(20);
    assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(20);
    assertThat(finishReason(r)).isEqualTo("stop");
  }

  @Test
  void ignoreEosRunsToMaxTokens() throws Exception {
    SseClient.Response r = chat(STREAM + ",\"max_tokens\":30,\"ignore_eos\":true");
    assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(30);
    assertThat(finishReason(r)).isEqualTo("length");
  }

  @Test
  void seedMakesTheTextRepeatable() throws Exception {
    String a = chat(STREAM + ",\"seed\":7").content();
    String b = chat(STREAM + ",\"seed\":7").content();
    String c = chat(STREAM + ",\"seed\":8").content();
    String d = chat(STREAM).content();
    String e = chat(STREAM).content();
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    assertThat(d).isNotEqualTo(e);
  }

  @Test
  void tokensPerChunkGroupsTokensAfterTheFirst() throws Exception {
    try (Simulator chunky =
        Simulator.start(
            sim.config().toBuilder().tokensPerChunk(4).groundTruthRetention(10).build())) {
      SseClient.Response r =
          client.post(
              chunky.baseUrl() + "/v1/chat/completions",
              SseClient.chat("x", STREAM),
              "X-Request-Id",
              "chunky");
      assertThat(r.tokenEvents()).hasSize(4);
      assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(12);
      assertThat(Tokenizers.builtin().count(r.content())).isEqualTo(12);
      RequestTruth truth =
          chunky.groundTruth().await("chunky", Duration.ofSeconds(5)).orElseThrow();
      assertThat(truth.tokenEvents()).extracting(EventTruth::tokens).containsExactly(1, 4, 4, 3);
    }
  }

  @Test
  void reasoningContentComesBeforeContent() throws Exception {
    try (Simulator thinker = Simulator.start(sim.config().toBuilder().reasoningTokens(4).build())) {
      SseClient.Response r =
          client.post(thinker.baseUrl() + "/v1/chat/completions", SseClient.chat("x", STREAM));
      List<SseClient.Event> tokens = r.tokenEvents();
      assertThat(tokens).hasSize(16);
      for (int i = 0; i < tokens.size(); i++) {
        JsonNode delta = tokens.get(i).json().path("choices").get(0).path("delta");
        assertThat(delta.size()).isEqualTo(1);
        assertThat(delta.has("reasoning_content")).isEqualTo(i < 4);
        assertThat(delta.has("content")).isEqualTo(i >= 4);
      }
      assertThat(usage(r).path("completion_tokens").asInt()).isEqualTo(16);
    }
  }

  @Test
  void badParametersAre400NamingTheField() throws Exception {
    assertBadRequest(STREAM + ",\"max_tokens\":0", "max_tokens", "max_tokens: 0 (expected: >= 1)");
    assertBadRequest(STREAM + ",\"max_tokens\":\"ten\"", "max_tokens", "expected: an integer");
    assertBadRequest(
        STREAM + ",\"max_tokens\":5,\"min_tokens\":6",
        "min_tokens",
        "min_tokens: 6 (expected: <= max_tokens 5)");
    assertBadRequest(STREAM + ",\"n\":2", "n", "n: 2 (expected: 1");
    assertBadRequest(
        "\"stream_options\":{\"include_usage\":true}", "stream_options", "stream is true");
    assertBadRequest(
        STREAM + ",\"max_tokens\":999", "max_tokens", "maximum context length is 1000");
    assertBadRequest(STREAM + ",\"seed\":1.5", "seed", "expected: an integer");
    SseClient.Response noMessages =
        client.post(sim.baseUrl() + "/v1/chat/completions", "{\"model\":\"streamperf-sim\"}");
    assertThat(noMessages.status()).isEqualTo(400);
    assertThat(noMessages.bodyJson().path("error").path("param").asText()).isEqualTo("messages");
    SseClient.Response notJson = client.post(sim.baseUrl() + "/v1/chat/completions", "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.bodyJson().path("error").path("message").asText())
        .contains("not valid JSON");
    SseClient.Response badRole =
        client.post(
            sim.baseUrl() + "/v1/chat/completions",
            "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}");
    assertThat(badRole.bodyJson().path("error").path("param").asText())
        .isEqualTo("messages[0].role");
  }

  @Test
  void unknownModelIs404() throws Exception {
    SseClient.Response r =
        client.post(
            sim.baseUrl() + "/v1/chat/completions",
            "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.bodyJson().path("error").path("message").asText()).contains("gpt-9");
  }

  @Test
  void apiKeyGuardsV1ButNotHealth() throws Exception {
    try (Simulator guarded = Simulator.start(sim.config().toBuilder().apiKey("sk-test").build())) {
      String url = guarded.baseUrl() + "/v1/chat/completions";
      SseClient.Response none = client.post(url, SseClient.chat("x", STREAM));
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.bodyJson().path("error").path("code").asInt()).isEqualTo(401);
      assertThat(
              client
                  .post(url, SseClient.chat("x", STREAM), "Authorization", "Bearer nope")
                  .status())
          .isEqualTo(401);
      assertThat(client.get(guarded.baseUrl() + "/v1/models").statusCode()).isEqualTo(401);
      SseClient.Response ok =
          client.post(url, SseClient.chat("x", STREAM), "Authorization", "Bearer sk-test");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.tokenEvents()).hasSize(12);
      assertThat(client.get(guarded.baseUrl() + "/health").statusCode()).isEqualTo(200);
    }
  }

  private static void assertBadRequest(String extra, String param, String message)
      throws Exception {
    SseClient.Response r = chat(extra);
    assertThat(r.status()).as(extra).isEqualTo(400);
    JsonNode error = r.bodyJson().path("error");
    assertThat(error.path("param").asText()).as(extra).isEqualTo(param);
    assertThat(error.path("message").asText()).as(extra).contains(message);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asInt()).isEqualTo(400);
  }
}
