package dev.streamperf.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.schemas.Reference;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtherScorersTest {

  private static Reference ref(String scorer, String answer, Map<String, String> metadata) {
    return Reference.newBuilder().setScorer(scorer).setAnswer(answer).setMetadata(metadata).build();
  }

  @Test
  void exactMatchTrimsAndOptionallyIgnoresCase() throws Exception {
    ExactMatchScorer exact = new ExactMatchScorer();
    assertThat(exact.score("  Paris\n", ref("exact_match", "Paris", Map.of()), "r").value())
        .isEqualTo(1.0);
    assertThat(exact.score("paris", ref("exact_match", "Paris", Map.of()), "r").value()).isZero();
    assertThat(
            exact
                .score("paris", ref("exact_match", "Paris", Map.of("ignore_case", "true")), "r")
                .value())
        .isEqualTo(1.0);
    assertThat(
            exact
                .score(" Paris", ref("exact_match", "Paris", Map.of("trim", "false")), "r")
                .value())
        .isZero();
    assertThatThrownBy(
            () -> exact.score("x", ref("exact_match", "x", Map.of("ignore_case", "yes")), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessage("reference.metadata.ignore_case: 'yes' (expected: true or false)");
  }

  @Test
  void regexFindsOrMatchesWholeWithFlags() throws Exception {
    RegexScorer regex = new RegexScorer();
    ScoreOutcome found =
        regex.score("The total is 42 apples", ref("regex", "\\b4\\d\\b", Map.of()), "r");
    assertThat(found.value()).isEqualTo(1.0);
    assertThat(found.extracted()).isEqualTo("42");
    assertThat(
            regex
                .score("The total is 42", ref("regex", "\\d+", Map.of("match", "full")), "r")
                .value())
        .isZero();
    assertThat(regex.score("YES", ref("regex", "yes", Map.of("flags", "i")), "r").value())
        .isEqualTo(1.0);
    assertThat(regex.score("YES", ref("regex", "yes", Map.of()), "r").value()).isZero();
    assertThatThrownBy(() -> regex.score("x", ref("regex", "(unclosed", Map.of()), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessageStartingWith("reference.answer: not a regular expression");
    assertThatThrownBy(() -> regex.score("x", ref("regex", "x", Map.of("flags", "g")), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessage("reference.metadata.flags: 'g' (expected: letters of i, m, s)");
  }

  @Test
  void catastrophicBacktrackingIsABadReferenceNotAHang() {
    RegexScorer regex = new RegexScorer();
    // about 8 s unbounded on JDK 17 (which memoizes the classic (a+)+ case)
    String evil = "a".repeat(30) + "!";
    long started = System.nanoTime();
    assertThatThrownBy(() -> regex.score(evil, ref("regex", "(.*a){12}$", Map.of()), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessageContaining("catastrophic backtracking");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void jsonSchemaValidityCountsViolations() throws Exception {
    JsonSchemaScorer json = new JsonSchemaScorer();
    String schema =
        "{\"type\": \"object\", \"required\": [\"name\", \"age\"], \"additionalProperties\": false,"
            + " \"properties\": {\"name\": {\"type\": \"string\"},"
            + " \"age\": {\"type\": \"integer\", \"minimum\": 0}}}";
    Reference reference = ref("json_schema", schema, Map.of());

    ScoreOutcome valid = json.score("{\"name\": \"Ada\", \"age\": 36}", reference, "r");
    assertThat(valid.value()).isEqualTo(1.0);
    assertThat(valid.parsed()).isTrue();
    assertThat(valid.components()).containsEntry("violations", 0.0);

    ScoreOutcome invalid = json.score("{\"name\": 7, \"age\": -1, \"x\": 1}", reference, "r");
    assertThat(invalid.value()).isZero();
    assertThat(invalid.parsed()).isTrue();
    assertThat(invalid.components().get("violations")).isEqualTo(3.0);

    for (String notJson : new String[] {"```json\n{\"name\": \"Ada\", \"age\": 1}\n```", "", "{"}) {
      ScoreOutcome s = json.score(notJson, reference, "r");
      assertThat(s.parsed()).as(notJson).isFalse();
      assertThat(s.value()).as(notJson).isZero();
    }
  }

  @Test
  void aSchemaNamingAnOlderDraftIsAppliedWithThatDraft() throws Exception {
    // draft-04 exclusiveMaximum is a boolean modifier of maximum
    String schema =
        "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"type\": \"number\","
            + " \"maximum\": 10, \"exclusiveMaximum\": true}";
    JsonSchemaScorer json = new JsonSchemaScorer();
    assertThat(json.score("10", ref("json_schema", schema, Map.of()), "r").value()).isZero();
    assertThat(json.score("9.5", ref("json_schema", schema, Map.of()), "r").value()).isEqualTo(1.0);
  }

  @Test
  void anUnusableSchemaIsABadReference() {
    JsonSchemaScorer json = new JsonSchemaScorer();
    assertThatThrownBy(() -> json.score("{}", ref("json_schema", "{not json", Map.of()), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessageStartingWith("reference.answer: not a JSON schema");
    assertThatThrownBy(() -> json.score("{}", ref("json_schema", "[1, 2]", Map.of()), "r"))
        .isInstanceOf(BadReferenceException.class);
    long started = System.nanoTime();
    String remote = "{\"$ref\": \"http://127.0.0.1:9/never-fetched.json\"}";
    assertThatThrownBy(() -> json.score("{}", ref("json_schema", remote, Map.of()), "r"))
        .isInstanceOf(BadReferenceException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void theRegistryFindsEveryBuiltInScorerByName() {
    ScorerRegistry registry = ScorerRegistry.defaults(1);
    assertThat(registry.names())
        .containsExactly(
            "multiple_choice", "hierarchical_f1", "exact_match", "regex", "json_schema");
    assertThat(registry.find("regex")).get().isInstanceOf(RegexScorer.class);
    assertThat(registry.find("bleu")).isEmpty();
    assertThatThrownBy(
            () -> ScorerRegistry.of(java.util.List.of(new RegexScorer(), new RegexScorer())))
        .hasMessage("scorer name: 'regex' (duplicate)");
  }
}
