package dev.streamperf.worker;

import static dev.streamperf.worker.TestRequests.media;
import static dev.streamperf.worker.TestRequests.text;
import static dev.streamperf.worker.TestRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.embedded.LlamaCppServer;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.TokenCountSource;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker against a real llama.cpp server on the embedded broker: text, image and audio requests
 * through the requests and media topics, results and token events read back.
 */
class LlamaCppWorkerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXTRA = "{\"cache_prompt\":false,\"ignore_eos\":true}";

  private static LlamaCppServer llama;
  private static EmbeddedStack stack;
  private static RequestWorker worker;
  private static PipelineClient pipeline;

  @BeforeAll
  static void start() {
    llama = LlamaCpp.startOrSkip();
    stack = EmbeddedStack.start(TopicCatalog.builder().replicationFactor(1).partitions(2).build());
    pipeline = new PipelineClient(stack.cluster());
    worker =
        RequestWorker.create(
            stack.cluster(),
            WorkerConfig.builder()
                .url(llama.baseUrl())
                .workerId("llama-it")
                .metricsPort(0)
                .metricsHost("127.0.0.1")
                .keepTokenText(true)
                .build());
    worker.start();
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (llama != null) {
      llama.close();
    }
  }

  private static InferenceRequest request(
      String id, long sequence, int maxTokens, dev.streamperf.schemas.Message message) {
    InferenceRequest r =
        TestRequests.single("run-llama", id, sequence, LlamaCppServer.MODEL, maxTokens, message);
    r.setExtraBody(EXTRA);
    return r;
  }

  @Test
  void textImageAndAudioRequestsSucceedWithTimingsUsageAndTokens() throws Exception {
    MediaBlob png = TestRequests.png(64);
    MediaBlob wav = TestRequests.wav(1000);
    pipeline.publish(png);
    pipeline.publish(wav);
    String prompt = "Describe what you are given in one sentence.";
    pipeline.publish(
        List.of(
            request("text", 0, 8, user(text(prompt))),
            request("image", 1, 8, user(text(prompt), media(png))),
            request("audio", 2, 8, user(text(prompt), media(wav)))));

    Map<String, RequestResult> results =
        pipeline.results(r -> r.size() >= 3, Duration.ofSeconds(60)).stream()
            .collect(Collectors.toMap(RequestResult::getRequestId, Function.identity()));
    assertThat(results).containsOnlyKeys("text", "image", "audio");
    for (RequestResult r : results.values()) {
      assertThat(r.getSuccess()).as("%s: %s", r.getRequestId(), r.getErrorMessage()).isTrue();
      assertThat(r.getHttpStatus()).isEqualTo(200);
      assertThat(r.getAttempt()).isEqualTo(1);
      assertThat(r.getWorkerId()).isEqualTo("llama-it");
      assertThat(r.getEndpoint()).isEqualTo(llama.baseUrl());
      assertThat(r.getSentUs()).isNotNull();
      assertThat(r.getHeadersNs()).isPositive();
      assertThat(r.getFirstContentNs()).isGreaterThanOrEqualTo(r.getHeadersNs());
      assertThat(r.getLastContentNs()).isGreaterThanOrEqualTo(r.getFirstContentNs());
      assertThat(r.getCompletedNs()).isGreaterThanOrEqualTo(r.getLastContentNs());
      assertThat(r.getCompletedUs()).isGreaterThanOrEqualTo(r.getSentUs());
      assertThat(r.getOutputTokens()).as("ignore_eos: exactly max tokens").isEqualTo(8);
      assertThat(r.getOutputTokensSource()).isEqualTo(TokenCountSource.SERVER);
      assertThat(r.getInputTokensSource()).isEqualTo(TokenCountSource.SERVER);
      assertThat(r.getFinishReason()).isEqualTo("length");
      assertThat(r.getContentEvents()).isBetween(1, 8);
      assertThat(r.getOutputText()).isNotEmpty();
      assertThat(r.getCachedTokens()).isZero();
    }
    assertThat(results.get("image").getImageCount()).isEqualTo(1);
    assertThat(results.get("audio").getAudioCount()).isEqualTo(1);
    int textTokens = results.get("text").getInputTokens();
    assertThat(results.get("image").getInputTokens())
        .as("an image costs llama.cpp's projector 64 tokens")
        .isGreaterThanOrEqualTo(textTokens + 60);
    assertThat(results.get("audio").getInputTokens())
        .as("a second of audio costs about 750 tokens")
        .isGreaterThanOrEqualTo(textTokens + 700);

    List<TokenEvent> events =
        pipeline.tokenEvents(
            e ->
                e.size()
                    >= results.values().stream().mapToInt(RequestResult::getContentEvents).sum(),
            Duration.ofSeconds(30));
    for (RequestResult r : results.values()) {
      List<TokenEvent> mine =
          events.stream()
              .filter(e -> e.getRequestId().equals(r.getRequestId()))
              .sorted(Comparator.comparing(TokenEvent::getIndex))
              .toList();
      assertThat(mine).hasSize(r.getContentEvents());
      assertThat(mine.get(0).getSinceSentNs()).isEqualTo(r.getFirstContentNs());
      assertThat(mine.get(0).getGapNs()).isNull();
      assertThat(mine.get(mine.size() - 1).getSinceSentNs()).isEqualTo(r.getLastContentNs());
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < mine.size(); i++) {
        assertThat(mine.get(i).getIndex()).isEqualTo(i);
        if (i > 0) {
          assertThat(mine.get(i).getGapNs())
              .isEqualTo(mine.get(i).getSinceSentNs() - mine.get(i - 1).getSinceSentNs());
        }
        joined.append(mine.get(i).getText());
      }
      assertThat(joined.toString()).isEqualTo(r.getOutputText());
    }

    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + worker.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics).contains("streamperf_worker_requests_sent_total{worker=\"llama-it\"}");
    assertThat(metrics).contains("streamperf_worker_transactions_total");
  }

  @Test
  void theRoleOnlyFirstChunkIsNotAToken() throws Exception {
    String prompt = "Count the colours of a rainbow.";
    InferenceRequest request = request("role-check", 10, 12, user(text(prompt)));
    pipeline.publish(List.of(request));
    RequestResult result =
        pipeline
            .results(
                r -> r.stream().anyMatch(x -> x.getRequestId().equals("role-check")),
                Duration.ofSeconds(60))
            .stream()
            .filter(x -> x.getRequestId().equals("role-check"))
            .findFirst()
            .orElseThrow();
    assertThat(result.getSuccess()).isTrue();

    // the same deterministic request (seed, temperature 0) read raw: what llama.cpp sent
    String body =
        "{\"model\":\"tiny-qwen\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"max_completion_tokens\":12,\"temperature\":0.0,\"seed\":42,"
            + "\"cache_prompt\":false,\"ignore_eos\":true}";
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(llama.baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    List<JsonNode> chunks = new ArrayList<>();
    for (String line : raw.body().split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        chunks.add(JSON.readTree(line.substring(6)));
      }
    }
    JsonNode first = chunks.get(0);
    assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(first.at("/choices/0/delta/content").isNull()).isTrue();
    long contentChunks =
        chunks.stream().filter(c -> !c.at("/choices/0/delta/content").asText("").isEmpty()).count();
    assertThat(chunks.size())
        .as("role, content..., finish, usage")
        .isGreaterThan((int) contentChunks);
    assertThat(result.getContentEvents()).isEqualTo((int) contentChunks);
    StringBuilder rawText = new StringBuilder();
    chunks.forEach(c -> rawText.append(c.at("/choices/0/delta/content").asText("")));
    assertThat(result.getOutputText()).isEqualTo(rawText.toString());
  }
}
