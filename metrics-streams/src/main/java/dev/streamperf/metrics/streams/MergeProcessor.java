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
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-run stage: merges the partitions' deltas into open windows and run totals, keeps each
 * input partition's progress, closes windows on the watermark (emitting {@code WindowedMetric}
 * records), counts records that arrive after their window closed (late: they go into the run totals
 * only), and finishes runs (publishing a FINISHED {@code RunEvent}) when their produced count of
 * results is in or the completion grace expires. Windows and runs move forward as messages arrive;
 * every input partition reports its progress at least every {@link PartialsFlusher#HEARTBEAT}, so
 * they do even without load. All of it happens in {@link MergeState} and reaches the logged stores
 * and the output topics at the next commit.
 */
final class MergeProcessor implements FixedKeyProcessor<String, PartialMessage, Long> {

  /** How often at most windows and runs are checked against the watermark and the clock. */
  static final Duration ADVANCE_INTERVAL = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(MergeProcessor.class);
  private static final long LATE_LOG_INTERVAL_MS = 10_000;
  private static final long FORGET_SOURCE_AFTER_MS = Duration.ofMinutes(10).toMillis();

  private final MetricsConfig config;
  private final String stateName;
  private final long windowUs;
  private final long graceUs;
  private final long idleTimeoutMs;
  private final long staleAfterMs;
  private FixedKeyProcessorContext<String, Long> context;
  private MergeState state;
  private TaskCounters counters;
  private long lastAdvanceMs = Long.MIN_VALUE / 2;
  private long lastTickTimestamp;
  private long lastLateLogMs = -LATE_LOG_INTERVAL_MS;
  private long lateDeltasNotLogged;

  MergeProcessor(MetricsConfig config, String stateName) {
    this.config = config;
    this.stateName = stateName;
    this.windowUs = config.window().toNanos() / 1_000L;
    this.graceUs = config.grace().toNanos() / 1_000L;
    this.idleTimeoutMs = config.idleTimeout().toMillis();
    this.staleAfterMs =
        3 * Math.max(idleTimeoutMs, PartialsFlusher.HEARTBEAT.toMillis())
            + config.commitInterval().toMillis();
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Long> processorContext) {
    this.context = processorContext;
    this.state = processorContext.getStateStore(stateName);
    state.attach(processorContext);
    this.counters =
        new TaskCounters(
            processorContext,
            TaskCounters.INVALID_RECORDS,
            TaskCounters.LATE_RECORDS,
            TaskCounters.RECORDS_AFTER_FINISH);
  }

  @Override
  public void process(FixedKeyRecord<String, PartialMessage> record) {
    PartialMessage message = record.value();
    long now = context.currentSystemTimeMs();
    if (message == null) {
      counters.count(TaskCounters.INVALID_RECORDS, 1);
      log.warn("{}: a partial message with no value (key {}); skipped", where(), record.key());
    } else if (message instanceof PartialMessage.Progress p) {
      state.putSource(p.source(), new Sources.Progress(p.watermarkUs(), p.idle(), now));
    } else if (message instanceof PartialMessage.Delta d) {
      RunState run = state.run(d.scope().runId());
      run.touch(now);
      merge(run, d, now);
      state.changed(run);
    } else if (message instanceof PartialMessage.Announcement a) {
      RunState run = state.run(a.event().getRunId());
      run.touch(now);
      run.announce(a.event(), now);
      state.changed(run);
    }
    if (now - lastAdvanceMs >= ADVANCE_INTERVAL.toMillis()) {
      lastAdvanceMs = now;
      advance(now);
    }
    long tick = state.takeTick();
    if (tick > 0) {
      // the barrier is a table: a tick older than the one before it would be logged as an
      // out-of-order update, and partials of many partitions arrive out of event-time order
      lastTickTimestamp = Math.max(lastTickTimestamp, record.timestamp());
      context.forward(record.withValue(tick).withTimestamp(lastTickTimestamp));
    }
  }

  private void merge(RunState run, PartialMessage.Delta d, long now) {
    Aggregate a = d.aggregate();
    Scope scope = d.scope();
    run.addScope(scope);
    Aggregate total = state.total(scope);
    total.merge(a);
    state.putTotal(scope, total);
    run.counted(a.results(), a.scorableResults(), a.scores(), a.lastEventUs(), now);
    if (run.finished()) {
      run.afterFinish(a.records());
      counters.count(TaskCounters.RECORDS_AFTER_FINISH, a.records());
      log.warn(
          "run {} finished before {} records of {} {} arrived from task {} ({}); they are in"
              + " the run totals, not in the published summary",
          run.runId(),
          a.records(),
          scope.model(),
          scope.endpoint(),
          Sources.describe(d.source()),
          offsets(d));
      return;
    }
    long endUs = d.windowStartUs() + windowUs;
    if (endUs <= run.closedThroughUs()) {
      run.late(a.records());
      counters.count(TaskCounters.LATE_RECORDS, a.records());
      logLate(run, d, endUs, now);
      return;
    }
    String key = scope.windowKey(d.windowStartUs());
    Aggregate window = state.openWindows(run.runId()).get(key);
    if (window == null) {
      window = new Aggregate();
    }
    window.merge(a);
    state.putWindow(run.runId(), key, window);
  }

  private void logLate(RunState run, PartialMessage.Delta d, long endUs, long now) {
    if (now - lastLateLogMs < LATE_LOG_INTERVAL_MS) {
      lateDeltasNotLogged++;
      log.debug(
          "run {}: {} late records for window ending {} from task {} ({})",
          run.runId(),
          d.aggregate().records(),
          endUs,
          Sources.describe(d.source()),
          offsets(d));
      return;
    }
    log.warn(
        "run {}: {} records of {} {} for window [{}, {}) arrived from task {} ({}) after the"
            + " window closed (closed through {}, grace {}); counted as late, in the run totals"
            + " only{}",
        run.runId(),
        d.aggregate().records(),
        d.scope().model(),
        d.scope().endpoint(),
        d.windowStartUs(),
        endUs,
        Sources.describe(d.source()),
        offsets(d),
        run.closedThroughUs(),
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
            .append(Sources.partition(d.source()))
            .append(" offsets ")
            .append(o[2 * i])
            .append("..")
            .append(o[2 * i + 1]);
      }
    }
    return s.toString();
  }

  /** Moves every run forward: closes windows the watermark has passed, finishes, expires. */
  private void advance(long now) {
    Map<Integer, Sources.Progress> sources = state.sources();
    List<Integer> gone = new ArrayList<>();
    sources.forEach(
        (source, p) -> {
          if (now - p.heardWallMs() > FORGET_SOURCE_AFTER_MS) {
            gone.add(source); // its partition no longer exists or nobody owns it
          }
        });
    gone.forEach(state::deleteSource);
    List<Sources.Progress> heard = new ArrayList<>(state.sources().values());
    long watermark =
        heard.size() < config.inputSources()
            ? Long.MIN_VALUE // an input task has not reported yet: it may hold anything
            : Sources.watermark(heard, now, idleTimeoutMs, staleAfterMs);
    boolean allIdle = Sources.allIdle(heard, now, staleAfterMs);
    for (RunState run : new ArrayList<>(state.runs())) {
      if (expired(run, now)) {
        state.removeRun(run);
        log.info(
            "run {}: state removed after the run retention of {}",
            run.runId(),
            config.runRetention());
        continue;
      }
      if (run.finished()) {
        continue;
      }
      boolean changed = false;
      if (watermark != Long.MIN_VALUE) {
        long closeThrough = Math.floorDiv(watermark - graceUs, windowUs) * windowUs;
        changed = closeWindows(run, closeThrough, now);
      }
      changed |= maybeFinish(run, watermark, allIdle, now);
      if (changed) {
        state.changed(run);
      }
    }
  }

  private boolean expired(RunState run, long now) {
    long retention = config.runRetention().toMillis();
    boolean quiet = now - run.lastActivityWallMs() >= retention;
    if (run.finished()) {
      return quiet && now - run.finishedWallMs() >= retention;
    }
    return quiet && run.announcement() == null;
  }

  /** Closes the run's open windows ending at or before {@code throughUs}; true if state changed. */
  private boolean closeWindows(RunState run, long throughUs, long now) {
    if (throughUs <= run.closedThroughUs()) {
      return false;
    }
    long emittedUs = config.clock().nowMicros();
    boolean any = false;
    for (Map.Entry<String, Aggregate> w :
        new ArrayList<>(state.openWindows(run.runId()).entrySet())) {
      long start = Scope.windowStart(w.getKey());
      long end = start + windowUs;
      if (end > throughUs) {
        continue;
      }
      Scope scope = Scope.parse(w.getKey());
      emit(
          WindowedMetrics.of(
              scope,
              MetricScope.WINDOW,
              start,
              end,
              windowUs / 1e6,
              w.getValue(),
              config.goodput(),
              0,
              true,
              emittedUs),
          now);
      ClosedWindow previous = state.lastWindow(scope);
      if (previous == null || previous.startUs() < start) {
        state.putLastWindow(scope, new ClosedWindow(start, end, w.getValue()));
      }
      state.deleteWindow(run.runId(), w.getKey());
      any = true;
    }
    run.closedThrough(throughUs);
    if (any) {
      emitRunTotals(run, false, emittedUs, now);
    }
    return true;
  }

  private boolean maybeFinish(RunState run, long watermark, boolean allIdle, long now) {
    if (run.aborted()) {
      String why = run.announcement().getMessage();
      finish(run, "aborted by the producer" + (why == null ? "" : ": " + why), now, false);
      return true;
    }
    long produced = run.producedRequests();
    if (produced < 0) {
      return false;
    }
    long missingResults = produced - run.results();
    long missingScores = config.awaitScores() ? run.scorable() - run.scores() : 0;
    boolean drained = allIdle || watermark >= run.maxEventUs();
    if (missingResults <= 0 && missingScores <= 0 && drained) {
      String scored =
          run.scorable() > 0 ? " and " + run.scores() + " of " + run.scorable() + " scores" : "";
      finish(run, "all " + produced + " results in" + scored, now, true);
      return true;
    }
    long since = Math.max(run.producedWallMs(), run.lastProgressWallMs());
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
            .append(run.scorable())
            .append(" scores missing");
      }
      how.append(" when the completion grace of ")
          .append(config.completionGrace())
          .append(" expired");
      finish(run, how.toString(), now, true);
      return true;
    }
    return false;
  }

  private void finish(RunState run, String how, long now, boolean publish) {
    long nowUs = config.clock().nowMicros();
    closeWindows(run, Long.MAX_VALUE, now);
    run.finish(how, nowUs, now);
    emitRunTotals(run, true, nowUs, now);
    if (publish) {
      RunEvent finished =
          RunEvent.newBuilder(run.announcement())
              .setStatus(RunStatus.FINISHED)
              .setUpdatedUs(nowUs)
              .setFinishedUs(nowUs)
              .setMessage(how)
              .build();
      state.emit(new Record<>(run.runId(), finished, now));
    }
    log.info("run {} finished: {}", run.runId(), how);
  }

  private void emitRunTotals(RunState run, boolean closed, long emittedUs, long now) {
    for (Scope scope : run.scopes()) {
      Aggregate total = state.total(scope);
      if (total.isEmpty()) {
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
              run.lateRecords(),
              closed,
              emittedUs),
          now);
    }
  }

  private void emit(List<WindowedMetric> metrics, long now) {
    for (WindowedMetric m : metrics) {
      state.emit(new Record<String, SpecificRecord>(WindowedMetrics.key(m), m, now));
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
