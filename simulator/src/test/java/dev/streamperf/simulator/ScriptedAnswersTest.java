package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedAnswersTest {

  @TempDir Path dir;
  static final SseClient client = new SseClient();
  static final String STREAM = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";

  Path rules(String... lines) throws Exception {
    Path file = dir.resolve("answers.jsonl");
    Files.write(file, java.util.List.of(lines));
    return file;
  }

  @Test
  void badRulesNameFileLineAndField() throws Exception {
    Path noAnswer = rules("{\"contains\":\"a\",\"answer\":\"A\"}", "", "{\"contains\":\"b\"}");
    assertThatThrownBy(() -> ScriptedAnswers.load(noAnswer))
        .hasMessage(noAnswer + ":3: field 'answer': missing");
    Path badRegex = rules("{\"regex\":\"(unclosed\",\"answer\":\"A\"}");
    assertThatThrownBy(() -> ScriptedAnswers.load(badRegex))
        .hasMessageStartingWith(badRegex + ":1: field 'regex': invalid regular expression");
    Path both = rules("{\"regex\":\"x\",\"contains\":\"y\",\"answer\":\"A\"}");
    assertThatThrownBy(() -> ScriptedAnswers.load(both))
        .hasMessage(both + ":1: fields 'contains' and 'regex' both given (expected: one of them)");
    Path typo = rules("{\"contain\":\"x\",\"answer\":\"A\"}");
    assertThatThrownBy(() -> ScriptedAnswers.load(typo))
        .hasMessageContaining(typo + ":1: field 'contain': unknown");
    Path notJson = rules("contains: x");
    assertThatThrownBy(() -> ScriptedAnswers.load(notJson))
        .hasMessageStartingWith(notJson + ":1: not a JSON object");
    Path number = rules("{\"contains\":\"x\",\"answer\":4}");
    assertThatThrownBy(() -> ScriptedAnswers.load(number))
        .hasMessage(number + ":1: field 'answer': 4 (expected: a string)");
  }

  @Test
  void firstMatchingRuleAnswersAndUsageCountsItsTokens() throws Exception {
    Path file =
        rules(
            "{\"contains\":\"capital of France\",\"answer\":\"Paris\"}",
            "{\"regex\":\"(?i)which letter\",\"answer\":\"The answer is (B). Überraschung! 答案\"}",
            "{\"contains\":\"letter\",\"answer\":\"never reached for 'which letter'\"}");
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ZERO)
                .itl(Duration.ZERO)
                .scriptedAnswers(file)
                .build())) {
      String url = sim.baseUrl() + "/v1/chat/completions";
      SseClient.Response paris =
          client.post(url, SseClient.chat("What is the capital of France?", STREAM));
      assertThat(paris.content()).isEqualTo("Paris");
      String answer = "The answer is (B). Überraschung! 答案";
      SseClient.Response letter =
          client.post(url, SseClient.chat("WHICH LETTER is right?", STREAM));
      assertThat(letter.content()).isEqualTo(answer);
      int tokens = Tokenizers.builtin().count(answer);
      assertThat(
              letter
                  .events()
                  .get(letter.events().size() - 2)
                  .json()
                  .path("usage")
                  .path("completion_tokens")
                  .asInt())
          .isEqualTo(tokens);
      // every chunk is whole UTF-8 text: no replacement characters
      assertThat(letter.tokenEvents())
          .allSatisfy(e -> assertThat(e.data()).doesNotContain("\\ufffd").doesNotContain("\uFFFD"));

      // max_tokens cuts a scripted answer too
      SseClient.Response cut =
          client.post(url, SseClient.chat("which letter?", STREAM + ",\"max_tokens\":3"));
      assertThat(answer).startsWith(cut.content());
      assertThat(cut.content()).isNotEqualTo(answer);

      // unmatched prompts get generated text of the configured length
      SseClient.Response other = client.post(url, SseClient.chat("Tell me a story", STREAM));
      assertThat(other.content()).isNotEqualTo("Paris").isNotEmpty();
    }
  }

  @Test
  void matchesTheLastUserMessageOnly() throws Exception {
    ScriptedAnswers answers =
        ScriptedAnswers.of(
            java.util.List.of(new ScriptedAnswers.Rule("apples", null, "fruit", "code:1")));
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ZERO)
                .itl(Duration.ZERO)
                .outputLengths(OutputLengths.fixed(4))
                .scriptedAnswers(answers)
                .build())) {
      String body =
          "{\"stream\":true,\"messages\":["
              + "{\"role\":\"system\",\"content\":\"You like apples.\"},"
              + "{\"role\":\"user\",\"content\":\"apples?\"},"
              + "{\"role\":\"assistant\",\"content\":\"fruit\"},"
              + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"and pears?\"}]}]}";
      SseClient.Response r = client.post(sim.baseUrl() + "/v1/chat/completions", body);
      assertThat(r.content()).isNotEqualTo("fruit");
      assertThat(r.tokenEvents()).hasSize(4);
    }
  }
}
