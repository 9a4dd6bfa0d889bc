package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Image, audio and video parts are measured and charged as prompt tokens; bad parts get 400. */
class MediaPartsTest {

  static Simulator sim;
  static HttpServer files;
  static final SseClient client = new SseClient();
  static final String TEXT = "Describe what you see and hear.";
  static final byte[] PNG = TestMedia.image("png", 100, 60); // 4 x 3 patches of 28 px

  @BeforeAll
  static void start() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ZERO)
                .ttftPerPromptToken(Duration.ZERO)
                .ttftPerImage(Duration.ofMillis(7))
                .itl(Duration.ZERO)
                .outputLengths(OutputLengths.fixed(2))
                .audioTokensPerSecond(25)
                .videoFramesPerSecond(2)
                .build());
    files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    files.createContext(
        "/cat.png",
        exchange -> {
          exchange.sendResponseHeaders(200, PNG.length);
          exchange.getResponseBody().write(PNG);
          exchange.close();
        });
    files.createContext(
        "/moved.png",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/cat.png");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    files.start();
  }

  @AfterAll
  static void stop() {
    files.stop(0);
    sim.close();
  }

  static int textTokens() {
    return Tokenizers.builtin().count(TEXT);
  }

  /** A non-streaming request with the text part followed by the given parts. */
  static SseClient.Response send(String requestId, ObjectNode... parts) throws Exception {
    ObjectNode body = SseClient.JSON.createObjectNode();
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    ArrayNode content = message.putArray("content");
    content.addObject().put("type", "text").put("text", TEXT);
    for (ObjectNode part : parts) {
      content.add(part);
    }
    return client.post(
        sim.baseUrl() + "/v1/chat/completions", body.toString(), "X-Request-Id", requestId);
  }

  static ObjectNode imageUrl(String url) {
    ObjectNode part = SseClient.JSON.createObjectNode().put("type", "image_url");
    part.putObject("image_url").put("url", url);
    return part;
  }

  static ObjectNode videoUrl(String url) {
    ObjectNode part = SseClient.JSON.createObjectNode().put("type", "video_url");
    part.putObject("video_url").put("url", url);
    return part;
  }

  static ObjectNode inputAudio(byte[] audio, String format) {
    ObjectNode part = SseClient.JSON.createObjectNode().put("type", "input_audio");
    part.putObject("input_audio").put("data", TestMedia.base64(audio)).put("format", format);
    return part;
  }

  static int promptTokens(SseClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.bodyJson().path("usage").path("prompt_tokens").asInt();
  }

  @Test
  void imagesCostOneTokenPer28PixelPatchAndTheirTimeToFirstToken() throws Exception {
    SseClient.Response r =
        send(
            "img-1",
            imageUrl(TestMedia.dataUrl("image/png", PNG)),
            imageUrl(TestMedia.dataUrl("image/jpeg", TestMedia.image("jpg", 280, 280))));
    assertThat(promptTokens(r)).isEqualTo(textTokens() + 4 * 3 + 10 * 10);
    RequestTruth truth = sim.groundTruth().await("img-1", Duration.ofSeconds(5)).orElseThrow();
    assertThat(truth.events().get(0).intendedNanos() - truth.admittedNanos())
        .isEqualTo(Duration.ofMillis(14).toNanos());
  }

  @Test
  void audioCostsTokensPerSecond() throws Exception {
    assertThat(promptTokens(send("wav", inputAudio(TestMedia.wav(2.0), "wav"))))
        .isEqualTo(textTokens() + 50);
    // 77 frames of 1152 samples at 44.1 kHz: 2.0114 s
    assertThat(promptTokens(send("mp3", inputAudio(TestMedia.mp3(77), "mp3"))))
        .isEqualTo(textTokens() + 51);
  }

  @Test
  void videoCostsItsSampledFramesAsImages() throws Exception {
    SseClient.Response r =
        send("vid", videoUrl(TestMedia.dataUrl("video/mp4", TestMedia.mp4(320, 240, 3000))));
    // 3 s at 2 frames/s, each 12 x 9 patches
    assertThat(promptTokens(r)).isEqualTo(textTokens() + 6 * 12 * 9);
  }

  @Test
  void httpImageUrlsAreFetchedFollowingRedirects() throws Exception {
    String base = "http://127.0.0.1:" + files.getAddress().getPort();
    assertThat(promptTokens(send("http-1", imageUrl(base + "/cat.png"))))
        .isEqualTo(textTokens() + 12);
    assertThat(promptTokens(send("http-2", imageUrl(base + "/moved.png"))))
        .isEqualTo(textTokens() + 12);
    SseClient.Response missing = send("http-3", imageUrl(base + "/missing.png"));
    assertBadPart(missing, "messages[0].content[1].image_url.url", "HTTP 404");
  }

  @Test
  void malformedPartsAre400WithTheFieldPath() throws Exception {
    assertBadPart(
        send("bad-1", imageUrl("data:image/png;base64,AAAA")),
        "messages[0].content[1].image_url.url",
        "not an image");
    assertBadPart(
        send("bad-2", imageUrl("data:image/png;base64,***")),
        "messages[0].content[1].image_url.url",
        "not valid base64");
    assertBadPart(
        send("bad-3", imageUrl("ftp://example.com/x.png")),
        "messages[0].content[1].image_url.url",
        "expected: a data: or http(s) URL");
    assertBadPart(
        send("bad-4", inputAudio(TestMedia.wav(1), "ogg")),
        "messages[0].content[1].input_audio.format",
        "expected: wav or mp3");
    assertBadPart(
        send("bad-5", inputAudio(new byte[] {1, 2, 3, 4}, "wav")),
        "messages[0].content[1].input_audio.data",
        "not a readable WAV");
    assertBadPart(
        send("bad-6", SseClient.JSON.createObjectNode().put("type", "hologram")),
        "messages[0].content[1].type",
        "'hologram'");
    assertBadPart(
        send("bad-7", videoUrl(TestMedia.dataUrl("video/mp4", PNG))),
        "messages[0].content[1].video_url.url",
        "not MP4");
    ObjectNode noUrl = SseClient.JSON.createObjectNode().put("type", "image_url");
    noUrl.putObject("image_url");
    assertBadPart(send("bad-8", noUrl), "messages[0].content[1].image_url.url", "missing");
    assertThat(sim.stats().errors().get("bad_request")).isGreaterThanOrEqualTo(8);
  }

  private static void assertBadPart(SseClient.Response r, String param, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode error = r.bodyJson().path("error");
    assertThat(error.path("param").asText()).isEqualTo(param);
    assertThat(error.path("message").asText()).contains(message);
    assertThat(error.path("code").asInt()).isEqualTo(400);
  }
}
