package dev.streamperf.producer.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.schedule.Arrivals;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every input format parsed from its fixture, and every kind of bad line named by line and field.
 */
class InputSourceTest {

  static Tokenizer tokenizer;
  static PromptSynthesizer prompts;

  @BeforeAll
  static void load() {
    tokenizer = Tokenizers.builtin();
    prompts = PromptSynthesizer.load(tokenizer);
  }

  static Path fixture(String name) {
    try {
      return Path.of(InputSourceTest.class.getResource("/inputs/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static InputSource source(String name, InputFormat format, FixedSchedule schedule) {
    return new InputSource(
        new InputSpec.File(fixture(name), format, MediaUrls.PASS, schedule),
        prompts,
        new Seeds(7),
        false);
  }

  static List<ContentPart> parts(SessionTemplate s, int turn) {
    List<ContentPart> out = new ArrayList<>();
    s.turns().get(turn).messages().forEach(m -> out.addAll(m.getParts()));
    return out;
  }

  static String text(SessionTemplate s, int turn) {
    return parts(s, turn).stream()
        .filter(p -> p.getType() == PartType.TEXT)
        .map(ContentPart::getText)
        .collect(Collectors.joining("|"));
  }

  static List<Long> offsets(InputSource source) {
    Arrivals arrivals = source.schedule().orElseThrow();
    List<Long> out = new ArrayList<>();
    for (long t = arrivals.next(); t != Arrivals.END; t = arrivals.next()) {
      out.add(t);
    }
    return out;
  }

  @Test
  void singleTurnReadsTextsMediaTimestampsOutputLengthAndExtra() {
    InputSource source =
        source("single_turn.jsonl", InputFormat.SINGLE_TURN, FixedSchedule.plain());
    assertThat(source.size()).hasValue(4);
    SessionTemplate first = source.session(0);
    assertThat(text(first, 0)).isEqualTo("What is in this picture?");
    TurnTemplate turn = first.turns().get(0);
    assertThat(turn.maxTokens()).isEqualTo(16);
    assertThat(turn.inputTokens()).isEqualTo(tokenizer.count("What is in this picture?"));
    assertThat(turn.media()).hasSize(1);
    assertThat(turn.media().get(0).width()).isEqualTo(4);
    assertThat(turn.media().get(0).height()).isEqualTo(3);
    assertThat(parts(first, 0).get(1).getMediaSha256()).isEqualTo(turn.media().get(0).sha256());
    assertThat(first.source()).isEqualTo("single_turn.jsonl:1");

    SessionTemplate second = source.session(1);
    assertThat(text(second, 0)).isEqualTo("Compare these.|Be brief.");
    assertThat(second.turns().get(0).media()).hasSize(2);
    assertThat(second.extraBody()).isEqualTo("{\"temperature\":0.2}");

    TurnTemplate audio = source.session(2).turns().get(0);
    assertThat(audio.media().get(0).type()).isEqualTo(PartType.AUDIO);
    assertThat(audio.media().get(0).durationMs()).isEqualTo(100);
    assertThat(audio.media().get(0).format()).isEqualTo("wav");

    ContentPart remote = parts(source.session(3), 0).get(1);
    assertThat(remote.getUrl()).isEqualTo("https://example.invalid/cat.png");
    assertThat(remote.getMediaSha256()).isNull();
    assertThat(source.session(3).turns().get(0).media()).isEmpty();

    assertThat(offsets(source)).containsExactly(0L, 250_500_000L, 1_000_000_000L, 1_500_000_000L);
  }

  @Test
  void fixedScheduleOffsetsAndSpeedup() {
    InputSource auto =
        source("multi_turn.jsonl", InputFormat.MULTI_TURN, new FixedSchedule(true, null, null, 2));
    assertThat(offsets(auto)).containsExactly(0L, 100_000_000L);
    InputSource window =
        source(
            "single_turn.jsonl", InputFormat.SINGLE_TURN, new FixedSchedule(false, 250L, 1000L, 1));
    assertThat(window.size()).hasValue(2);
    assertThat(offsets(window)).containsExactly(500_000L, 750_000_000L);
    assertThat(text(window.session(0), 0)).isEqualTo("Compare these.|Be brief.");
  }

  @Test
  void multiTurnKeepsSessionsTurnsAndDelays() {
    InputSource source = source("multi_turn.jsonl", null, null);
    assertThat(source.size()).hasValue(2);
    assertThat(source.schedule()).isEmpty();
    SessionTemplate chat = source.session(0);
    assertThat(chat.turnCount()).isEqualTo(2);
    assertThat(text(chat, 1)).isEqualTo("And the picture?");
    assertThat(chat.turns().get(1).delayMs()).isEqualTo(2000);
    assertThat(chat.turns().get(1).maxTokens()).isEqualTo(8);
    assertThat(chat.turns().get(1).media()).hasSize(1);
    assertThat(chat.source()).isEqualTo("multi_turn.jsonl:1 session chat-1");
    assertThat(text(source.session(1), 0)).isEqualTo("One|Two");
  }

  @Test
  void randomPoolDrawsOneEntryOfEachFilePerSessionReproducibly() {
    InputSource source = source("pool", null, null);
    assertThat(source.size()).isEmpty();
    List<String> drawn = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      SessionTemplate s = source.session(i);
      List<ContentPart> parts = parts(s, 0);
      assertThat(parts).hasSize(2);
      assertThat(parts.get(0).getText()).startsWith("Query A");
      assertThat(parts.get(1).getType()).isEqualTo(PartType.IMAGE);
      drawn.add(parts.get(0).getText() + parts.get(1).getMediaSha256());
    }
    assertThat(drawn.stream().distinct().count()).isGreaterThan(3);
    InputSource again = source("pool", null, null);
    for (int i = 0; i < 30; i++) {
      assertThat(again.session(i)).isEqualTo(source.session(i));
    }
  }

  @Test
  void mooncakeTraceSharesPrefixBlocksByHashIdExactInTokens() {
    InputSource source = source("mooncake.jsonl", null, FixedSchedule.plain());
    assertThat(source.loaded().format()).isEqualTo(InputFormat.MOONCAKE_TRACE);
    String a = text(source.session(0), 0);
    String b = text(source.session(1), 0);
    assertThat(tokenizer.count(a)).isEqualTo(600);
    assertThat(tokenizer.count(b)).isEqualTo(1100);
    assertThat(source.session(0).turns().get(0).inputTokens()).isEqualTo(600);
    int common = 0;
    while (common < Math.min(a.length(), b.length()) && a.charAt(common) == b.charAt(common)) {
      common++;
    }
    assertThat(tokenizer.count(a.substring(0, common)))
        .as("blocks 1 and 2 shared")
        .isGreaterThanOrEqualTo(512);
    assertThat(source.session(0).turns().get(0).maxTokens()).isEqualTo(10);
    assertThat(text(source.session(2), 0)).isEqualTo("Plain text prompt");
    SessionTemplate messages = source.session(3);
    assertThat(messages.turns().get(0).messages()).hasSize(2);
    assertThat(messages.turns().get(0).messages().get(0).getRole()).isEqualTo("system");
    assertThat(messages.turns().get(0).media()).hasSize(1);
    assertThat(tokenizer.count(text(source.session(4), 0))).isEqualTo(40);
    assertThat(offsets(source))
        .containsExactly(0L, 500_000_000L, 1_000_000_000L, 1_200_000_000L, 1_500_000_000L);
  }

  @Test
  void genaiPerfLinesReadTextInputOrTextAndImage() {
    InputSource source = source("genai_perf.jsonl", null, null);
    assertThat(source.loaded().format()).isEqualTo(InputFormat.GENAI_PERF);
    assertThat(text(source.session(0), 0)).isEqualTo("What is the capital of France?");
    assertThat(text(source.session(1), 0)).isEqualTo("What is in the image?");
    assertThat(source.session(1).turns().get(0).media()).hasSize(1);
  }

  @Test
  void burstGptRowsBecomePromptsOfTheirTokenCountsOnTheirTimestamps() {
    InputSource source = source("burstgpt.csv", null, new FixedSchedule(true, null, null, 1));
    assertThat(source.loaded().format()).isEqualTo(InputFormat.BURST_GPT_TRACE);
    assertThat(tokenizer.count(text(source.session(0), 0))).isEqualTo(120);
    assertThat(source.session(0).turns().get(0).maxTokens()).isEqualTo(30);
    assertThat(source.session(1).turns().get(0).maxTokens()).isNull();
    assertThat(source.session(2).turns().get(0).inputTokens()).isEqualTo(200);
    assertThat(offsets(source)).containsExactly(0L, 250_000_000L, 2_000_000_000L);
  }

  @Test
  void cyclesWhenAStopAsksForMore() {
    InputSource source =
        new InputSource(
            new InputSpec.File(fixture("genai_perf.jsonl"), null, MediaUrls.PASS, null),
            prompts,
            new Seeds(1),
            true);
    assertThat(source.size()).isEmpty();
    assertThat(source.session(2)).isEqualTo(source.session(0));
  }

  static InputException bad(String name, FixedSchedule schedule) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> source("bad/" + name, null, schedule));
    assertThat(thrown).isInstanceOf(InputException.class);
    return (InputException) thrown;
  }

