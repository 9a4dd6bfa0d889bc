package dev.streamperf.metrics.streams;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one input topic's records into the task's {@link PartialsStore}, in memory, and marks the
 * commit barrier dirty (forwards a tick) when the store turns from clean to dirty; the barrier's
 * flush at the next commit sends the partials downstream. A record with no value is counted and
 * logged with its topic, partition and offset.
 */
abstract class PartialAggregator<V> implements FixedKeyProcessor<String, V, Long> {

  private static final Logger log = LoggerFactory.getLogger(PartialAggregator.class);

  private final String storeName;
  private final long windowUs;
  private final String[] counterNames;
  protected FixedKeyProcessorContext<String, Long> context;
  protected PartialsStore partials;
  protected TaskCounters counters;

  PartialAggregator(String storeName, long windowUs, String... counterNames) {
    this.storeName = storeName;
    this.windowUs = windowUs;
    this.counterNames = counterNames;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Long> processorContext) {
    this.context = processorContext;
    this.partials = processorContext.getStateStore(storeName);
    String[] names = new String[counterNames.length + 1];
    names[0] = TaskCounters.INVALID_RECORDS;
    System.arraycopy(counterNames, 0, names, 1, counterNames.length);
    this.counters = new TaskCounters(processorContext, names);
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    V value = record.value();
    if (value == null) {
      counters.count(TaskCounters.INVALID_RECORDS, 1);
      log.warn("{}: a record with no value (key {}); skipped", where(), record.key());
      return;
    }
    fold(value);
    long tick = partials.takeTick();
    if (tick > 0) {
      context.forward(
          record.withValue(tick).withTimestamp(partials.tickTimestamp(record.timestamp())));
    }
  }

  /** Folds one record into the partials. */
  abstract void fold(V value);

  /** The window start of an event time: windows are aligned to the epoch. */
  final long windowStart(long eventUs) {
    return Math.floorDiv(eventUs, windowUs) * windowUs;
  }

  final long offset() {
    return context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
  }

  final long wallMs() {
    return context.currentSystemTimeMs();
  }

  final String where() {
    return context
        .recordMetadata()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse("(offset unknown)");
  }

  @Override
  public void close() {
    if (counters != null) {
      counters.close();
    }
  }
}
