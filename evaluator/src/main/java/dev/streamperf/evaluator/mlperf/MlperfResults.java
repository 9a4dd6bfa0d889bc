package dev.streamperf.evaluator.mlperf;

import dev.streamperf.evaluator.scoring.HierarchicalF1Scorer;
import dev.streamperf.schemas.RequestResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's results turned into what LoadGen would have recorded: one {@link QueryTiming} and one
 * accuracy-log entry per query. The result of a query is its last attempt; a failed attempt
 * completes the query with an empty response, as the reference's system under test does. Latency
 * runs from the intended send time (the schedule) to the response's completion.
 *
 * @param timings one per query with a result, by sequence number
 * @param accuracyLog one entry per query with a result, by sequence number
 * @param issued queries planned and issued
 */
public record MlperfResults(
    List<QueryTiming> timings, List<AccuracyLog.Entry> accuracyLog, long issued) {

  /**
   * @param results the run's results (any order, retried attempts included)
   * @param issued how many queries were issued
   * @param testStartUs epoch microseconds the schedule counts from
   */
  public static MlperfResults of(List<RequestResult> results, long issued, long testStartUs) {
    Map<Long, RequestResult> last = new HashMap<>();
    for (RequestResult r : results) {
      last.merge(r.getSequence(), r, (a, b) -> b.getAttempt() >= a.getAttempt() ? b : a);
    }
    List<RequestResult> queries = new ArrayList<>(last.values());
    queries.sort(Comparator.comparingLong(RequestResult::getSequence));
    List<QueryTiming> timings = new ArrayList<>();
    List<AccuracyLog.Entry> entries = new ArrayList<>();
    for (RequestResult r : queries) {
      int qslIndex = qslIndex(r);
      long scheduledUs = r.getIntendedSendUs() != null ? r.getIntendedSendUs() : testStartUs;
      long completedUs =
          r.getSentUs() != null && r.getCompletedNs() != null
              ? r.getSentUs() + r.getCompletedNs() / 1_000
              : r.getCompletedUs();
      timings.add(
          new QueryTiming(
              r.getSequence(),
              qslIndex,
              (scheduledUs - testStartUs) * 1_000,
              Math.max(completedUs, scheduledUs) * 1_000 - testStartUs * 1_000,
              r.getSuccess()));
      String text = r.getSuccess() && r.getOutputText() != null ? r.getOutputText() : "";
      entries.add(
          AccuracyLog.Entry.ofText(
              r.getSequence(), qslIndex, text, r.getSuccess() ? r.getOutputTokens() : null));
    }
    return new MlperfResults(List.copyOf(timings), List.copyOf(entries), issued);
  }

  private static int qslIndex(RequestResult r) {
    String value =
        r.getReference() == null || r.getReference().getMetadata() == null
            ? null
            : r.getReference().getMetadata().get(HierarchicalF1Scorer.QSL_INDEX);
    if (value == null) {
      throw new IllegalArgumentException(
          "result " + r.getRequestId() + ": no reference.metadata.qsl_idx (not an MLPerf query)");
    }
    return Integer.parseInt(value);
  }
}
