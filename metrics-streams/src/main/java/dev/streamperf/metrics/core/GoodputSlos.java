package dev.streamperf.metrics.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Service level objectives for goodput, as AIPerf's {@code --goodput} spells them: {@code
 * "time_to_first_token:200 inter_token_latency:20"}, one {@code metric:threshold} pair per
 * objective, the threshold in the metric's display unit (ms for latencies). A request is good when
 * it succeeded and every named value is present and meets its threshold: at most the threshold, or
 * at least it for metrics where larger is better (throughput per user, image throughput, sequence
 * lengths). A missing value fails.
 */
public final class GoodputSlos {

  private static final GoodputSlos NONE = new GoodputSlos(Map.of());

  private final Map<Metric, Double> thresholds;
  private final long[] internal;

  private GoodputSlos(Map<Metric, Double> thresholds) {
    this.thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    this.internal = new long[Metric.values().length];
    thresholds.forEach((m, t) -> internal[m.ordinal()] = m.unit().toInternal(t));
  }

  /** No objectives: goodput is not reported. */
  public static GoodputSlos none() {
    return NONE;
  }

  /** Objectives from thresholds in display units. */
  public static GoodputSlos of(Map<Metric, Double> thresholds) {
    thresholds.forEach(GoodputSlos::check);
    return thresholds.isEmpty() ? NONE : new GoodputSlos(thresholds);
  }

  /**
   * Parses AIPerf's spelling; pairs are separated by spaces or commas.
   *
   * @throws IllegalArgumentException naming the pair and what is wrong with it
   */
  public static GoodputSlos parse(String spec) {
    Objects.requireNonNull(spec, "goodput");
    Map<Metric, Double> thresholds = new LinkedHashMap<>();
    for (String pair : spec.trim().split("[\\s,]+")) {
      if (pair.isEmpty()) {
        continue;
      }
      int colon = pair.indexOf(':');
      if (colon <= 0 || colon == pair.length() - 1) {
        throw new IllegalArgumentException(
            "goodput: '" + pair + "' (expected: metric:threshold, e.g. time_to_first_token:200)");
      }
      String name = pair.substring(0, colon);
      Metric metric =
          Metric.byTag(name)
              .filter(m -> m.kind() == Metric.Kind.REQUEST)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "goodput: '"
                              + pair
                              + "': unknown per-request metric '"
                              + name
                              + "' (expected one of: "
                              + Metric.perRequest().stream()
                                  .map(Metric::tag)
                                  .collect(Collectors.joining(", "))
                              + ")"));
      double threshold;
      try {
        threshold = Double.parseDouble(pair.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "goodput: '" + pair + "': threshold is not a number (expected: e.g. 200)", e);
      }
      if (thresholds.put(metric, threshold) != null) {
        throw new IllegalArgumentException(
            "goodput: '" + pair + "': " + metric.tag() + " is named twice");
      }
      check(metric, threshold);
    }
    return of(thresholds);
  }

  private static void check(Metric metric, Double threshold) {
    if (metric.kind() != Metric.Kind.REQUEST) {
      throw new IllegalArgumentException(
          "goodput: " + metric.tag() + " is not a per-request metric");
    }
    if (threshold == null || !Double.isFinite(threshold) || threshold < 0) {
      throw new IllegalArgumentException(
          "goodput: " + metric.tag() + ":" + threshold + " (expected: a threshold >= 0)");
    }
  }

  public boolean isEmpty() {
    return thresholds.isEmpty();
  }

  /** The thresholds in display units, in the order given. */
  public Map<Metric, Double> thresholds() {
    return thresholds;
  }

  /** Whether a successful request's values meet every objective. */
  public boolean met(RequestValues values) {
    for (Metric m : thresholds.keySet()) {
      if (!values.has(m)) {
        return false;
      }
      long v = values.raw(m);
      long t = internal[m.ordinal()];
      if (m.largerIsBetter() ? v < t : v > t) {
        return false;
      }
    }
    return true;
  }

  /** AIPerf's spelling, e.g. {@code time_to_first_token:200 inter_token_latency:20}. */
  public String spec() {
    return thresholds.entrySet().stream()
        .map(e -> e.getKey().tag() + ":" + format(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoodputSlos other && thresholds.equals(other.thresholds);
  }

  @Override
  public int hashCode() {
    return thresholds.hashCode();
  }

  @Override
  public String toString() {
    return isEmpty() ? "none" : spec();
  }
}
