package dev.streamperf.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.producer.dataset.DatasetSource;
import dev.streamperf.producer.input.InputSource;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.producer.publish.RequestLog;
import dev.streamperf.producer.publish.ResultsReader;
import dev.streamperf.producer.publish.RunLog;
import dev.streamperf.producer.publish.RunPublisher;
import dev.streamperf.producer.publish.SessionFactory;
import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.replay.ReplaySource;
import dev.streamperf.producer.replay.RunRecords;
import dev.streamperf.producer.schedule.Arrivals;
import dev.streamperf.producer.schedule.ConcurrencyRamp;
import dev.streamperf.producer.schedule.Pacer;
import dev.streamperf.producer.schedule.PhasePlan;
import dev.streamperf.producer.schedule.RateArrivals;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.SyntheticSource;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one run of the producer: announces it (RunEvent STARTED with its configuration), publishes
 * its sessions on the configured schedule in transactions (in closed loop outside them, for the
 * credit gap: see {@link RunPublisher}), and ends it (PRODUCED with the final counts, committed
 * with or after the last requests). A run id that names an interrupted open-loop run with the same
 * configuration resumes it exactly where its committed requests end; any other existing run id is
 * refused with the reason.
 *
 * <pre>{@code
 * RunHandle run = new RunProducer(config).start();
 * ProducerProgress done = run.await();
 * }</pre>
 */
public final class RunProducer {

