package dev.streamperf.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.schemas.Reference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HierarchicalF1ScorerTest {

  private final HierarchicalF1Scorer scorer =
      new HierarchicalF1Scorer(SecondhandGuess.DEFAULT_SEED);

  private static final String SHOES = "Apparel & Accessories > Shoes > Athletic Shoes";

  private static Reference truth(String category, String brand, boolean secondhand) {
    return Reference.newBuilder()
        .setScorer(HierarchicalF1Scorer.NAME)
        .setAnswer(new ProductMetadata(category, brand, secondhand).toJson())
        .build();
  }

  private static String answer(String category, String brand, boolean secondhand) {
    return new ProductMetadata(category, brand, secondhand).toJson();
  }

  private static double microF1(List<ScoreOutcome> scores) {
    double i = 0;
    double p = 0;
    double t = 0;
    for (ScoreOutcome s : scores) {
      i += s.components().get(HierarchicalF1Scorer.INTERSECTION);
      p += s.components().get(HierarchicalF1Scorer.PREDICTED);
      t += s.components().get(HierarchicalF1Scorer.TRUE);
    }
    return CategoryPath.microF1(i, p, t);
  }

  @Test
  void oneExactThreeLevelMatchPlusOneWrongLeafIsFiveSixths() throws Exception {
    ScoreOutcome exact =
        scorer.score(answer(SHOES, "Nike", false), truth(SHOES, "Nike", false), "r1");
    ScoreOutcome wrongLeaf =
        scorer.score(
            answer("Apparel & Accessories > Shoes > Boots", "Nike", false),
            truth(SHOES, "Nike", false),
            "r2");

    assertThat(exact.value()).isEqualTo(1.0);
    assertThat(exact.components())
        .containsEntry("intersection", 3.0)
        .containsEntry("predicted", 3.0)
        .containsEntry("true", 3.0);
    assertThat(wrongLeaf.components())
        .containsEntry("intersection", 2.0)
        .containsEntry("predicted", 3.0)
        .containsEntry("true", 3.0);
    assertThat(wrongLeaf.value()).isCloseTo(2.0 / 3.0, within(1e-12));
    assertThat(microF1(List.of(exact, wrongLeaf))).isCloseTo(5.0 / 6.0, within(1e-12));
  }

  @Test
  void levelsAreSplitOnTheSeparatorAndTrimmed() throws Exception {
    ScoreOutcome spaced =
        scorer.score(
            answer(" Apparel & Accessories >  Shoes > Athletic Shoes ", "Nike", false),
            truth(SHOES, "Nike", false),
            "r");
    assertThat(spaced.components()).containsEntry("intersection", 3.0);
    // ">" without the surrounding spaces is not a separator: one level that matches nothing
    ScoreOutcome unspaced =
        scorer.score(
            answer("Apparel & Accessories>Shoes>Athletic Shoes", "Nike", false),
            truth(SHOES, "Nike", false),
            "r");
    assertThat(unspaced.components())
        .containsEntry("intersection", 0.0)
        .containsEntry("predicted", 1.0);
  }

  @Test
  void aShallowerPredictionIsPreciseButIncomplete() throws Exception {
    ScoreOutcome shallow =
        scorer.score(
            answer("Apparel & Accessories > Shoes", "Nike", false),
            truth(SHOES, "Nike", false),
            "r");
    assertThat(shallow.components())
        .containsEntry("intersection", 2.0)
        .containsEntry("predicted", 2.0)
        .containsEntry("true", 3.0);
    assertThat(shallow.value()).isCloseTo(0.8, within(1e-12));
    assertThat(shallow.extracted()).isEqualTo("Apparel & Accessories > Shoes");
    assertThat(shallow.expected()).isEqualTo(SHOES);
  }

  @Test
  void aMismatchAtTheTopLevelStopsTheIntersection() {
    assertThat(CategoryPath.compare("A > B > C", "X > B > C").intersection()).isZero();
    assertThat(CategoryPath.compare("A > X > C", "A > B > C").intersection()).isEqualTo(1);
  }

  @Test
  void unparsableResponsesAreCountedAsTheReferenceCountsThem() throws Exception {
    String valid = answer(SHOES, "Nike", false);
    List<String> unparsable =
        List.of(
            "```json\n" + valid + "\n```",
            "Here is the JSON: " + valid,
            valid + " Hope this helps.",
            "{\"category\": \"" + SHOES + "\", \"brand\": \"Nike\"}",
            "{\"category\": \""
                + SHOES
                + "\", \"brand\": \"Nike\", \"is_secondhand\": false, \"price\": 10}",
            "{\"category\": [\"Apparel\"], \"brand\": \"Nike\", \"is_secondhand\": false}",
            "{\"category\": \"" + SHOES + "\", \"brand\": null, \"is_secondhand\": false}",
            "{\"category\": \"" + SHOES + "\", \"brand\": \"Nike\", \"is_secondhand\": \"maybe\"}",
            "",
            "not json at all");
    for (String response : unparsable) {
      ScoreOutcome s = scorer.score(response, truth(SHOES, "Nike", false), "r");
      assertThat(s.parsed()).as(response).isFalse();
      assertThat(s.value()).as(response).isZero();
      assertThat(s.extracted()).as(response).isNull();
      assertThat(s.components())
          .as(response)
          .containsEntry("intersection", 0.0)
          .containsEntry("predicted", 3.0)
          .containsEntry("true", 3.0)
          .containsEntry("brand_match", 0.0);
    }
  }

  @Test
  void anUnparsableAnswerLowersMicroF1ByItsTrueDepth() throws Exception {
    ScoreOutcome exact =
        scorer.score(answer(SHOES, "Nike", false), truth(SHOES, "Nike", false), "a");
    ScoreOutcome fenced =
        scorer.score(
            "```json\n" + answer("Home > Garden", "Acme", false) + "\n```",
            truth("Home > Garden", "Acme", false),
            "b");
    // ΣI = 3, ΣP = 3 + 2, ΣT = 3 + 2
    assertThat(microF1(List.of(exact, fenced))).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void laxBooleanFormsParseLikeThePydanticModel() throws Exception {
    for (String form : List.of("true", "1", "\"true\"", "\"yes\"", "\"on\"", "\" T \"")) {
      String response =
          "{\"category\": \"" + SHOES + "\", \"brand\": \"Nike\", \"is_secondhand\": " + form + "}";
      ScoreOutcome s = scorer.score(response, truth(SHOES, "Nike", true), "r");
      assertThat(s.parsed()).as(form).isTrue();
      assertThat(s.components()).as(form).containsEntry("secondhand_tp", 1.0);
    }
    String two = "{\"category\": \"" + SHOES + "\", \"brand\": \"Nike\", \"is_secondhand\": 2}";
    assertThat(scorer.score(two, truth(SHOES, "Nike", true), "r").parsed()).isFalse();
    String padded = "\n  " + answer(SHOES, "Nike", false) + "\n";
    assertThat(scorer.score(padded, truth(SHOES, "Nike", false), "r").parsed()).isTrue();
  }

  @Test
  void brandMatchesWhenTheFuzzyRatioIsAboveNinety() throws Exception {
    assertThat(BrandMatch.matches("  NIKE ", "nike")).isTrue();
    assertThat(BrandMatch.matches("Giorgio Armani.", "giorgio armani")).isTrue(); // 96.6
    assertThat(BrandMatch.matches("Adodas", "Adidas")).isFalse(); // 83.3
    assertThat(BrandMatch.matches("Puma", "Nike")).isFalse();
    assertThat(BrandMatch.matches("", "  ")).isTrue();
    assertThat(BrandMatch.ratio("abcd", "abce")).isCloseTo(75.0, within(1e-12));
    assertThat(BrandMatch.ratio("hello world", "hello world!")).isCloseTo(95.652, within(1e-3));

    ScoreOutcome s = scorer.score(answer(SHOES, "nike ", false), truth(SHOES, "Nike", false), "r");
    assertThat(s.components()).containsEntry("brand_match", 1.0);
  }

  @Test
  void secondhandPredictionsBecomeConfusionCounts() throws Exception {
    Map<String, Double> tp =
        scorer.score(answer(SHOES, "x", true), truth(SHOES, "x", true), "r").components();
    Map<String, Double> fp =
        scorer.score(answer(SHOES, "x", true), truth(SHOES, "x", false), "r").components();
    Map<String, Double> fn =
        scorer.score(answer(SHOES, "x", false), truth(SHOES, "x", true), "r").components();
    Map<String, Double> tn =
        scorer.score(answer(SHOES, "x", false), truth(SHOES, "x", false), "r").components();
    assertThat(tp).containsEntry("secondhand_tp", 1.0).containsEntry("secondhand_fp", 0.0);
    assertThat(fp).containsEntry("secondhand_fp", 1.0).containsEntry("secondhand_tp", 0.0);
    assertThat(fn).containsEntry("secondhand_fn", 1.0).containsEntry("secondhand_tp", 0.0);
    assertThat(tn)
        .containsEntry("secondhand_tp", 0.0)
        .containsEntry("secondhand_fp", 0.0)
        .containsEntry("secondhand_fn", 0.0);
  }

  @Test
  void theUnparsableCoinFlipIsFairAndRepeatable() {
    int heads = 0;
    for (int i = 0; i < 20_000; i++) {
      if (SecondhandGuess.draw(SecondhandGuess.DEFAULT_SEED, Integer.toString(i))) {
        heads++;
      }
    }
    assertThat(heads).isBetween(9_700, 10_300); // ±4.2σ
    assertThat(SecondhandGuess.draw(7, "42")).isEqualTo(SecondhandGuess.draw(7, "42"));
    long differing =
        java.util.stream.IntStream.range(0, 1000)
            .filter(i -> SecondhandGuess.draw(1, "k" + i) != SecondhandGuess.draw(2, "k" + i))
            .count();
    assertThat(differing).isBetween(400L, 600L);
  }

  @Test
  void theQslIndexKeysTheCoinFlipWhenPresent() throws Exception {
    Reference withIndex =
        Reference.newBuilder(truth(SHOES, "Nike", false))
            .setMetadata(Map.of(HierarchicalF1Scorer.QSL_INDEX, "17"))
            .build();
    boolean expected = SecondhandGuess.draw(SecondhandGuess.DEFAULT_SEED, "17");
    for (String requestId : List.of("a", "b", "c", "d")) {
      ScoreOutcome s = scorer.score("garbage", withIndex, requestId);
      assertThat(s.components().get("secondhand_fp")).isEqualTo(expected ? 1.0 : 0.0);
    }
  }

  @Test
  void theCategoryDefaultsToTheTrueTopLevel() throws Exception {
    assertThat(scorer.score("x", truth(SHOES, "Nike", false), "r").category())
        .isEqualTo("Apparel & Accessories");
    Reference categorised =
        Reference.newBuilder(truth(SHOES, "Nike", false)).setCategory("shoes").build();
    assertThat(scorer.score("x", categorised, "r").category()).isEqualTo("shoes");
  }

  @Test
  void aReferenceThatIsNotTheProductObjectIsRejected() {
    Reference bad =
        Reference.newBuilder().setScorer(HierarchicalF1Scorer.NAME).setAnswer(SHOES).build();
    assertThatThrownBy(() -> scorer.score("{}", bad, "r"))
        .isInstanceOf(BadReferenceException.class)
        .hasMessageStartingWith("reference.answer: not a JSON document");
  }
}
