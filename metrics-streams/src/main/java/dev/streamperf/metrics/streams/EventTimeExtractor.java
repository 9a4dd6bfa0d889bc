package dev.streamperf.metrics.streams;

import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the payload, so each task merges its token-events, results and scores partitions
 * in event-time order (Kafka Streams' timestamp synchronization) and its watermark means what it
 * says: a token event's arrival, a result's completion, a score's scoring time. Anything else keeps
 * its record timestamp.
 */
final class EventTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object v = record.value();
    long us;
    if (v instanceof TokenEvent e) {
      us = e.getArrivalUs();
    } else if (v instanceof RequestResult r) {
      us = r.getCompletedUs();
    } else if (v instanceof Score s) {
      us = s.getScoredUs();
    } else {
      return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
    return Math.max(0, us / 1_000L);
  }
}