  @Test
  void invalidJsonNamesItsLine() {
    InputException e = bad("invalid_json.jsonl", null);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).startsWith(fixture("bad/invalid_json.jsonl") + ":3: invalid JSON");
  }

  @Test
  void missingFieldNamesLineAndField() {
    InputException e = bad("missing_field.jsonl", null);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("text");
    assertThat(e.getMessage()).contains("missing_field.jsonl:2: text: missing");
    InputException turns = bad("missing_turns.jsonl", null);
    assertThat(turns.line()).isEqualTo(2);
    assertThat(turns.getMessage()).contains(":2: turns: missing");
  }

  @Test
  void wrongTypeNamesLineAndField() {
    InputException e = bad("wrong_type.jsonl", null);
    assertThat(e.getMessage()).contains("wrong_type.jsonl:2: output_length: expected an integer");
  }

  @Test
  void missingImageFileNamesLineAndField() {
    InputException e = bad("missing_image.jsonl", null);
    assertThat(e.getMessage()).contains("missing_image.jsonl:2: images[1]: no such file");
  }

  @Test
  void badCsvRowNamesLineAndColumn() {
    InputException e = bad("bad_row.csv", null);
    assertThat(e.getMessage()).contains("bad_row.csv:3: Request tokens: 'ten'");
  }

  @Test
  void fixedScheduleWithoutTimestampsNamesTheLine() {
    InputException e = bad("../genai_perf.jsonl", FixedSchedule.plain());
    assertThat(e.getMessage()).contains("genai_perf.jsonl:1: timestamp: missing");
  }

  @Test
  void unknownFormatNameIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> InputFormat.of("sharegpt"))
        .hasMessageContaining("--custom-dataset-type: 'sharegpt' (expected: single_turn");
  }
}