  private static final Logger log = LoggerFactory.getLogger(RunProducer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ProducerConfig config;
  private final MicrosClock clock;
  private final Function<ProducerContext, SessionSource> sourceFactory;
  private final ConcurrentLinkedQueue<Long> credits = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<ProducerProgress> done = new CompletableFuture<>();

  private String runId;
  private long seed;
  private long createdUs;
  private long anchorUs;
  private long anchorNanos;
  private long resumedFrom;
  private String configJson;
  private String producerId;
  private RunPublisher publisher;
  private ResultsReader reader;
  private SessionSource source;
  private SessionFactory factory;
  private PhasePlan plan;
  private Pacer pacer;
  private Thread thread;
  private volatile boolean stopRequested;
  private volatile ProducerProgress.State state = ProducerProgress.State.STARTING;
  private volatile long producedSessions;
  private volatile long producedRequests;
  private volatile long warmupRequests;
  private volatile long lateSessions;
  private volatile long maxLatenessUs;
  private volatile long outstanding;

  /** What a source factory gets to build a run's source. */
  public record ProducerContext(ProducerConfig config, Seeds seeds, PromptSynthesizer prompts) {}

  /**
   * A producer of the configuration's sessions: synthetic, or from its input (a file, a public
   * dataset, an earlier run), loaded and checked in {@link #start()} before anything is published.
   */
  public RunProducer(ProducerConfig config) {
    this(config, RunProducer::configured);
  }

  /**
   * A producer of the sessions another source yields (input files, datasets, traces, replays): the
   * factory is called once the run's seed is known.
   */
  public RunProducer(
      ProducerConfig config, Function<ProducerContext, SessionSource> sourceFactory) {
    this.config = config;
    this.clock = config.clock();
    this.sourceFactory = sourceFactory;
  }

  private static SessionSource configured(ProducerContext context) {
    ProducerConfig c = context.config();
    if (c.input() instanceof InputSpec.File file) {
      return new InputSource(file, context.prompts(), context.seeds(), c.stop().bounded());
    }
    if (c.input() instanceof InputSpec.Replay replay) {
      RunRecords records = RunRecords.read(c.cluster(), replay.runId(), false, KAFKA_TIMEOUT);
      return new ReplaySource(replay.runId(), records.requests(), replay.speed());
    }
    if (c.input() instanceof InputSpec.Dataset dataset) {
      return new DatasetSource(
          dataset, context.prompts().tokenizer(), System.err, c.stop().bounded());
    }
    return synthetic(context);
  }

  private static SessionSource synthetic(ProducerContext context) {
    ProducerConfig c = context.config();
    return new SyntheticSource(
        c.prompts(),
        c.conversation(),
        c.images(),
        c.audio(),
        c.extraInputs(),
        context.seeds(),
        context.prompts());
  }

  /**
   * Checks the run id against the runs topic, prepares the sessions and starts publishing on a
   * thread of its own.
   *
   * @throws RunRefusedException when the run id names a run that cannot be continued
   * @throws IllegalArgumentException when the tokenizer or an input cannot be loaded
   */
  public RunHandle start() {
    Tokenizer tokenizer = Tokenizers.load(config.tokenizer(), config.tokenizerHub());
    PromptSynthesizer prompts = PromptSynthesizer.load(tokenizer);
    runId = config.runId() != null ? config.runId() : newRunId();
    producerId =
        System.getenv().getOrDefault("HOSTNAME", "localhost") + ":" + ProcessHandle.current().pid();
    // Validate against the recorded run before fencing: a refused start must not stop a live one.
    Optional<RunEvent> existing = RunLog.latest(config.cluster(), runId, KAFKA_TIMEOUT);
    if (existing.isPresent()) {
      seed = checkResumable(existing.get(), tokenizer.name());
      createdUs = existing.get().getCreatedUs();
    }
    publisher =
        new RunPublisher(config.cluster(), runId, config.load() instanceof LoadSpec.ClosedLoop);
    try {
      publisher.init(KAFKA_TIMEOUT);
      if (existing.isEmpty()) {
        seed = config.randomSeed() != null ? config.randomSeed() : new SecureRandom().nextLong();
      }
      Seeds seeds = new Seeds(seed);
      configJson = config.toJson(seed, tokenizer.name()).toString();
      source = sourceFactory.apply(new ProducerContext(config, seeds, prompts));
      factory =
          new SessionFactory(
              config.models(),
              config.modelSelection(),
              config.streaming(),
              config.extraInputs(),
              seeds);
      plan = new PhasePlan(config.warmup(), config.stop());
      pacer = pacer(seeds);
      source.prepare();
      if (existing.isEmpty()) {
        createdUs = clock.nowMicros();
      }
      anchorUs = createdUs + config.lead().toNanos() / 1000;
      anchorNanos = clock.nanoTime() + (anchorUs - clock.nowMicros()) * 1000;
      if (existing.isPresent()) {
        resume(existing.get());
      }
      if (config.readsResults()) {
        reader =
            new ResultsReader(
                config.cluster(),
                runId,
                config.resultsIsolation(),
                completedUs -> {
                  credits.add(completedUs);
                  LockSupport.unpark(thread);
                });
      }
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    thread = new Thread(this::loop, "streamperf-producer-" + runId);
    thread.start();
    return new RunHandle(this, done);
  }

  private Pacer pacer(Seeds seeds) {
    if (config.load() instanceof LoadSpec.ClosedLoop c) {
      return Pacer.closedLoop(new ConcurrencyRamp(c.concurrency(), c.concurrencyRamp()));
    }
    LoadSpec.OpenLoop o = (LoadSpec.OpenLoop) config.load();
    Arrivals arrivals =
        source
            .schedule()
            .orElseGet(
                () ->
                    new RateArrivals(
                        o.pattern(),
                        o.rate(),
                        o.shape(),
                        o.rateRamp(),
                        seeds.random(Seeds.Stream.ARRIVALS)));
    ConcurrencyRamp cap =
        o.concurrencyCap() == null
            ? null
            : new ConcurrencyRamp(o.concurrencyCap(), o.concurrencyRamp());
    return Pacer.openLoop(arrivals, cap, config.lead().toNanos());
  }

  private static String newRunId() {
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    return "run-"
        + RUN_ID_TIME.format(Instant.now())
        + "-"
        + java.util.HexFormat.of().formatHex(random);
  }

  /** Checks that an existing run can be continued by this configuration; returns its seed. */
  private long checkResumable(RunEvent existing, String tokenizerName) {
    if (existing.getStatus() != RunStatus.STARTED) {
      throw new RunRefusedException(
          "--run-id "
              + runId
              + ": that run is already "
              + existing.getStatus()
              + " ("
              + existing.getProducedSessions()
              + " sessions, "
              + existing.getProducedRequests()
              + " requests published); choose a new --run-id");
    }
    JsonNode recorded;
    try {
      recorded = JSON.readTree(existing.getConfig());
    } catch (JsonProcessingException e) {
      throw new RunRefusedException(
          "--run-id " + runId + ": its recorded configuration is not JSON; cannot resume it");
    }
    long recordedSeed = recorded.path("random_seed").asLong();
    if (config.randomSeed() != null && config.randomSeed() != recordedSeed) {
      throw new RunRefusedException(
          "--run-id "
              + runId
              + ": --random-seed "
              + config.randomSeed()
              + " differs from the run's "
              + recordedSeed
              + "; resume with the same seed or choose a new --run-id");
    }
    JsonNode given;
    try {
      // through text, so numbers compare by value (300 read back is an int, 300L written a long)
      given = JSON.readTree(config.toJson(recordedSeed, tokenizerName).toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    List<String> differences = new ArrayList<>();
    diff("", recorded, given, differences);
    differences.remove("random_seed_given");
    if (!differences.isEmpty()) {
      throw new RunRefusedException(
          "--run-id "
              + runId
              + ": that run was started with another configuration ("
              + String.join(", ", differences)
              + " differ); resume it with the same options or choose a new --run-id");
    }
    if (config.readsResults()) {
      throw new RunRefusedException(
          "--run-id "
              + runId
              + ": that run was interrupted; it reads results for credits (--concurrency), and the"
              + " sessions in flight when its producer stopped cannot be recovered exactly, so it"
              + " cannot resume; choose a new --run-id");
    }
    return recordedSeed;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      List<String> names = new ArrayList<>();
      a.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!names.contains(name)) {
          names.add(name);
        }
      }
      for (String name : names) {
        JsonNode x = a.get(name);
        JsonNode y = b.get(name);
        String child = path.isEmpty() ? name : path + "." + name;
        if (x == null || y == null) {
          out.add(child);
        } else {
          diff(child, x, y, out);
        }
      }
    } else if (!a.equals(b)) {
      out.add(path);
    }
  }

  /**
   * Replays the decisions of the committed prefix so counts, plan and schedule continue exactly.
   */
  private void resume(RunEvent existing) {
    long committed =
        RequestLog.committedSessions(
            config.cluster(),
            runId,
            createdUs / 1000 - TimeUnit.MINUTES.toMillis(5),
            KAFKA_TIMEOUT);
    for (long sequence = 0; sequence < committed; sequence++) {
      SessionTemplate template = source.session(sequence);
      long intended = pacer.nextArrival();
      PhasePlan.Decision decision = plan.decide(intended, template.turnCount());
      if (decision == null) {
        break;
      }
      pacer.take();
      pacer.credit(0);
      count(template, decision);
      for (int t = 0; t < decision.turns(); t++) {
        template.turns().get(t).media().forEach(publisher::alreadyPublished);
      }
    }
    resumedFrom = committed;
    log.info("run {}: resuming after {} committed sessions", runId, committed);
  }

  private void count(SessionTemplate template, PhasePlan.Decision decision) {
    producedSessions++;
    producedRequests += decision.turns();
    if (decision.phase() == Phase.WARMUP) {
      warmupRequests += decision.turns();
    }
  }

  private void loop() {
    try {
      state = ProducerProgress.State.PUBLISHING;
      if (resumedFrom == 0) {
        publisher.runEvent(runEvent(RunStatus.STARTED, null));
        publisher.commit();
      }
      publishUntilDone();
      String message =
          stopRequested
              ? "stopped early after "
                  + producedSessions
                  + " sessions ("
                  + producedRequests
                  + " requests)"
              : null;
      publisher.runEvent(runEvent(RunStatus.PRODUCED, message));
      publisher.commit();
      state = stopRequested ? ProducerProgress.State.STOPPED : ProducerProgress.State.PRODUCED;
      done.complete(progress());
    } catch (Throwable e) {
      state = ProducerProgress.State.FAILED;
      publisher.abort();
      abort(e);
      done.completeExceptionally(e);
    } finally {
      closeQuietly();
    }
  }

  private void publishUntilDone() {
    long commitNanos = config.commitInterval().toNanos();
    long progressNanos = config.progressInterval().toNanos();
    boolean closed = pacer.closed();
    OptionalLong size = source.size();
    long sequence = producedSessions;
    long transactionStart = -1;
    long nextProgress = clock.nanoTime() + progressNanos;
    while (true) {
      for (Long completedUs = credits.poll(); completedUs != null; completedUs = credits.poll()) {
        pacer.credit(completedUs);
      }
      outstanding = pacer.outstanding();
      if (stopRequested || (size.isPresent() && sequence >= size.getAsLong()) || plan.done()) {
        return;
      }
      if (reader != null && reader.failure() != null) {
        throw new IllegalStateException(
            "results reader failed: " + reader.failure(), reader.failure());
      }
      long now = clock.nanoTime();
      long elapsed = now - anchorNanos;
      long end = plan.endNanos();
      if (closed && end >= 0 && elapsed >= end) {
        return;
      }
      if (!closed && pacer.nextArrival() == Arrivals.END) {
        return;
      }
      Pacer.Slot slot = pacer.peek(elapsed);
      if (slot != null) {
        SessionTemplate template = source.session(sequence);
        long at = closed ? elapsed : slot.intendedNanos();
        PhasePlan.Decision decision = plan.decide(at, template.turnCount());
        if (decision == null) {
          return;
        }
        pacer.take();
        publish(sequence, template, decision, slot, now);
        sequence++;
        if (transactionStart < 0) {
          transactionStart = now;
        }
        if (!closed && now - transactionStart >= commitNanos) {
          publisher.commit();
          transactionStart = -1;
        }
        continue;
      }
      long wake = pacer.wakeAt(elapsed);
      long wakeAt = wake == Long.MAX_VALUE ? Long.MAX_VALUE : anchorNanos + wake;
      if (closed && end >= 0) {
        wakeAt = Math.min(wakeAt, anchorNanos + end);
      }
      if (publisher.pending() > 0
          && (closed || now - transactionStart >= commitNanos || wakeAt - now >= commitNanos)) {
        publisher.commit();
        transactionStart = -1;
      }
      if (now >= nextProgress) {
        publisher.runEvent(runEvent(RunStatus.STARTED, null));
        publisher.commit();
        transactionStart = -1;
        nextProgress = now + progressNanos;
      }
      long until = Math.min(wakeAt, nextProgress);
      if (transactionStart >= 0) {
        until = Math.min(until, transactionStart + commitNanos);
      }
      long park = Math.min(until - clock.nanoTime(), MAX_PARK_NANOS);
      if (park > 0 && credits.isEmpty()) {
        LockSupport.parkNanos(this, park);
      }
    }
  }

  private void publish(
      long sequence,
      SessionTemplate template,
      PhasePlan.Decision decision,
      Pacer.Slot slot,
      long now) {
    long publishedUs = clock.toEpochMicros(now);
    Long intendedUs = null;
    if (slot.intendedNanos() != Pacer.Slot.NONE) {
      intendedUs = anchorUs + slot.intendedNanos() / 1000;
      long lateness = publishedUs - intendedUs;
      if (lateness > 0) {
        lateSessions++;
        maxLatenessUs = Math.max(maxLatenessUs, lateness);
      }
    }
    for (int t = 0; t < decision.turns(); t++) {
      TurnTemplate turn = template.turns().get(t);
      for (Medium medium : turn.media()) {
        publisher.media(medium, publishedUs);
      }
    }
    InferenceRequest request =
        factory.build(
            runId,
            sequence,
            template,
            decision.turns(),
            decision.phase(),
            intendedUs,
            slot.creditReleasedUs(),
            publishedUs);
    if (reader != null) {
      reader.register(request.getSessionId(), decision.turns() - 1);
    }
    publisher.request(request);
    count(template, decision);
  }

  private RunEvent runEvent(RunStatus status, String message) {
    long now = clock.nowMicros();
    return RunEvent.newBuilder()
        .setRunId(runId)
        .setStatus(status)
        .setCreatedUs(createdUs)
        .setUpdatedUs(now)
        .setModel(String.join(",", config.models()))
        .setEndpoints(new ArrayList<>(config.endpoints()))
        .setConfig(configJson)
        .setProducedSessions(producedSessions)
        .setProducedRequests(producedRequests)
        .setWarmupRequests(warmupRequests)
        .setFinishedUs(status == RunStatus.ABORTED ? now : null)
        .setMessage(message)
        .setReplayOf(config.input() instanceof InputSpec.Replay r ? r.runId() : null)
        .setProducerId(producerId)
        .build();
  }

  /** After a failure: the committed requests stay; the run is marked ABORTED unless fenced. */
  private void abort(Throwable cause) {
    if (String.valueOf(cause.getMessage()).contains("another producer took over")) {
      return;
    }
    try {
      publisher.runEvent(runEvent(RunStatus.ABORTED, "producer failed: " + cause.getMessage()));
      publisher.commit();
    } catch (RuntimeException e) {
      log.warn("run {}: could not record ABORTED: {}", runId, e.toString());
    }
  }

  private void closeQuietly() {
    if (reader != null) {
      reader.close();
    }
    if (source != null) {
      source.close();
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  void requestStop() {
    stopRequested = true;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  String runId() {
    return runId;
  }

  long resumedFrom() {
    return resumedFrom;
  }

  String describe() {
    String load;
    if (config.load() instanceof LoadSpec.ClosedLoop c) {
      load =
          "closed loop, concurrency "
              + c.concurrency()
              + (c.concurrencyRamp() == null ? "" : " ramped over " + c.concurrencyRamp());
    } else if (config.input() != null && config.input().schedule() != null) {
      LoadSpec.OpenLoop o = (LoadSpec.OpenLoop) config.load();
      load =
          "fixed schedule"
              + (o.concurrencyCap() == null ? "" : ", concurrency cap " + o.concurrencyCap());
    } else {
      LoadSpec.OpenLoop o = (LoadSpec.OpenLoop) config.load();
      load =
          String.format(
                  Locale.ROOT,
                  "open loop, %s req/s %s",
                  trim(o.rate()),
                  o.pattern().name().toLowerCase(Locale.ROOT))
              + (o.concurrencyCap() == null ? "" : ", concurrency cap " + o.concurrencyCap())
              + (o.rateRamp() == null ? "" : ", rate ramped over " + o.rateRamp());
    }
    List<String> stops = new ArrayList<>();
    if (config.stop().requestCount() != null) {
      stops.add(config.stop().requestCount() + " requests");
    }
    if (config.stop().sessionCount() != null) {
      stops.add(config.stop().sessionCount() + " sessions");
    }
    if (config.stop().duration() != null) {
      stops.add(config.stop().duration().toString());
    }
    String warmup =
        config.warmup().requestCount() != null
            ? ", warmup " + config.warmup().requestCount() + " requests"
            : config.warmup().duration() != null ? ", warmup " + config.warmup().duration() : "";
    return String.format(
        Locale.ROOT,
        "run %s (seed %d): %s; %s; %s%s",
        runId,
        seed,
        source.describe(),
        load,
        stops.isEmpty()
            ? source.size().isPresent() ? "until its last session" : "until stopped (soak)"
            : "stop after " + String.join(" or ", stops),
        warmup);
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  ProducerProgress progress() {
    return new ProducerProgress(
        runId,
        state,
        producedSessions,
        producedRequests,
        warmupRequests,
        publisher == null ? 0 : publisher.mediaPublished(),
        reader == null ? 0 : outstanding,
        reader == null ? 0 : reader.results(),
        reader == null ? 0 : reader.duplicates(),
        lateSessions,
        maxLatenessUs,
        clock.nowMicros() - anchorUs);
  }

  /** For tests and reports: the run's configuration as recorded. */
  Map<String, Object> recordedConfig() {
    try {
      return JSON.readValue(
          configJson,
          JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
