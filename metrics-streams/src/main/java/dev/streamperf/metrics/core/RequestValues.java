package dev.streamperf.metrics.core;

import dev.streamperf.schemas.RequestResult;
import java.util.OptionalLong;

/**
 * The per-request metric values of one {@link RequestResult}, in each metric's fixed-point internal
 * unit ({@link MetricUnit#scale()}). A value is absent when its inputs are: TTST without a second
 * content event, ITL with fewer than two output tokens, image metrics without images, schedule
 * delay in closed loop. Computed the same way for the live aggregation, the report and {@code
 * records.jsonl}.
 */
public final class RequestValues {

  private static final double NANOS_PER_SECOND = 1e9;

  private final long[] values = new long[Metric.values().length];
  private long present;

  private RequestValues() {}

  /** The values of a result (successful or not: the caller decides which it records). */
  public static RequestValues of(RequestResult r) {
    RequestValues v = new RequestValues();
    Long sentUs = r.getSentUs();
    Long first = r.getFirstContentNs();
    Long second = r.getSecondContentNs();
    Long last = r.getLastContentNs();
    Integer osl = r.getOutputTokens();
    if (first != null) {
      v.put(Metric.TIME_TO_FIRST_TOKEN, first);
    }
    if (first != null && second != null) {
      v.put(Metric.TIME_TO_SECOND_TOKEN, second - first);
    }
    if (last != null) {
      v.put(Metric.REQUEST_LATENCY, last);
    }
    if (osl != null) {
      v.put(Metric.OUTPUT_SEQUENCE_LENGTH, osl);
    }
    if (r.getInputTokens() != null) {
      v.put(Metric.INPUT_SEQUENCE_LENGTH, r.getInputTokens());
    }
    if (first != null && last != null && osl != null && osl >= 2) {
      long decode = last - first;
      v.put(Metric.INTER_TOKEN_LATENCY, Math.round((double) decode / (osl - 1)));
      if (decode > 0) {
        // 1000 / ITL(ms) tokens/s, in micro-tokens/s, from the exact ratio
        v.put(
            Metric.OUTPUT_TOKEN_THROUGHPUT_PER_USER,
            Math.round((osl - 1) * NANOS_PER_SECOND * 1e6 / decode));
      }
    }
    int images = r.getImageCount();
    if (images > 0 && last != null) {
      if (last > 0) {
        v.put(Metric.IMAGE_THROUGHPUT, Math.round(images * NANOS_PER_SECOND * 1e6 / last));
      }
      v.put(Metric.IMAGE_LATENCY, Math.round((double) last / images));
    }
    Long intended = r.getIntendedSendUs();
    if (sentUs != null && intended != null) {
      long delayNs = (sentUs - intended) * 1_000L;
      v.put(Metric.SCHEDULE_DELAY, delayNs);
      if (last != null) {
        v.put(Metric.QUEUE_INCLUSIVE_LATENCY, delayNs + last);
      }
    }
    Long credit = r.getCreditReleasedUs();
    if (sentUs != null && credit != null) {
      v.put(Metric.CREDIT_GAP, (sentUs - credit) * 1_000L);
    }
    return v;
  }

  private void put(Metric m, long value) {
    values[m.ordinal()] = value;
    present |= 1L << m.ordinal();
  }

  public boolean has(Metric m) {
    return (present & (1L << m.ordinal())) != 0;
  }

  /** The value in internal units, or empty. */
  public OptionalLong get(Metric m) {
    return has(m) ? OptionalLong.of(values[m.ordinal()]) : OptionalLong.empty();
  }

  /** The value in internal units; only when {@link #has} says so. */
  public long raw(Metric m) {
    return values[m.ordinal()];
  }
}
