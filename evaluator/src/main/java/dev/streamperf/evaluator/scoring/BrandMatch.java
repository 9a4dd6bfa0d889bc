package dev.streamperf.evaluator.scoring;

import java.util.Locale;

/**
 * The MLPerf VLM reference's brand check: both strings stripped and lower-cased, then a fuzzy
 * similarity above 90 out of 100 counts as a match. The similarity is the normalized Indel
 * similarity ({@code rapidfuzz.fuzz.ratio}): {@code 100 · 2·LCS / (len1 + len2)}, over Unicode code
 * points; two empty strings are 100.
 */
public final class BrandMatch {

  /** A similarity above this matches. */
  public static final double THRESHOLD = 90.0;

  private BrandMatch() {}

  public static boolean matches(String predicted, String truth) {
    return ratio(normalize(predicted), normalize(truth)) > THRESHOLD;
  }

  static String normalize(String brand) {
    return brand.strip().toLowerCase(Locale.ROOT);
  }

  /** {@code fuzz.ratio}: 0 to 100. */
  public static double ratio(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int total = x.length + y.length;
    if (total == 0) {
      return 100.0;
    }
    return 100.0 * 2 * longestCommonSubsequence(x, y) / total;
  }

  private static int longestCommonSubsequence(int[] x, int[] y) {
    if (x.length < y.length) {
      int[] t = x;
      x = y;
      y = t;
    }
    int[] previous = new int[y.length + 1];
    int[] current = new int[y.length + 1];
    for (int i = 1; i <= x.length; i++) {
      for (int j = 1; j <= y.length; j++) {
        current[j] =
            x[i - 1] == y[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[y.length];
  }
}
