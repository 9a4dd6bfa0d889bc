package dev.streamperf.worker.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import dev.streamperf.worker.media.ResolvedMedia;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadBuilderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
  private static final byte[] WAV = {'R', 'I', 'F', 'F', 9, 8, 7};
  private static final String IMAGE_SHA = "a".repeat(64);
  private static final String AUDIO_SHA = "b".repeat(64);

  private final PayloadBuilder builder = new PayloadBuilder(new JsonFactory(), false, true);

  private static ContentPart text(String text) {
    return ContentPart.newBuilder().setType(PartType.TEXT).setText(text).build();
  }

  private static Message message(String role, ContentPart... parts) {
    return Message.newBuilder().setRole(role).setParts(List.of(parts)).build();
  }

  private static Turn.Builder turn(String id, Message... messages) {
    return Turn.newBuilder().setRequestId(id).setMessages(List.of(messages));
  }

  private static InferenceRequest.Builder request(Turn... turns) {
    return InferenceRequest.newBuilder()
        .setRunId("run")
        .setSessionId("s1")
        .setSequence(0)
        .setPhase(Phase.PROFILING)
        .setPublishedUs(0)
        .setModel("m")
        .setTurns(List.of(turns))
        .setSampling(SamplingParameters.newBuilder().build());
  }

  private static Map<String, ResolvedMedia> media() {
    MediaBlob image =
        MediaBlob.newBuilder()
            .setSha256(IMAGE_SHA)
            .setType(PartType.IMAGE)
            .setMimeType("image/png")
            .setFormat("png")
            .setData(ByteBuffer.wrap(PNG))
            .setCreatedUs(0)
            .build();
    MediaBlob audio =
        MediaBlob.newBuilder()
            .setSha256(AUDIO_SHA)
            .setType(PartType.AUDIO)
            .setMimeType("audio/wav")
            .setFormat("wav")
            .setData(ByteBuffer.wrap(WAV))
            .setCreatedUs(0)
            .build();
    return Map.of(IMAGE_SHA, ResolvedMedia.of(image), AUDIO_SHA, ResolvedMedia.of(audio));
  }

  private JsonNode build(InferenceRequest request, int turn, List<String> replies)
      throws Exception {
    byte[] body =
        builder.build(
            request, turn, replies, PayloadBuilder.parseExtraBody(request.getExtraBody()), media());
    return JSON.readTree(body);
  }

  @Test
  void singleTextPartIsPlainStringContentWithStreamingOptions() throws Exception {
    JsonNode body =
        build(
            request(turn("r0", message("user", text("hi \"there\"\n"))).setMaxTokens(64).build())
                .build(),
            0,
            List.of());
    assertThat(body.get("model").asText()).isEqualTo("m");
    assertThat(body.get("messages")).hasSize(1);
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(body.at("/messages/0/content").asText()).isEqualTo("hi \"there\"\n");
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(64);
    assertThat(body.has("max_tokens")).isFalse();
  }

  @Test
  void legacyMaxTokensAndNoStreamOptionsWithoutStreaming() throws Exception {
    PayloadBuilder legacy = new PayloadBuilder(new JsonFactory(), true, true);
    InferenceRequest request =
        request(
                turn("r0", message("user", text("x")))
                    .setMaxTokens(8)
                    .setMinTokens(8)
                    .setIgnoreEos(true)
                    .build())
            .setStream(false)
            .build();
    JsonNode body = JSON.readTree(legacy.build(request, 0, List.of(), null, Map.of()));
    assertThat(body.get("max_tokens").asInt()).isEqualTo(8);
    assertThat(body.get("min_tokens").asInt()).isEqualTo(8);
    assertThat(body.get("ignore_eos").asBoolean()).isTrue();
    assertThat(body.get("stream").asBoolean()).isFalse();
    assertThat(body.has("stream_options")).isFalse();
  }

  @Test
  void mediaBecomeOpenAiContentParts() throws Exception {
    ContentPart image =
        ContentPart.newBuilder().setType(PartType.IMAGE).setMediaSha256(IMAGE_SHA).build();
    ContentPart audio =
        ContentPart.newBuilder().setType(PartType.AUDIO).setMediaSha256(AUDIO_SHA).build();
    ContentPart video =
        ContentPart.newBuilder().setType(PartType.VIDEO).setUrl("https://x.test/v.mp4").build();
    ContentPart audioUrl =
        ContentPart.newBuilder().setType(PartType.AUDIO).setUrl("https://x.test/a.wav").build();
    ContentPart audioData =
        ContentPart.newBuilder()
            .setType(PartType.AUDIO)
            .setUrl("data:audio/mpeg;base64,AAAA")
            .build();
    JsonNode body =
        build(
            request(
                    turn(
                            "r0",
                            message("system", text("sys")),
                            message(
                                "user", text("what?"), image, audio, video, audioUrl, audioData))
                        .build())
                .build(),
            0,
            List.of());
    JsonNode parts = body.at("/messages/1/content");
    assertThat(body.at("/messages/0/content").asText()).isEqualTo("sys");
    assertThat(parts).hasSize(6);
    assertThat(parts.at("/0/type").asText()).isEqualTo("text");
    assertThat(parts.at("/0/text").asText()).isEqualTo("what?");
    assertThat(parts.at("/1/type").asText()).isEqualTo("image_url");
    assertThat(parts.at("/1/image_url/url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
    assertThat(parts.at("/2/type").asText()).isEqualTo("input_audio");
    assertThat(parts.at("/2/input_audio/data").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(WAV));
    assertThat(parts.at("/2/input_audio/format").asText()).isEqualTo("wav");
    assertThat(parts.at("/3/video_url/url").asText()).isEqualTo("https://x.test/v.mp4");
    assertThat(parts.at("/4/type").asText()).isEqualTo("audio_url");
    assertThat(parts.at("/4/audio_url/url").asText()).isEqualTo("https://x.test/a.wav");
    assertThat(parts.at("/5/input_audio/data").asText()).isEqualTo("AAAA");
    assertThat(parts.at("/5/input_audio/format").asText()).isEqualTo("mp3");
  }

  @Test
  void threadsEarlierTurnsWithTheLiveReplies() throws Exception {
    InferenceRequest request =
        request(
                turn("r0", message("system", text("be brief")), message("user", text("q1")))
                    .build(),
                turn("r1", message("user", text("q2"))).build(),
                turn("r2", message("user", text("q3"))).build())
            .build();
    JsonNode body = build(request, 2, List.of("a1", "a2"));
    assertThat(body.get("messages"))
        .extracting(m -> m.get("role").asText() + ":" + m.get("content").asText())
        .containsExactly(
            "system:be brief", "user:q1", "assistant:a1", "user:q2", "assistant:a2", "user:q3");
    assertThat(PayloadBuilder.promptText(request, 2, List.of("a1", "a2")))
        .isEqualTo("be brief\nq1\na1\nq2\na2\nq3");
  }

  @Test
  void samplingParametersAndExtraBodyWhichWins() throws Exception {
    InferenceRequest request =
        request(turn("r0", message("user", text("x"))).setMaxTokens(100).build())
            .setSampling(
                SamplingParameters.newBuilder()
                    .setTemperature(0.5)
                    .setTopP(0.9)
                    .setTopK(40)
                    .setSeed(7L)
                    .setStop(List.of("END"))
                    .build())
            .setExtraBody(
                "{\"max_completion_tokens\":5,\"cache_prompt\":false,\"nested\":{\"a\":[1]}}")
            .build();
    byte[] raw =
        builder.build(
            request, 0, List.of(), PayloadBuilder.parseExtraBody(request.getExtraBody()), Map.of());
    String text = new String(raw, StandardCharsets.UTF_8);
    assertThat(text.split("max_completion_tokens", -1)).as("the field appears once").hasSize(2);
    JsonNode body = JSON.readTree(raw);
    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(5);
    assertThat(body.get("cache_prompt").asBoolean()).isFalse();
    assertThat(body.at("/nested/a/0").asInt()).isEqualTo(1);
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
    assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.get("top_k").asInt()).isEqualTo(40);
    assertThat(body.get("seed").asLong()).isEqualTo(7L);
    assertThat(body.at("/stop/0").asText()).isEqualTo("END");
  }

  @Test
  void badExtraBodyAndMissingMediaAreReported() {
    assertThatThrownBy(() -> PayloadBuilder.parseExtraBody("[1]"))
        .hasMessageContaining("expected: an object");
    assertThatThrownBy(() -> PayloadBuilder.parseExtraBody("{nope"))
        .hasMessageContaining("extraBody: not JSON");
    ContentPart image =
        ContentPart.newBuilder().setType(PartType.IMAGE).setMediaSha256("c".repeat(64)).build();
    InferenceRequest request = request(turn("r0", message("user", image)).build()).build();
    assertThatThrownBy(() -> builder.build(request, 0, List.of(), null, Map.of()))
        .isInstanceOf(MissingMediaException.class)
        .hasMessageContaining("c".repeat(64));
  }

  @Test
  void countsTheTurnsOwnMedia() {
    ContentPart image =
        ContentPart.newBuilder().setType(PartType.IMAGE).setMediaSha256(IMAGE_SHA).build();
    ContentPart audio =
        ContentPart.newBuilder().setType(PartType.AUDIO).setMediaSha256(AUDIO_SHA).build();
    Turn turn = turn("r0", message("user", text("x"), image, image, audio)).build();
    assertThat(PayloadBuilder.mediaCounts(turn)).containsExactly(2, 1, 0);
  }
}
