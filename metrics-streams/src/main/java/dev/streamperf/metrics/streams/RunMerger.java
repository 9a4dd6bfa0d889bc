package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.schemas.MetricScope;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.WindowedMetric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-run stage: merges the partitions' deltas into open windows and run totals, tracks each
 * partition's watermark, closes windows (emitting {@code WindowedMetric} records), counts records
 * that arrive after their window closed (late: they go into the run totals only), and finishes runs
 * (publishing a FINISHED {@code RunEvent}) when their produced count of results is in or the
 * completion grace expires. Everything it knows lives in logged stores.
 */
final class RunMerger implements Processor<String, PartialMessage, String, SpecificRecord> {

  /** How often windows and runs are checked against the clock. */
  static final Duration PUNCTUATION = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(RunMerger.class);
  private static final long LATE_LOG_INTERVAL_MS = 10_000;
  private static final long FORGET_SOURCE_AFTER_MS = Duration.ofMinutes(10).toMillis();

  private final MetricsConfig config;
  private final long windowUs;
  private final long graceUs;
  private final long idleTimeoutMs;
  private final long staleAfterMs;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, RunState> states;
  private KeyValueStore<String, Aggregate> totals;
  private KeyValueStore<String, Aggregate> windows;
  private KeyValueStore<String, ClosedWindow> lastWindows;
  private KeyValueStore<Integer, Sources.Progress> sources;
  private TaskCounters counters;
  private long lastLateLogMs = -LATE_LOG_INTERVAL_MS;
  private long lateDeltasNotLogged;

  RunMerger(MetricsConfig config) {
    this.config = config;
    this.windowUs = config.window().toNanos() / 1_000L;
    this.graceUs = config.grace().toNanos() / 1_000L;
    this.idleTimeoutMs = config.idleTimeout().toMillis();
    this.staleAfterMs =
        3 * Math.max(idleTimeoutMs, PartialsFlusher.HEARTBEAT.toMillis())
            + config.commitInterval().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> processorContext) {
    this.context = processorContext;
    this.states = processorContext.getStateStore(MetricsStores.RUN_STATES);
    this.totals = processorContext.getStateStore(MetricsStores.RUN_TOTALS);
    this.windows = processorContext.getStateStore(MetricsStores.OPEN_WINDOWS);
    this.lastWindows = processorContext.getStateStore(MetricsStores.LAST_WINDOWS);
    this.sources = processorContext.getStateStore(MetricsStores.SOURCES);
    this.counters =
        new TaskCounters(
            processorContext,
            TaskCounters.INVALID_RECORDS,
            TaskCounters.LATE_RECORDS,
            TaskCounters.RECORDS_AFTER_FINISH);
    processorContext.schedule(PUNCTUATION, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, PartialMessage> record) {
    PartialMessage message = record.value();
    if (message == null) {
      counters.count(TaskCounters.INVALID_RECORDS, 1);
      log.warn("{}: a partial message with no value (key {}); skipped", where(), record.key());
      return;
    }
    long now = context.currentSystemTimeMs();
    if (message instanceof PartialMessage.Progress p) {
      sources.put(p.source(), new Sources.Progress(p.watermarkUs(), p.idle(), now));
      return;
    }
    String runId =
        message instanceof PartialMessage.Delta d
            ? d.scope().runId()
            : ((PartialMessage.Announcement) message).event().getRunId();
    RunState state = states.get(runId);
    if (state == null) {
      state = new RunState(runId);
    }
    state.touch(now);
    if (message instanceof PartialMessage.Delta d) {
      merge(state, d, now);
    } else if (message instanceof PartialMessage.Announcement a) {
      state.announce(a.event(), now);
    }
    states.put(state.runId(), state);
  }

  private void merge(RunState state, PartialMessage.Delta d, long now) {
    Aggregate a = d.aggregate();
    Scope scope = d.scope();
    state.addScope(scope);
    Aggregate total = totals.get(scope.key());
    if (total == null) {
      total = new Aggregate();
    }
    total.merge(a);
    totals.put(scope.key(), total);
    state.counted(a.results(), a.scorableResults(), a.scores(), a.lastEventUs(), now);
    if (state.finished()) {
      state.afterFinish(a.records());
      counters.count(TaskCounters.RECORDS_AFTER_FINISH, a.records());
      log.warn(
          "run {} finished before {} records of {} {} arrived from partition {} ({}); they are in"
              + " the run totals, not in the published summary",
          state.runId(),
          a.records(),
          scope.model(),
          scope.endpoint(),
          d.source(),
          offsets(d));
      return;
    }
    long endUs = d.windowStartUs() + windowUs;
    if (endUs <= state.closedThroughUs()) {
      state.late(a.records());
      counters.count(TaskCounters.LATE_RECORDS, a.records());
      logLate(state, d, endUs, now);
      return;
    }
    String key = scope.windowKey(d.windowStartUs());
    Aggregate window = windows.get(key);
    if (window == null) {
      window = new Aggregate();
    }
    window.merge(a);
    windows.put(key, window);
  }

  private void logLate(RunState state, PartialMessage.Delta d, long endUs, long now) {
    if (now - lastLateLogMs < LATE_LOG_INTERVAL_MS) {
      lateDeltasNotLogged++;
      log.debug(
          "run {}: {} late records for window ending {} from partition {} ({})",
          state.runId(),
          d.aggregate().records(),
          endUs,
          d.source(),
          offsets(d));
      return;
    }
    log.warn(
        "run {}: {} records of {} {} for window [{}, {}) arrived from partition {} ({}) after the"
            + " window closed (closed through {}, grace {}); counted as late, in the run totals"
            + " only{}",
        state.runId(),
        d.aggregate().records(),
        d.scope().model(),
        d.scope().endpoint(),
        d.windowStartUs(),
        endUs,
        d.source(),
        offsets(d),
        state.closedThroughUs(),
        config.grace(),
        lateDeltasNotLogged == 0
            ? ""
            : " (" + lateDeltasNotLogged + " more late deltas since the last such message)");
    lastLateLogMs = now;
    lateDeltasNotLogged = 0;
  }

  private String offsets(PartialMessage.Delta d) {
    long[] o = d.offsets();
    String[] topics = {
      config.cluster().topics().tokenEvents(),
      config.cluster().topics().results(),
      config.cluster().topics().scores()
    };
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < topics.length; i++) {
      if (o[2 * i] >= 0) {
        if (s.length() > 0) {
          s.append(", ");
        }
        s.append(topics[i])
            .append('-')
            .append(d.source())
            .append(" offsets ")
            .append(o[2 * i])
            .append("..")
            .append(o[2 * i + 1]);
      }
    }
    return s.toString();
  }

