package dev.streamperf.evaluator.scoring;

import java.util.Map;
import java.util.Objects;

/**
 * What a scorer made of one response.
 *
 * @param value the score, 0 to 1 (1 = correct)
 * @param parsed whether the response could be parsed into the scorer's form
 * @param extracted what was extracted from the response (a letter, a category path), or null
 * @param expected the reference answer it was compared with, or null
 * @param category the sample's category for per-category accuracy, or null
 * @param components additive parts of the score for micro averages (see {@link
 *     HierarchicalF1Scorer} for the keys it writes)
 */
public record ScoreOutcome(
    double value,
    boolean parsed,
    String extracted,
    String expected,
    String category,
    Map<String, Double> components) {

  public ScoreOutcome {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException("score value: " + value + " (expected: 0 to 1)");
    }
    components = Map.copyOf(Objects.requireNonNull(components, "components"));
  }

  /** A 1 or 0 score with no components. */
  public static ScoreOutcome binary(
      boolean correct, boolean parsed, String extracted, String expected, String category) {
    return new ScoreOutcome(correct ? 1.0 : 0.0, parsed, extracted, expected, category, Map.of());
  }
}
