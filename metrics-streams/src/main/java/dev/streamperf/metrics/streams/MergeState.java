package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-run stage's state between commits, in memory: run states, run totals, open windows,
 * latest closed windows and the input partitions' progress, loaded from the logged stores on first
 * use and written back, with the records to emit, once per commit by {@link MergeFlusher} through
 * the stage's commit barrier. Nothing is serialized per message; a crash loses this together with
 * the uncommitted input offsets, and the messages are processed again from the stores' committed
 * contents.
 */
final class MergeState implements StateStore {

  private final String name;
  private boolean open;
  private boolean attached;
  private Cached<String, RunState> runs;
  private Cached<String, Aggregate> totals;
  private Cached<String, Aggregate> windows;
  private Cached<String, ClosedWindow> lastWindows;
  private Cached<Integer, Sources.Progress> sources;
  private Map<String, RunState> allRuns;
  private Map<Integer, Sources.Progress> allSources;
  private final Map<String, TreeMap<String, Aggregate>> openWindowsByRun = new HashMap<>();
  private final List<Record<String, SpecificRecord>> outputs = new ArrayList<>();
  private boolean tickPending;
  private long tickSequence;

  MergeState(String name) {
    this.name = name;
  }

  /** Connects the logged stores of the task; both stage processors call it, the first one wins. */
  void attach(ProcessingContext context) {
    if (attached) {
      return;
    }
    runs =
        new Cached<>(
            context.<KeyValueStore<String, RunState>>getStateStore(MetricsStores.RUN_STATES));
    totals =
        new Cached<>(
            context.<KeyValueStore<String, Aggregate>>getStateStore(MetricsStores.RUN_TOTALS));
    windows =
        new Cached<>(
            context.<KeyValueStore<String, Aggregate>>getStateStore(MetricsStores.OPEN_WINDOWS));
    lastWindows =
        new Cached<>(
            context.<KeyValueStore<String, ClosedWindow>>getStateStore(MetricsStores.LAST_WINDOWS));
    sources =
        new Cached<>(
            context.<KeyValueStore<Integer, Sources.Progress>>getStateStore(MetricsStores.SOURCES));
    attached = true;
  }

  /** Every run of this task, loaded from the store on first use. */
  Collection<RunState> runs() {
    return runIndex().values();
  }

  private Map<String, RunState> runIndex() {
    if (allRuns == null) {
      allRuns = new LinkedHashMap<>();
      try (KeyValueIterator<String, RunState> it = runs.store().all()) {
        while (it.hasNext()) {
          KeyValue<String, RunState> kv = it.next();
          allRuns.put(kv.key, kv.value);
          runs.loaded(kv.key, kv.value);
        }
      }
    }
    return allRuns;
  }

  /** A run's state, created when unknown. */
  RunState run(String runId) {
    RunState s = runIndex().get(runId);
    if (s == null) {
      s = new RunState(runId);
      allRuns.put(runId, s);
      runs.put(runId, s);
    }
    return s;
  }

  /** Marks a run's state changed. */
  void changed(RunState s) {
    runs.put(s.runId(), s);
  }

  Aggregate total(Scope scope) {
    Aggregate a = totals.get(scope.key());
    if (a == null) {
      a = new Aggregate();
    }
    return a;
  }

  void putTotal(Scope scope, Aggregate a) {
    totals.put(scope.key(), a);
  }

  /** The run's open windows by key, in window order. */
  TreeMap<String, Aggregate> openWindows(String runId) {
    TreeMap<String, Aggregate> w = openWindowsByRun.get(runId);
    if (w == null) {
      w = new TreeMap<>();
      try (KeyValueIterator<String, Aggregate> it =
          windows.store().prefixScan(Scope.runPrefix(runId), new StringSerializer())) {
        while (it.hasNext()) {
          KeyValue<String, Aggregate> kv = it.next();
          w.put(kv.key, kv.value);
          windows.loaded(kv.key, kv.value);
        }
      }
      openWindowsByRun.put(runId, w);
    }
    return w;
  }

  void putWindow(String runId, String key, Aggregate a) {
    openWindows(runId).put(key, a);
    windows.put(key, a);
  }

  void deleteWindow(String runId, String key) {
    openWindows(runId).remove(key);
    windows.delete(key);
  }

  ClosedWindow lastWindow(Scope scope) {
    return lastWindows.get(scope.key());
  }

  void putLastWindow(Scope scope, ClosedWindow w) {
    lastWindows.put(scope.key(), w);
  }

  /** Every input partition's progress, loaded from the store on first use. */
  Map<Integer, Sources.Progress> sources() {
    if (allSources == null) {
      allSources = new TreeMap<>();
      try (KeyValueIterator<Integer, Sources.Progress> it = sources.store().all()) {
        while (it.hasNext()) {
          KeyValue<Integer, Sources.Progress> kv = it.next();
          allSources.put(kv.key, kv.value);
          sources.loaded(kv.key, kv.value);
        }
      }
    }
    return allSources;
  }

  void putSource(int source, Sources.Progress p) {
    sources().put(source, p);
    sources.put(source, p);
  }

  void deleteSource(int source) {
    sources().remove(source);
    sources.delete(source);
  }

  /** Removes a run and everything of it. */
  void removeRun(RunState s) {
    for (Scope scope : s.scopes()) {
      totals.delete(scope.key());
      lastWindows.delete(scope.key());
    }
    for (String key : new ArrayList<>(openWindows(s.runId()).keySet())) {
      deleteWindow(s.runId(), key);
    }
    openWindowsByRun.remove(s.runId());
    allRuns.remove(s.runId());
    runs.delete(s.runId());
  }

  /** Queues a record to emit with the next commit. */
  void emit(Record<String, SpecificRecord> record) {
    outputs.add(record);
  }

  boolean dirty() {
    return runs.dirty()
        || totals.dirty()
        || windows.dirty()
        || lastWindows.dirty()
        || sources.dirty()
        || !outputs.isEmpty();
  }

  /** The next tick when there is something to write and no tick is pending, else -1. */
  long takeTick() {
    if (tickPending || !dirty()) {
      return -1;
    }
    tickPending = true;
    return ++tickSequence;
  }

  /** Writes every change to the logged stores and hands the queued records to {@code emit}. */
  void flush(Consumer<Record<String, SpecificRecord>> emitter) {
    runs.flush();
    totals.flush();
    windows.flush();
    lastWindows.flush();
    sources.flush();
    List<Record<String, SpecificRecord>> out = new ArrayList<>(outputs);
    outputs.clear();
    tickPending = false;
    out.forEach(emitter);
  }

  private void clear() {
    if (attached) {
      runs.clear();
      totals.clear();
      windows.clear();
      lastWindows.clear();
      sources.clear();
    }
    attached = false;
    allRuns = null;
    allSources = null;
    openWindowsByRun.clear();
    outputs.clear();
    tickPending = false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clear();
    // nothing to restore: what this held since the last commit is processed again
    context.register(root, (key, value) -> {});
    open = true;
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
