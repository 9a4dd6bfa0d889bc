package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hierarchical category F1 of the MLPerf VLM benchmark (Shopify product catalogue). The reference
 * answer is the ground truth as a {@link ProductMetadata} JSON object; the response must parse as
 * one (see {@link ProductMetadata#parse}). Per sample the score is {@code 2I/(P+T)}; the
 * benchmark's metric is the micro F1 over a run, from the summed components:
 *
 * <ul>
 *   <li>{@value #INTERSECTION}, {@value #PREDICTED}, {@value #TRUE}: I, P and T of {@link
 *       CategoryPath} ({@code F1 = 2·hP·hR/(hP+hR)}, {@code hP = ΣI/ΣP}, {@code hR = ΣI/ΣT});
 *   <li>{@value #BRAND_MATCH}: 1 when the brand matches ({@link BrandMatch}), else 0; brand
 *       accuracy = Σ / number of scores;
 *   <li>{@value #SECONDHAND_TP}, {@value #SECONDHAND_FP}, {@value #SECONDHAND_FN}: the
 *       is_secondhand prediction against the truth, positive class true; is_secondhand F1 = {@code
 *       2·ΣTP / (2·ΣTP + ΣFP + ΣFN)} (0 when the denominator is 0).
 * </ul>
 *
 * An unparsable response counts as the reference counts it: a padding path as deep as the truth
 * (adds to ΣP and ΣT, not to ΣI), no brand match, and a coin flip for is_secondhand ({@link
 * SecondhandGuess}, keyed by {@code metadata.qsl_idx} when present, else the given sample key).
 * {@code Score.category} is {@code Reference.category}, or else the true path's top level.
 */
public final class HierarchicalF1Scorer implements Scorer {

  public static final String NAME = "hierarchical_f1";

  public static final String INTERSECTION = "intersection";
  public static final String PREDICTED = "predicted";
  public static final String TRUE = "true";
  public static final String BRAND_MATCH = "brand_match";
  public static final String SECONDHAND_TP = "secondhand_tp";
  public static final String SECONDHAND_FP = "secondhand_fp";
  public static final String SECONDHAND_FN = "secondhand_fn";

  /** Metadata key of the sample's index in the dataset, the key of the unparsable coin flip. */
  public static final String QSL_INDEX = "qsl_idx";

  private final long secondhandSeed;

  public HierarchicalF1Scorer(long secondhandSeed) {
    this.secondhandSeed = secondhandSeed;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException {
    ProductMetadata truth = truth(reference);
    String qslIndex = ReferenceMetadata.string(reference, QSL_INDEX);
    Sample sample = score(response, truth, qslIndex != null ? qslIndex : sampleKey);
    String category = reference.getCategory();
    if (category == null) {
      category = CategoryPath.levels(truth.category()).get(0);
    }
    return new ScoreOutcome(
        sample.components().f1(),
        sample.parsed(),
        sample.predicted() == null ? null : sample.predicted().category(),
        truth.category(),
        category,
        sample.asComponents());
  }

  /** One sample scored: what a live score and {@code mlperf evaluate} both build on. */
  public record Sample(
      boolean parsed,
      ProductMetadata predicted,
      CategoryPath.Components components,
      boolean brandMatch,
      boolean predictedSecondhand,
      boolean trueSecondhand) {

    public Map<String, Double> asComponents() {
      Map<String, Double> map = new LinkedHashMap<>();
      map.put(INTERSECTION, (double) components.intersection());
      map.put(PREDICTED, (double) components.predicted());
      map.put(TRUE, (double) components.truth());
      map.put(BRAND_MATCH, brandMatch ? 1.0 : 0.0);
      map.put(SECONDHAND_TP, predictedSecondhand && trueSecondhand ? 1.0 : 0.0);
      map.put(SECONDHAND_FP, predictedSecondhand && !trueSecondhand ? 1.0 : 0.0);
      map.put(SECONDHAND_FN, !predictedSecondhand && trueSecondhand ? 1.0 : 0.0);
      return map;
    }
  }

  /** Scores a response against the ground truth; {@code sampleKey} seeds the unparsable coin. */
  public Sample score(String response, ProductMetadata truth, String sampleKey) {
    ProductMetadata.Parse parse = ProductMetadata.parse(response);
    if (!parse.ok()) {
      return new Sample(
          false,
          null,
          CategoryPath.unparsable(truth.category()),
          false,
          SecondhandGuess.draw(secondhandSeed, sampleKey),
          truth.isSecondhand());
    }
    ProductMetadata predicted = parse.value();
    return new Sample(
        true,
        predicted,
        CategoryPath.compare(predicted.category(), truth.category()),
        BrandMatch.matches(predicted.brand(), truth.brand()),
        predicted.isSecondhand(),
        truth.isSecondhand());
  }

  private static ProductMetadata truth(Reference reference) throws BadReferenceException {
    String answer = reference.getAnswer();
    ProductMetadata.Parse parse = ProductMetadata.parse(answer == null ? "" : answer);
    if (!parse.ok()) {
      throw new BadReferenceException(
          "reference.answer: "
              + parse.error()
              + " (expected: a JSON object {\"category\": string, \"brand\": string,"
              + " \"is_secondhand\": boolean})");
    }
    return parse.value();
  }
}
