package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.schemas.RequestResult;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds results (by completion time) into the partials. The first result of a request id counts;
 * another one (a re-executed attempt that also committed) is counted as a duplicate and logged.
 */
final class ResultAggregator extends PartialAggregator<RequestResult> {

  private static final Logger log = LoggerFactory.getLogger(ResultAggregator.class);

  private final String seenStoreName;
  private final long dedupRetentionMs;
  private final GoodputSlos slos;
  private SeenRequests seen;

  ResultAggregator(
      String storeName,
      String seenStoreName,
      long windowUs,
      long dedupRetentionMs,
      GoodputSlos slos) {
    super(storeName, windowUs, TaskCounters.DUPLICATE_RESULTS);
    this.seenStoreName = seenStoreName;
    this.dedupRetentionMs = dedupRetentionMs;
    this.slos = slos;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Long> processorContext) {
    super.init(processorContext);
    seen = new SeenRequests(processorContext.getStateStore(seenStoreName), dedupRetentionMs);
  }

  @Override
  void fold(RequestResult r) {
    long us = r.getCompletedUs();
    Partial p = partials.partial(r.getRunId(), r.getModel(), r.getEndpoint(), windowStart(us));
    if (seen.firstTime(
        "r" + r.getRunId() + Scope.SEPARATOR + r.getRequestId(), r.getAttempt(), us)) {
      p.aggregate.addResult(r, slos);
    } else {
      p.aggregate.addDuplicateResult(us);
      counters.count(TaskCounters.DUPLICATE_RESULTS, 1);
      log.info(
          "{}: run {} request {} attempt {}: a result for this request was already counted;"
              + " counted as a duplicate",
          where(),
          r.getRunId(),
          r.getRequestId(),
          r.getAttempt());
    }
    p.offset(Partial.RESULTS, offset());
    partials.saw(us, wallMs());
  }
}
