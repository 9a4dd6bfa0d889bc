package dev.streamperf.metrics.streams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;

/**
 * One task's in-memory partial aggregates since its last commit, shared by the task's three
 * aggregating processors and its flusher. Not logged and not persistent, on purpose: at every
 * commit the flusher forwards everything here downstream inside the commit's transaction and
 * empties it, so what it holds is exactly the effect of the records after the last committed
 * offset. A crash loses it together with those offsets' commit, and the records are processed again
 * from the committed offsets into an empty store. {@link #close()} (a task closed dirty or
 * migrated) drops it for the same reason.
 *
 * <p>Records change only objects here (no serialization per record); {@link #takeTick()} tells a
 * processor when to mark the commit barrier dirty, once per flush.
 */
final class PartialsStore implements StateStore {

  private final String name;
  private final Map<String, RunClock> clocks = new HashMap<>();
  private final Map<PartialKey, Partial> partials = new LinkedHashMap<>();
  private boolean open;
  private boolean tickPending;
  private long tickSequence;

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
      RunClock clock = clocks.computeIfAbsent(runId, RunClock::new);
      p = new Partial(new Scope(runId, model, endpoint), windowStartUs, clock);
      partials.put(key, p);
    }
    last = p;
    lastRunId = runId;
    lastModel = model;
    lastEndpoint = endpoint;
    lastWindowStart = windowStartUs;
    return p;
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

  boolean isEmpty() {
    return partials.isEmpty();
  }

  /** Removes and returns every partial; the store is clean afterwards. */
  List<Partial> drain() {
    List<Partial> out = new ArrayList<>(partials.values());
    partials.clear();
    last = null;
    tickPending = false;
    return out;
  }

  /** The runs this task has seen, for watermarks. */
  Collection<RunClock> clocks() {
    return clocks.values();
  }

  /** Forgets runs without a record since {@code beforeWallMs}. */
  void forgetIdleSince(long beforeWallMs) {
    for (Iterator<RunClock> it = clocks.values().iterator(); it.hasNext(); ) {
      RunClock c = it.next();
      if (c.lastRecordWallMs < beforeWallMs && !c.sinceFlush) {
        it.remove();
      }
    }
  }

  private void clear() {
    partials.clear();
    clocks.clear();
    last = null;
    tickPending = false;
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
