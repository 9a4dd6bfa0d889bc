package dev.streamperf.metrics.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes the per-run stage's {@link MergeState} to its logged stores and emits the queued {@code
 * WindowedMetric} and {@code RunEvent} records when the stage's commit barrier fires, inside the
 * commit: state, outputs and input offsets commit in one transaction.
 */
final class MergeFlusher implements Processor<String, Long, String, SpecificRecord> {

  private final String stateName;
  private MergeState state;
  private ProcessorContext<String, SpecificRecord> context;

  MergeFlusher(String stateName) {
    this.stateName = stateName;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> processorContext) {
    this.context = processorContext;
    this.state = processorContext.getStateStore(stateName);
    state.attach(processorContext);
  }

  @Override
  public void process(Record<String, Long> tick) {
    if (tick.value() != null) {
      state.flush(context::forward);
    }
  }
}
