package dev.streamperf.metrics.streams;

import dev.streamperf.schemas.Score;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folds scores (by scoring time) into the partials; one score per request id counts. */
final class ScoreAggregator extends PartialAggregator<Score> {

  private static final Logger log = LoggerFactory.getLogger(ScoreAggregator.class);

  private final String seenStoreName;
  private final long dedupRetentionMs;
  private SeenRequests seen;

  ScoreAggregator(String storeName, String seenStoreName, long windowUs, long dedupRetentionMs) {
    super(storeName, windowUs, TaskCounters.DUPLICATE_SCORES);
    this.seenStoreName = seenStoreName;
    this.dedupRetentionMs = dedupRetentionMs;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Long> processorContext) {
    super.init(processorContext);
    seen = new SeenRequests(processorContext.getStateStore(seenStoreName), dedupRetentionMs);
  }

  @Override
  void fold(Score s) {
    long us = s.getScoredUs();
    Partial p = partials.partial(s.getRunId(), s.getModel(), s.getEndpoint(), windowStart(us));
    if (seen.firstTime(
        "s" + s.getRunId() + Scope.SEPARATOR + s.getRequestId(), s.getAttempt(), us)) {
      p.aggregate.addScore(s);
    } else {
      p.aggregate.addDuplicateScore(us);
      counters.count(TaskCounters.DUPLICATE_SCORES, 1);
      log.info(
          "{}: run {} request {}: a score for this request was already counted; counted as a"
              + " duplicate",
          where(),
          s.getRunId(),
          s.getRequestId());
    }
    p.offset(Partial.SCORES, offset());
    partials.saw(us, wallMs());
  }
}
