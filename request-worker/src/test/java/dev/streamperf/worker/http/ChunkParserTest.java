package dev.streamperf.worker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkParserTest {

  private final ChunkParser parser = new ChunkParser(new JsonFactory());
  private final ChatChunk chunk = new ChatChunk();

  private ChatChunk parse(String json) throws IOException {
    parser.parse(json.getBytes(StandardCharsets.UTF_8), chunk);
    return chunk;
  }

  @Test
  void roleOnlyFirstChunkOfLlamaCppCarriesNoToken() throws IOException {
    parse(
        "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":null}}],\"created\":1,\"id\":\"chatcmpl-1\",\"model\":\"tiny-qwen\","
            + "\"object\":\"chat.completion.chunk\"}");
    assertThat(chunk.hasRole()).isTrue();
    assertThat(chunk.carriesTokens()).isFalse();
    assertThat(chunk.hasUsage()).isFalse();
    assertThat(chunk.error()).isNull();
  }

  @Test
  void contentChunk() throws IOException {
    parse(
        "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\" h\u00e9\"}}]}");
    assertThat(chunk.content()).isEqualTo(" h\u00e9");
    assertThat(chunk.reasoning()).isNull();
    assertThat(chunk.carriesTokens()).isTrue();
  }

  @Test
  void emptyContentIsNotAToken() throws IOException {
    parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}");
    assertThat(chunk.carriesTokens()).isFalse();
  }

  @Test
  void reasoningUnderBothNames() throws IOException {
    parse("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\"}}]}");
    assertThat(chunk.reasoning()).isEqualTo("think");
    assertThat(chunk.content()).isNull();
    parse("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"hmm\",\"content\":\"A\"}}]}");
    assertThat(chunk.reasoning()).isEqualTo("hmm");
    assertThat(chunk.content()).isEqualTo("A");
  }

  @Test
  void finishReasonAndUsageWithDetailsAndUnknownFields() throws IOException {
    parse(
        "{\"choices\":[],\"usage\":{\"completion_tokens\":5,\"prompt_tokens\":19,"
            + "\"total_tokens\":24,\"prompt_tokens_details\":{\"cached_tokens\":3},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":2}},\"timings\":{\"cache_n\":0,"
            + "\"prompt_ms\":3.73,\"nested\":[1,{\"a\":[2]}]}}");
    assertThat(chunk.hasUsage()).isTrue();
    assertThat(chunk.promptTokens()).isEqualTo(19);
    assertThat(chunk.completionTokens()).isEqualTo(5);
    assertThat(chunk.cachedTokens()).isEqualTo(3);
    assertThat(chunk.reasoningTokens()).isEqualTo(2);
    parse("{\"choices\":[{\"finish_reason\":\"length\",\"index\":0,\"delta\":{}}],\"usage\":null}");
    assertThat(chunk.finishReason()).isEqualTo("length");
    assertThat(chunk.hasUsage()).isFalse();
    assertThat(chunk.promptTokens()).isEqualTo(-1);
  }

  @Test
  void onlyTheFirstChoiceCounts() throws IOException {
    parse(
        "{\"choices\":[{\"delta\":{\"content\":\"other\"},\"index\":1},"
            + "{\"index\":0,\"delta\":{\"content\":\"mine\"}}]}");
    assertThat(chunk.content()).isEqualTo("mine");
    parse("{\"choices\":[{\"delta\":{\"content\":\"other\"},\"index\":1}]}");
    assertThat(chunk.carriesTokens()).isFalse();
  }

  @Test
  void wholeNonStreamingCompletion() throws IOException {
    parse(
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
            + "{\"role\":\"assistant\",\"content\":\"The answer is B.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":6}}");
    assertThat(chunk.content()).isEqualTo("The answer is B.");
    assertThat(chunk.finishReason()).isEqualTo("stop");
    assertThat(chunk.completionTokens()).isEqualTo(6);
  }

  @Test
  void errorObjectsInTheirCommonShapes() throws IOException {
    parse("{\"error\":{\"message\":\"out of memory\",\"type\":\"server_error\",\"code\":500}}");
    assertThat(chunk.error()).isEqualTo("out of memory (server_error, code 500)");
    parse("{\"object\":\"error\",\"message\":\"bad request\",\"type\":\"BadRequestError\"}");
    assertThat(chunk.error()).isEqualTo("bad request");
    parse("{\"error\":\"plain\"}");
    assertThat(chunk.error()).isEqualTo("plain");
    parse("{\"error\":null,\"choices\":[]}");
    assertThat(chunk.error()).isNull();
  }

  @Test
  void malformedJsonFails() {
    assertThatThrownBy(() -> parse("{\"choices\":[{\"delta\":{\"content\":\"x\""))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("not json")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("{} {}")).isInstanceOf(IOException.class);
  }

  @Test
  void resetsBetweenChunks() throws IOException {
    parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}");
    parse("{\"choices\":[]}");
    assertThat(chunk.content()).isNull();
    assertThat(chunk.finishReason()).isNull();
  }
}
