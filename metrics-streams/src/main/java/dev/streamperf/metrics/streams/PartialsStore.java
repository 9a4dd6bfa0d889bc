package dev.streamperf.metrics.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;

/**
 * One task's in-memory partial aggregates since its last commit, shared by the task's aggregating
 * processors (token events; or results and scores) and its flusher. Not logged and not persistent,
 * on purpose: at every commit the flusher forwards everything here downstream inside the commit's
 * transaction and empties it, so what it holds is exactly the effect of the records after the last
 * committed offset. A crash loses it together with those offsets' commit, and the records are
 * processed again from the committed offsets into an empty store. {@link #close()} (a task closed
 * dirty or migrated) drops it for the same reason.
 *
 * <p>Records change only objects here (no serialization per record); {@link #takeTick()} tells a
 * processor when to mark the commit barrier dirty, once per flush. The store also keeps the task's
 * progress: the latest event time it processed and flushed, and when it last saw a record.
 */
final class PartialsStore implements StateStore {

  private final String name;
  private final Map<PartialKey, Partial> partials = new LinkedHashMap<>();
  private boolean open;
  private boolean tickPending;
  private long tickSequence;
  private long maxEventUs = Long.MIN_VALUE;
  private long flushedMaxEventUs = Long.MIN_VALUE;
  private long lastRecordWallMs = Long.MIN_VALUE;
  private long lastTickTimestamp = Long.MIN_VALUE;

  private String lastRunId;
  private String lastModel;
  private String lastEndpoint;
  private long lastWindowStart;
  private Partial last;

  PartialsStore(String name) {
    this.name = name;
  }

  private record PartialKey(String runId, String model, String endpoint, long windowStartUs) {}

  /** The partial of one scope's window, created on first use. */
  Partial partial(String runId, String model, String endpoint, long windowStartUs) {
    if (last != null
        && windowStartUs == lastWindowStart
        && runId.equals(lastRunId)
        && model.equals(lastModel)
        && endpoint.equals(lastEndpoint)) {
      return last;
    }
    PartialKey key = new PartialKey(runId, model, endpoint, windowStartUs);
    Partial p = partials.get(key);
    if (p == null) {
      p = new Partial(new Scope(runId, model, endpoint), windowStartUs);
      partials.put(key, p);
    }
    last = p;
    lastRunId = runId;
    lastModel = model;
    lastEndpoint = endpoint;
    lastWindowStart = windowStartUs;
    return p;
  }

  /** Notes a record's event time and when it was processed. */
  void saw(long eventUs, long wallMs) {
    if (eventUs > maxEventUs) {
      maxEventUs = eventUs;
    }
    lastRecordWallMs = wallMs;
  }

  /**
   * The next tick value when the store just became dirty (the caller forwards it to the commit
   * barrier), or -1 when a tick is already pending.
   */
  long takeTick() {
    if (tickPending || partials.isEmpty()) {
      return -1;
    }
    tickPending = true;
    return ++tickSequence;
  }

  /**
   * The timestamp to give a tick of a record with this timestamp: never older than the task's
   * previous tick. The barrier is a table, and a tick older than the one before it (token events,
   * results and scores interleave out of event-time order) is logged as an out-of-order update.
   */
  long tickTimestamp(long recordTimestamp) {
    lastTickTimestamp = Math.max(lastTickTimestamp, recordTimestamp);
    return lastTickTimestamp;
  }

  boolean isEmpty() {
    return partials.isEmpty();
  }

  /** Removes and returns every partial; the store is clean and its records count as flushed. */
  List<Partial> drain() {
    List<Partial> out = new ArrayList<>(partials.values());
    partials.clear();
    last = null;
    tickPending = false;
    flushedMaxEventUs = maxEventUs;
    return out;
  }

  /** The latest event time of the records sent downstream; Long.MIN_VALUE before any. */
  long flushedMaxEventUs() {
    return flushedMaxEventUs;
  }

  /** Wall-clock time of the last record processed; Long.MIN_VALUE before any. */
  long lastRecordWallMs() {
    return lastRecordWallMs;
  }

  private void clear() {
    partials.clear();
    last = null;
    tickPending = false;
    maxEventUs = Long.MIN_VALUE;
    flushedMaxEventUs = Long.MIN_VALUE;
    lastRecordWallMs = Long.MIN_VALUE;
    lastTickTimestamp = Long.MIN_VALUE;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clear();
    // nothing to restore: the records this store held are read again from the committed offsets
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void flush() {
    // the flusher empties the store at every commit, through the commit barrier
  }

  @Override
  public void close() {
    clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }
}
