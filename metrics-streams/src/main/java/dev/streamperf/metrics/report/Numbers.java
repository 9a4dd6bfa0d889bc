package dev.streamperf.metrics.report;

import java.util.Locale;

/** Number formatting of the reports: fixed, locale-independent. */
final class Numbers {

  private Numbers() {}

  /** {@code 12,345.67}, AIPerf's console format; N/A for NaN. */
  static String grouped(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.2f", v) : "N/A";
  }

  /** {@code 12345.678901}: plain, for CSV. */
  static String plain(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** A ratio as {@code 0.8333}. */
  static String ratio(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "N/A";
  }
}
