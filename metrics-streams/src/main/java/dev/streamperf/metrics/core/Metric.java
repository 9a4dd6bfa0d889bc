package dev.streamperf.metrics.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every metric of METRICS.md, with AIPerf's tag and header where AIPerf has the metric. Per-request
 * and per-chunk metrics carry a distribution (exact count, sum, min, max, std and an HdrHistogram);
 * derived metrics are computed from counters and the duration.
 */
public enum Metric {
  TIME_TO_FIRST_TOKEN("time_to_first_token", "Time to First Token", MetricUnit.MS, Kind.REQUEST),
  TIME_TO_SECOND_TOKEN("time_to_second_token", "Time to Second Token", MetricUnit.MS, Kind.REQUEST),
  REQUEST_LATENCY("request_latency", "Request Latency", MetricUnit.MS, Kind.REQUEST),
  INTER_TOKEN_LATENCY("inter_token_latency", "Inter Token Latency", MetricUnit.MS, Kind.REQUEST),
  INTER_CHUNK_LATENCY("inter_chunk_latency", "Inter Chunk Latency", MetricUnit.MS, Kind.CHUNK),
  OUTPUT_TOKEN_THROUGHPUT_PER_USER(
      "output_token_throughput_per_user",
      "Output Token Throughput Per User",
      MetricUnit.TOKENS_PER_SECOND_PER_USER,
      Kind.REQUEST),
  OUTPUT_SEQUENCE_LENGTH(
      "output_sequence_length", "Output Sequence Length", MetricUnit.TOKENS, Kind.REQUEST),
  INPUT_SEQUENCE_LENGTH(
      "input_sequence_length", "Input Sequence Length", MetricUnit.TOKENS, Kind.REQUEST),
  IMAGE_THROUGHPUT(
      "image_throughput", "Image Throughput", MetricUnit.IMAGES_PER_SECOND, Kind.REQUEST),
  IMAGE_LATENCY("image_latency", "Image Latency", MetricUnit.MS_PER_IMAGE, Kind.REQUEST),
  SCHEDULE_DELAY("schedule_delay", "Schedule Delay", MetricUnit.MS, Kind.REQUEST),
  QUEUE_INCLUSIVE_LATENCY(
      "queue_inclusive_latency", "Queue-inclusive Latency", MetricUnit.MS, Kind.REQUEST),
  CREDIT_GAP("credit_gap", "Credit Gap", MetricUnit.MS, Kind.REQUEST),
  OUTPUT_TOKEN_THROUGHPUT(
      "output_token_throughput",
      "Output Token Throughput",
      MetricUnit.TOKENS_PER_SECOND,
      Kind.DERIVED),
  REQUEST_THROUGHPUT(
      "request_throughput", "Request Throughput", MetricUnit.REQUESTS_PER_SECOND, Kind.DERIVED),
  GOODPUT("goodput", "Goodput", MetricUnit.REQUESTS_PER_SECOND, Kind.DERIVED),
  REQUEST_COUNT("request_count", "Request Count", MetricUnit.REQUESTS, Kind.DERIVED),
  ERROR_REQUEST_COUNT(
      "error_request_count", "Error Request Count", MetricUnit.REQUESTS, Kind.DERIVED),
  BENCHMARK_DURATION("benchmark_duration", "Benchmark Duration", MetricUnit.SECONDS, Kind.DERIVED),
  ACCURACY("accuracy", "Accuracy", MetricUnit.RATIO, Kind.SCORE),
  HIERARCHICAL_PRECISION(
      "hierarchical_precision", "Hierarchical Precision", MetricUnit.RATIO, Kind.SCORE),
  HIERARCHICAL_RECALL("hierarchical_recall", "Hierarchical Recall", MetricUnit.RATIO, Kind.SCORE),
  HIERARCHICAL_F1("hierarchical_f1", "Hierarchical F1", MetricUnit.RATIO, Kind.SCORE);

  /** How a metric's values arise. */
  public enum Kind {
    /** One value per request, from its result. */
    REQUEST,
    /** One value per gap between content events, from token events. */
    CHUNK,
    /** One value per window or run, from counters and the duration. */
    DERIVED,
    /** Accuracy, from scores. */
    SCORE
  }

  private static final Metric[] VALUES = values();
  private static final List<Metric> DISTRIBUTIONS =
      Arrays.stream(VALUES).filter(Metric::hasDistribution).toList();

  private final String tag;
  private final String header;
  private final MetricUnit unit;
  private final Kind kind;

  Metric(String tag, String header, MetricUnit unit, Kind kind) {
    this.tag = tag;
    this.header = header;
    this.unit = unit;
    this.kind = kind;
  }

  /** AIPerf's tag, snake case: {@code time_to_first_token}. */
  public String tag() {
    return tag;
  }

  /** AIPerf's display name without the unit: {@code Time to First Token}. */
  public String header() {
    return header;
  }

  /** The console table's label: {@code Time to First Token (ms)}. */
  public String label() {
    return header + " (" + unit.consoleUnit() + ")";
  }

  public MetricUnit unit() {
    return unit;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether values of this metric are aggregated into a {@link Distribution}. */
  public boolean hasDistribution() {
    return kind == Kind.REQUEST || kind == Kind.CHUNK;
  }

  /**
   * Whether a larger value is better (throughputs, sequence lengths): a goodput SLO then asks for
   * at least the threshold; for every other metric at most.
   */
  public boolean largerIsBetter() {
    return this == OUTPUT_TOKEN_THROUGHPUT_PER_USER
        || this == IMAGE_THROUGHPUT
        || this == OUTPUT_SEQUENCE_LENGTH
        || this == INPUT_SEQUENCE_LENGTH;
  }

  /** The Prometheus family name in base units: {@code streamperf_time_to_first_token_seconds}. */
  public String prometheusName() {
    return "streamperf_" + tag + "_" + unit.baseUnit();
  }

  /** The metrics that carry a distribution, in declaration order. */
  public static List<Metric> distributions() {
    return DISTRIBUTIONS;
  }

  /** The per-request metrics: the ones a goodput SLO may name. */
  public static List<Metric> perRequest() {
    return Arrays.stream(VALUES).filter(m -> m.kind == Kind.REQUEST).toList();
  }

  /** The metric of a tag, case-insensitively. */
  public static Optional<Metric> byTag(String tag) {
    String wanted = tag.toLowerCase(Locale.ROOT);
    return Arrays.stream(VALUES).filter(m -> m.tag.equals(wanted)).findFirst();
  }

  static Metric of(int ordinal) {
    return VALUES[ordinal];
  }
}
