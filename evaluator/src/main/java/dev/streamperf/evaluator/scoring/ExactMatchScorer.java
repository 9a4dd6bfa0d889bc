package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;
import java.util.Locale;

/**
 * Exact match: 1 when the response equals the reference answer, else 0. Both are stripped of
 * surrounding whitespace unless {@code metadata.trim = false}; {@code metadata.ignore_case = true}
 * compares case-insensitively.
 */
public final class ExactMatchScorer implements Scorer {

  public static final String NAME = "exact_match";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException {
    if (reference.getAnswer() == null) {
      throw new BadReferenceException("reference.answer: missing");
    }
    boolean trim = ReferenceMetadata.bool(reference, "trim", true);
    boolean ignoreCase = ReferenceMetadata.bool(reference, "ignore_case", false);
    String actual = normalize(response, trim, ignoreCase);
    String expected = normalize(reference.getAnswer(), trim, ignoreCase);
    return ScoreOutcome.binary(
        actual.equals(expected),
        true,
        trim ? response.strip() : response,
        reference.getAnswer(),
        reference.getCategory());
  }

  private static String normalize(String text, boolean trim, boolean ignoreCase) {
    String t = trim ? text.strip() : text;
    return ignoreCase ? t.toLowerCase(Locale.ROOT) : t;
  }
}
