package dev.streamperf.metrics.summary;

import java.util.Map;

/**
 * Accuracy of one scorer, overall or in one category.
 *
 * @param scorer scorer name, e.g. {@code multiple_choice}
 * @param category the dataset category, or null for the scorer overall
 * @param count profiling scores
 * @param parsed of those, responses the scorer could parse
 * @param accuracy mean score
 * @param std population standard deviation of the scores
 * @param componentSums sums of the scores' additive components (ΣI, ΣP, ΣT, ...)
 * @param hierarchicalPrecision ΣI/ΣP when the scores carry hierarchical components, else null
 * @param hierarchicalRecall ΣI/ΣT, or null
 * @param hierarchicalF1 2PR/(P+R) (micro), or null
 * @param brandAccuracy Σ brand_match / count when scores carry it, else null
 * @param secondhandF1 2ΣTP / (2ΣTP + ΣFP + ΣFN) when scores carry it, else null
 */
public record AccuracySummary(
    String scorer,
    String category,
    long count,
    long parsed,
    double accuracy,
    double std,
    Map<String, Double> componentSums,
    Double hierarchicalPrecision,
    Double hierarchicalRecall,
    Double hierarchicalF1,
    Double brandAccuracy,
    Double secondhandF1) {

  public AccuracySummary {
    componentSums = Map.copyOf(componentSums);
  }
}
