package dev.streamperf.evaluator.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Hierarchical precision and recall of one predicted category path against the true one, as the
 * MLPerf VLM reference computes them: both paths split on {@code " > "} with every level trimmed;
 * the intersection is the longest common prefix of levels. Micro F1 over many samples comes from
 * the sums: {@code hP = ΣI/ΣP}, {@code hR = ΣI/ΣT}, {@code F1 = 2·hP·hR/(hP+hR)}.
 */
public final class CategoryPath {

  /** The level separator of category paths. */
  public static final String SEPARATOR = " > ";

  private static final Pattern SPLIT = Pattern.compile(Pattern.quote(SEPARATOR));

  private CategoryPath() {}

  /**
   * One sample's counts.
   *
   * @param intersection levels of the longest common prefix
   * @param predicted levels of the predicted path
   * @param truth levels of the true path
   */
  public record Components(int intersection, int predicted, int truth) {

    /** This sample's own F1, {@code 2I/(P+T)}. */
    public double f1() {
      int sum = predicted + truth;
      return sum == 0 ? 0.0 : 2.0 * intersection / sum;
    }
  }

  /** The levels of a path, trimmed; an empty path is one empty level, as Python splits it. */
  public static List<String> levels(String path) {
    List<String> levels = new ArrayList<>();
    for (String level : SPLIT.split(path, -1)) {
      levels.add(level.strip());
    }
    return levels;
  }

  public static Components compare(String predictedPath, String truePath) {
    List<String> predicted = levels(predictedPath);
    List<String> truth = levels(truePath);
    int intersection = 0;
    while (intersection < predicted.size()
        && intersection < truth.size()
        && predicted.get(intersection).equals(truth.get(intersection))) {
      intersection++;
    }
    return new Components(intersection, predicted.size(), truth.size());
  }

  /**
   * An unparsable response, scored as the reference scores it: a padding path as deep as the true
   * one, so it adds the true depth to both ΣP and ΣT and nothing to ΣI.
   */
  public static Components unparsable(String truePath) {
    int depth = levels(truePath).size();
    return new Components(0, depth, depth);
  }

  /** Micro F1 from summed components; 0 when nothing matched. */
  public static double microF1(double intersection, double predicted, double truth) {
    double precision = predicted > 0 ? intersection / predicted : 0.0;
    double recall = truth > 0 ? intersection / truth : 0.0;
    return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
  }
}
