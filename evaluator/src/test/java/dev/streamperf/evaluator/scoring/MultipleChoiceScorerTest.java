package dev.streamperf.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.schemas.Reference;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultipleChoiceScorerTest {

  private static final Map<Character, String> OPTIONS =
      Map.of('A', "a cat", 'B', "a dog", 'C', "a bird", 'D', "a fish");

  private final ChoiceExtractor extractor = new ChoiceExtractor(OPTIONS);
  private final MultipleChoiceScorer scorer = new MultipleChoiceScorer();

  private static Reference mmstar(String answer) {
    return Reference.newBuilder()
        .setScorer(MultipleChoiceScorer.NAME)
        .setAnswer(answer)
        .setCategory("coarse perception")
        .setMetadata(Map.of("A", "a cat", "B", "a dog", "C", "a bird", "D", "a fish"))
        .build();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "B|B",
        "(B)|B",
        "B.|B",
        "b|B",
        "[C]|C",
        "  D)  |D",
        "Answer: B|B",
        "answer: b|B",
        "The answer is (C).|C",
        "**Answer:** D|D",
        "**Answer**: A|A",
        "The correct answer is option A.|A",
        "Option A is wrong; the answer is C.|C",
        "I choose option D|D",
        "B. a dog|B",
        "(B) a dog|B",
        "C: a bird, because it has wings|C",
        "a dog|B",
        "A dog.|B",
        "The image shows a bird on a branch.|C",
        "The answer is a dog|B",
        "It is clearly B, since the animal barks|B",
        "<think>It could be A or C.</think>The answer is C|C",
      })
  void extractsTheChosenLetter(String answer, char expected) {
    assertThat(extractor.extract(answer)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "Either A or B",
        "I cannot tell.",
        "E",
        "The answer is E",
        "a cat or a dog"
      })
  void findsNoLetterWhenTheAnswerNamesNoneOrSeveral(String answer) {
    assertThat(extractor.extract(answer)).isEmpty();
  }

  @Test
  void aLongerOptionTextWinsOverOneItContains() {
    ChoiceExtractor dogs = new ChoiceExtractor(Map.of('A', "dog", 'B', "hot dog", 'C', "cat"));
    assertThat(dogs.extract("It is a hot dog.")).contains('B');
    assertThat(dogs.extract("It is a dog.")).contains('A');
  }

  @Test
  void scoresOneForTheRightLetterAndZeroOtherwise() throws Exception {
    ScoreOutcome right = scorer.score("Answer: B", mmstar("B"), "r");
    ScoreOutcome wrong = scorer.score("Answer: C", mmstar("B"), "r");
    ScoreOutcome none = scorer.score("No idea.", mmstar("B"), "r");
    assertThat(right.value()).isEqualTo(1.0);
    assertThat(right.parsed()).isTrue();
    assertThat(right.extracted()).isEqualTo("B");
    assertThat(right.expected()).isEqualTo("B");
    assertThat(right.category()).isEqualTo("coarse perception");
    assertThat(wrong.value()).isZero();
    assertThat(wrong.parsed()).isTrue();
    assertThat(wrong.extracted()).isEqualTo("C");
    assertThat(none.value()).isZero();
    assertThat(none.parsed()).isFalse();
    assertThat(none.extracted()).isNull();
  }

  @Test
  void withoutOptionTextsTheChoicesAreAToD() throws Exception {
    Reference bare =
        Reference.newBuilder().setScorer(MultipleChoiceScorer.NAME).setAnswer("c").build();
    assertThat(scorer.score("(C)", bare, "r").value()).isEqualTo(1.0);
    assertThat(scorer.score("I think it's D.", bare, "r").extracted()).isEqualTo("D");
    assertThat(new ChoiceExtractor(Map.of('A', "", 'B', "")).extract("B"))
        .isEqualTo(Optional.of('B'));
  }

  @Test
  void aReferenceAnswerThatIsNotAnOptionLetterIsRejected() {
    assertThatThrownBy(() -> scorer.score("A", mmstar("AB"), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessage("reference.answer: 'AB' (expected: one option letter A-Z)");
    assertThatThrownBy(() -> scorer.score("A", mmstar("E"), "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessageContaining("'E' is not one of the options [A, B, C, D]");
  }
}