  private void punctuate(long now) {
    List<Sources.Progress> heard = new ArrayList<>();
    List<Integer> gone = new ArrayList<>();
    try (KeyValueIterator<Integer, Sources.Progress> it = sources.all()) {
      while (it.hasNext()) {
        KeyValue<Integer, Sources.Progress> p = it.next();
        if (now - p.value.heardWallMs() > FORGET_SOURCE_AFTER_MS) {
          gone.add(p.key); // its partition no longer exists or nobody owns it
        } else {
          heard.add(p.value);
        }
      }
    }
    gone.forEach(sources::delete);
    long watermark =
        heard.size() + gone.size() < config.inputPartitions()
            ? Long.MIN_VALUE // an input partition has not reported yet: it may hold anything
            : Sources.watermark(heard, now, idleTimeoutMs, staleAfterMs);
    boolean allIdle = Sources.allIdle(heard, now, staleAfterMs);
    List<RunState> all = new ArrayList<>();
    try (KeyValueIterator<String, RunState> it = states.all()) {
      while (it.hasNext()) {
        all.add(it.next().value);
      }
    }
    for (RunState state : all) {
      if (expired(state, now)) {
        remove(state);
        continue;
      }
      if (state.finished()) {
        continue;
      }
      boolean changed = false;
      if (watermark != Long.MIN_VALUE) {
        long closeThrough = Math.floorDiv(watermark - graceUs, windowUs) * windowUs;
        changed = closeWindows(state, closeThrough, now);
      }
      changed |= maybeFinish(state, watermark, allIdle, now);
      if (changed) {
        states.put(state.runId(), state);
      }
    }
  }

  private boolean expired(RunState state, long now) {
    long retention = config.runRetention().toMillis();
    boolean quiet = now - state.lastActivityWallMs() >= retention;
    if (state.finished()) {
      return quiet && now - state.finishedWallMs() >= retention;
    }
    return quiet && state.announcement() == null;
  }

  private void remove(RunState state) {
    for (Scope scope : state.scopes()) {
      totals.delete(scope.key());
      lastWindows.delete(scope.key());
    }
    for (KeyValue<String, Aggregate> w : openWindows(state.runId())) {
      windows.delete(w.key);
    }
    states.delete(state.runId());
    log.info(
        "run {}: state removed after the run retention of {}",
        state.runId(),
        config.runRetention());
  }

