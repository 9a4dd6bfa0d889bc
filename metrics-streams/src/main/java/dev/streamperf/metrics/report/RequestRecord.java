package dev.streamperf.metrics.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.RequestValues;
import dev.streamperf.schemas.RequestResult;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code records.jsonl}: one profiling request (its first result), what happened to it,
 * and the per-request metric values it contributed to the summary, in display units. The values are
 * exactly those the aggregation recorded (same fixed-point numbers, printed in full), so
 * recomputing avg, min, max, std and count from this file gives the summary's numbers.
 *
 * @param result the request's result
 * @param values metric tag to value, in the metric's display unit
 * @param good whether it met every goodput objective; null when none were set or it failed
 * @param scores scorer to score, for the scores of this request
 */
public record RequestRecord(
    RequestResult result,
    Map<String, BigDecimal> values,
    Boolean good,
    Map<String, Double> scores) {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  public RequestRecord {
    values = Map.copyOf(values);
    scores = Map.copyOf(scores);
  }

  /** The record of a profiling result with its scores. */
  public static RequestRecord of(RequestResult r, GoodputSlos slos, Map<String, Double> scores) {
    RequestValues v = RequestValues.of(r);
    Map<String, BigDecimal> values = new LinkedHashMap<>();
    for (Metric m : Aggregate.counted(r)) {
      if (v.has(m)) {
        values.put(m.tag(), display(v.raw(m), m.unit().scale()));
      }
    }
    Boolean good = slos.isEmpty() || !r.getSuccess() ? null : slos.met(v);
    return new RequestRecord(r, values, good, scores);
  }

  private static BigDecimal display(long internal, long scale) {
    return BigDecimal.valueOf(internal).divide(BigDecimal.valueOf(scale)).stripTrailingZeros();
  }

  /** The JSON object of this line. */
  public ObjectNode toJson() {
    RequestResult r = result;
    ObjectNode o = NODES.objectNode();
    o.put("request_id", r.getRequestId());
    o.put("session_id", r.getSessionId());
    o.put("turn", r.getTurnIndex());
    o.put("attempt", r.getAttempt());
    o.put("worker", r.getWorkerId());
    o.put("model", r.getModel());
    o.put("endpoint", r.getEndpoint());
    o.put("success", r.getSuccess());
    o.put("error_kind", r.getErrorKind() == null ? null : r.getErrorKind().name());
    o.put("http_status", r.getHttpStatus());
    o.put("error_message", r.getErrorMessage());
    o.put("intended_send_us", r.getIntendedSendUs());
    o.put("sent_us", r.getSentUs());
    o.put("completed_us", r.getCompletedUs());
    o.put("finish_reason", r.getFinishReason());
    o.put("output_tokens_source", source(r.getOutputTokensSource()));
    o.put("input_tokens_source", source(r.getInputTokensSource()));
    o.put("images", r.getImageCount());
    o.put("audios", r.getAudioCount());
    ObjectNode metrics = o.putObject("metrics");
    values.forEach(metrics::put);
    o.put("good", good);
    ObjectNode s = o.putObject("scores");
    scores.forEach(s::put);
    return o;
  }

  private static String source(Object s) {
    return s == null ? null : s.toString();
  }
}
