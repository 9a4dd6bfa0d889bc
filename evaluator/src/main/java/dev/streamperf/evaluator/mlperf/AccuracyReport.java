package dev.streamperf.evaluator.mlperf;

import dev.streamperf.evaluator.scoring.CategoryPath;
import dev.streamperf.evaluator.scoring.HierarchicalF1Scorer;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The VLM benchmark's accuracy of an accuracy log against the ground truth, computed as the
 * reference's {@code evaluate} computes it: every logged response is scored (duplicates too); an
 * unparsable one counts as a padding path as deep as the truth, no brand match and a coin flip for
 * is_secondhand; the category metric is the micro hierarchical F1 from ΣI, ΣP and ΣT, the brand
 * score the share of fuzzy matches, the is_secondhand score the binary F1 (positive = true). The
 * run passes when the category F1 is at least the target.
 */
public record AccuracyReport(
    long responses,
    long distinctSamples,
    long datasetSamples,
    long unparsable,
    long intersection,
    long predicted,
    long truth,
    long brandMatches,
    long secondhandTp,
    long secondhandFp,
    long secondhandFn,
    double target) {

  /** The benchmark's accuracy target: 99% of the BF16 model's 0.7903037. */
  public static final double VLM_TARGET = 0.7824;

  /**
   * Scores the log.
   *
   * @param entries the accuracy log
   * @param groundTruth the dataset's ground truth, indexed by {@code qsl_idx}
   * @param secondhandSeed seed of the coin flip for unparsable answers
   * @param target the category F1 to reach
   * @param source the log's name, for errors
   * @throws InvalidInputException when an entry's {@code qsl_idx} is not in the ground truth
   */
  public static AccuracyReport evaluate(
      List<AccuracyLog.Entry> entries,
      List<ProductMetadata> groundTruth,
      long secondhandSeed,
      double target,
      String source)
      throws InvalidInputException {
    HierarchicalF1Scorer scorer = new HierarchicalF1Scorer(secondhandSeed);
    long unparsable = 0;
    long i = 0;
    long p = 0;
    long t = 0;
    long brand = 0;
    long tp = 0;
    long fp = 0;
    long fn = 0;
    BitSet seen = new BitSet(groundTruth.size());
    for (int n = 0; n < entries.size(); n++) {
      AccuracyLog.Entry entry = entries.get(n);
      if (entry.qslIndex() >= groundTruth.size()) {
        throw new InvalidInputException(
            source,
            0,
            "entry "
                + n
                + ": field 'qsl_idx': "
                + entry.qslIndex()
                + " (expected: < "
                + groundTruth.size()
                + ", the ground truth's rows)");
      }
      seen.set(entry.qslIndex());
      HierarchicalF1Scorer.Sample sample =
          scorer.score(
              entry.text(), groundTruth.get(entry.qslIndex()), Integer.toString(entry.qslIndex()));
      if (!sample.parsed()) {
        unparsable++;
      }
      i += sample.components().intersection();
      p += sample.components().predicted();
      t += sample.components().truth();
      brand += sample.brandMatch() ? 1 : 0;
      tp += sample.predictedSecondhand() && sample.trueSecondhand() ? 1 : 0;
      fp += sample.predictedSecondhand() && !sample.trueSecondhand() ? 1 : 0;
      fn += !sample.predictedSecondhand() && sample.trueSecondhand() ? 1 : 0;
    }
    return new AccuracyReport(
        entries.size(),
        seen.cardinality(),
        groundTruth.size(),
        unparsable,
        i,
        p,
        t,
        brand,
        tp,
        fp,
        fn,
        target);
  }

  public double hierarchicalPrecision() {
    return predicted == 0 ? 0 : (double) intersection / predicted;
  }

  public double hierarchicalRecall() {
    return truth == 0 ? 0 : (double) intersection / truth;
  }

  /** The benchmark's metric: micro hierarchical F1 of the category. */
  public double categoryF1() {
    return CategoryPath.microF1(intersection, predicted, truth);
  }

  /** Share of responses whose brand matches. */
  public double brandScore() {
    return responses == 0 ? 0 : (double) brandMatches / responses;
  }

  /** Binary F1 of is_secondhand, 0 when there are no positives at all. */
  public double secondhandF1() {
    long denominator = 2 * secondhandTp + secondhandFp + secondhandFn;
    return denominator == 0 ? 0 : 2.0 * secondhandTp / denominator;
  }

  public boolean passed() {
    return categoryF1() >= target;
  }

  /** The report as {@code streamperf mlperf evaluate} prints it (and writes to accuracy.txt). */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "responses evaluated             %d (%d distinct samples of %d in the ground truth)%n",
            responses,
            distinctSamples,
            datasetSamples));
    out.append(
        String.format(
            Locale.ROOT,
            "unparsable responses            %d (scored as the reference scores them)%n",
            unparsable));
    out.append(
        String.format(
            Locale.ROOT,
            "category hierarchical F1        %.6f (hP %.6f = %d/%d, hR %.6f = %d/%d)%n",
            categoryF1(),
            hierarchicalPrecision(),
            intersection,
            predicted,
            hierarchicalRecall(),
            intersection,
            truth));
    out.append(String.format(Locale.ROOT, "brand score                     %.6f%n", brandScore()));
    out.append(
        String.format(Locale.ROOT, "is_secondhand F1                %.6f%n", secondhandF1()));
    out.append(
        String.format(
            Locale.ROOT,
            "result                          %s: category F1 %.6f %s target %.4f%n",
            passed() ? "PASS" : "FAIL",
            categoryF1(),
            passed() ? ">=" : "<",
            target));
    return out.toString();
  }
}