  private List<KeyValue<String, Aggregate>> openWindows(String runId) {
    List<KeyValue<String, Aggregate>> out = new ArrayList<>();
    try (KeyValueIterator<String, Aggregate> it =
        windows.prefixScan(Scope.runPrefix(runId), new StringSerializer())) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** Closes the run's open windows ending at or before {@code throughUs}; true if any closed. */
  private boolean closeWindows(RunState state, long throughUs, long now) {
    if (throughUs <= state.closedThroughUs()) {
      return false;
    }
    long emittedUs = config.clock().nowMicros();
    boolean any = false;
    for (KeyValue<String, Aggregate> w : openWindows(state.runId())) {
      long start = Scope.windowStart(w.key);
      long end = start + windowUs;
      if (end > throughUs) {
        continue;
      }
      Scope scope = Scope.parse(w.key);
      emit(
          WindowedMetrics.of(
              scope,
              MetricScope.WINDOW,
              start,
              end,
              windowUs / 1e6,
              w.value,
              config.goodput(),
              0,
              true,
              emittedUs));
      ClosedWindow previous = lastWindows.get(scope.key());
      if (previous == null || previous.startUs() < start) {
        lastWindows.put(scope.key(), new ClosedWindow(start, end, w.value));
      }
      windows.delete(w.key);
      any = true;
    }
    state.closedThrough(throughUs);
    if (any) {
      emitRunTotals(state, false, emittedUs);
    }
    return true;
  }

  private boolean maybeFinish(RunState state, long watermark, boolean allIdle, long now) {
    if (state.aborted()) {
      String why = state.announcement().getMessage();
      finish(state, "aborted by the producer" + (why == null ? "" : ": " + why), now, false);
      return true;
    }
    long produced = state.producedRequests();
    if (produced < 0) {
      return false;
    }
    long missingResults = produced - state.results();
    long missingScores = config.awaitScores() ? state.scorable() - state.scores() : 0;
    boolean drained = allIdle || watermark >= state.maxEventUs();
    if (missingResults <= 0 && missingScores <= 0 && drained) {
      String scored =
          state.scorable() > 0
              ? " and " + state.scores() + " of " + state.scorable() + " scores"
              : "";
      finish(state, "all " + produced + " results in" + scored, now, true);
      return true;
    }
    long since = Math.max(state.producedWallMs(), state.lastProgressWallMs());
    if (now - since >= config.completionGrace().toMillis()) {
      StringBuilder how = new StringBuilder();
      if (missingResults > 0) {
        how.append(missingResults).append(" of ").append(produced).append(" results missing");
      } else {
        how.append("all ").append(produced).append(" results in");
      }
      if (missingScores > 0) {
        how.append(", ")
            .append(missingScores)
            .append(" of ")
            .append(state.scorable())
            .append(" scores missing");
      }
      how.append(" when the completion grace of ")
          .append(config.completionGrace())
          .append(" expired");
      finish(state, how.toString(), now, true);
      return true;
    }
    return false;
  }

  private void finish(RunState state, String how, long now, boolean publish) {
    long nowUs = config.clock().nowMicros();
    closeWindows(state, Long.MAX_VALUE, now);
    state.finish(how, nowUs, now);
    emitRunTotals(state, true, nowUs);
    if (publish) {
      RunEvent a = state.announcement();
      RunEvent finished =
          RunEvent.newBuilder(a)
              .setStatus(RunStatus.FINISHED)
              .setUpdatedUs(nowUs)
              .setFinishedUs(nowUs)
              .setMessage(how)
              .build();
      context.forward(new Record<>(state.runId(), finished, now));
    }
    log.info("run {} finished: {}", state.runId(), how);
  }

  private void emitRunTotals(RunState state, boolean closed, long emittedUs) {
    for (Scope scope : state.scopes()) {
      Aggregate total = totals.get(scope.key());
      if (total == null || total.isEmpty()) {
        continue;
      }
      emit(
          WindowedMetrics.of(
              scope,
              MetricScope.RUN,
              total.firstEventUs(),
              total.lastEventUs(),
              total.durationNs() / 1e9,
              total,
              config.goodput(),
              state.lateRecords(),
              closed,
              emittedUs));
    }
  }

  private void emit(List<WindowedMetric> metrics) {
    long ts = context.currentSystemTimeMs();
    for (WindowedMetric m : metrics) {
      context.forward(new Record<>(WindowedMetrics.key(m), m, ts));
    }
  }

  private String where() {
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
