package dev.streamperf.metrics.core;

/**
 * The unit of a metric and how its values are held. Values are kept as longs in a fixed-point
 * internal unit ({@link #scale()} internal units per display unit, e.g. nanoseconds for
 * milliseconds), so sums and sums of squares add exactly and in any order; the HdrHistogram records
 * {@code internal / histogramDivisor} (microseconds for milliseconds: 3 significant digits from 1
 * µs up). Prometheus gets base units: {@link #toBase()} converts a display value.
 */
public enum MetricUnit {
  /** Milliseconds; held in nanoseconds, histogram in microseconds. */
  MS("ms", "ms", 1_000_000L, 1_000L, "seconds", 1e-3),
  /** Tokens; held and recorded as counts. */
  TOKENS("tokens", "tokens", 1L, 1L, "tokens", 1.0),
  /** Tokens per second of one user's stream; held in micro-tokens/s. */
  TOKENS_PER_SECOND_PER_USER(
      "tokens/s", "tokens/sec/user", 1_000_000L, 1_000L, "tokens_per_second", 1.0),
  /** Tokens per second of the run or window. */
  TOKENS_PER_SECOND("tokens/s", "tokens/sec", 1_000_000L, 0L, "tokens_per_second", 1.0),
  /** Requests per second. */
  REQUESTS_PER_SECOND("requests/s", "requests/sec", 1_000_000L, 0L, "requests_per_second", 1.0),
  /** Images per second of one request; held in micro-images/s. */
  IMAGES_PER_SECOND("images/s", "images/sec", 1_000_000L, 1_000L, "images_per_second", 1.0),
  /** Milliseconds per image; held in nanoseconds per image. */
  MS_PER_IMAGE("ms/image", "ms/image", 1_000_000L, 1_000L, "seconds_per_image", 1e-3),
  /** A count of requests. */
  REQUESTS("count", "requests", 1L, 0L, "requests", 1.0),
  /** Seconds. */
  SECONDS("s", "sec", 1_000_000L, 0L, "seconds", 1.0),
  /** A ratio from 0 to 1; held in billionths, no histogram. */
  RATIO("ratio", "ratio", 1_000_000_000L, 0L, "ratio", 1.0);

  private final String unit;
  private final String consoleUnit;
  private final long scale;
  private final long histogramDivisor;
  private final String baseUnit;
  private final double toBase;

  MetricUnit(
      String unit,
      String consoleUnit,
      long scale,
      long histogramDivisor,
      String baseUnit,
      double toBase) {
    this.unit = unit;
    this.consoleUnit = consoleUnit;
    this.scale = scale;
    this.histogramDivisor = histogramDivisor;
    this.baseUnit = baseUnit;
    this.toBase = toBase;
  }

  /** The unit as {@code WindowedMetric.unit} spells it: ms, tokens, tokens/s, ... */
  public String unit() {
    return unit;
  }

  /** The unit as AIPerf's console table spells it: ms, tokens, tokens/sec/user, ... */
  public String consoleUnit() {
    return consoleUnit;
  }

  /** Internal fixed-point units per display unit. */
  public long scale() {
    return scale;
  }

  /** Internal units per histogram unit; 0 when values of this unit carry no histogram. */
  public long histogramDivisor() {
    return histogramDivisor;
  }

  /** {@code WindowedMetric.histogramScale}: histogram units per display unit; 0 without one. */
  public double histogramScale() {
    return histogramDivisor == 0 ? 0 : (double) scale / histogramDivisor;
  }

  /** The Prometheus base-unit suffix, e.g. {@code seconds}. */
  public String baseUnit() {
    return baseUnit;
  }

  /** Factor from a display value to the base unit (ms to seconds: 0.001). */
  public double toBase() {
    return toBase;
  }

  /** A display value to the internal fixed-point unit, rounded half up. */
  public long toInternal(double display) {
    return Math.round(display * scale);
  }

  /** An internal value to the display unit. */
  public double toDisplay(long internal) {
    return (double) internal / scale;
  }
}
