package dev.streamperf.cli;

import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.worker.WorkerConfig;
import dev.streamperf.worker.http.TurnOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The request worker's performance scenarios (issue 4), each against the simulator on this machine:
 * streaming token throughput, request throughput with short outputs, 10,000 concurrent open streams
 * in the heap this JVM was given, timing error against the simulator's ground truth at 1,000
 * streams, and the non-streaming request rate beside wrk's. The simulator runs in a child JVM (its
 * own heap, CPU and file limit), optionally on CPUs of its own ({@code taskset}).
 */
final class WorkerBenchmark {

  /**
   * One scenario's outcome: what was set up, what was measured, the target and whether it was met
   * (null: no target, the figure is reported).
   */
  record Row(
      String scenario, String setup, String measured, String target, Boolean met, String health) {}

  /** Tokens/s target of issue 4. */
  static final double TOKENS_PER_SECOND = 100_000;

  /** Requests/s target of issue 4 (short outputs). */
  static final double REQUESTS_PER_SECOND = 2_000;

  /** Open streams target of issue 4. */
  static final int OPEN_STREAMS = 10_000;

  /** The heap the open streams must fit in. */
  static final long HEAP_BYTES = 1L << 30;

  /** Timing error target of issue 4: p99 of |measured - truth|, in milliseconds. */
  static final double TIMING_P99_MS = 1.0;

  private final Duration warmup;
  private final Duration timingWarmup;
  private final Duration window;
  private final int ioThreads;
  private final int simulatorIoThreads;
  private final String simulatorCpus;

  /**
   * @param timingWarmup the timing scenario's warm-up, longer than the others: its figures are in
   *     the millisecond range and JIT compilation disturbs them for about half a minute
   * @param ioThreads the worker's event loops
   * @param simulatorIoThreads the simulator's event loops; 0 takes one per CPU
   * @param simulatorCpus the CPUs the simulator's JVM runs on ({@code taskset -c} list), or null
   *     for those of this process
   */
  WorkerBenchmark(
      Duration warmup,
      Duration timingWarmup,
      Duration window,
      int ioThreads,
      int simulatorIoThreads,
      String simulatorCpus) {
    this.warmup = warmup;
    this.timingWarmup = timingWarmup;
    this.window = window;
    this.ioThreads = ioThreads;
    this.simulatorIoThreads = simulatorIoThreads;
    this.simulatorCpus = simulatorCpus;
  }

  private SimulatorProcess startSimulator(List<String> simArgs, String heap) {
    return SimulatorProcess.start(simArgs, heap, simulatorCpus);
  }

  private WorkerConfig config(String url, int maxInFlight) {
    return WorkerConfig.builder()
        .url(url)
        .workerId("bench")
        .maxInFlight(maxInFlight)
        .ioThreads(ioThreads)
        .outputTextMaxChars(1024)
        .build();
  }

  private List<String> simArgs(double ttftMs, double itlMs, int tokens) {
    return List.of(
        "--sim-io-threads", Integer.toString(simulatorIoThreads),
        "--sim-ttft-ms", Double.toString(ttftMs),
        "--sim-ttft-per-token-ms", "0",
        "--sim-itl-ms", Double.toString(itlMs),
        "--sim-output-tokens-mean", Integer.toString(tokens),
        "--sim-output-tokens-stddev", "0",
        "--sim-output-tokens-max", Integer.toString(Math.max(tokens, 1)),
        "--sim-max-running", "100000");
  }

  /** CPU of this process, the simulator and the machine, and this JVM's GC, over a window. */
  private static final class Health {
    private final SimulatorProcess sim;
    private final double self0;
    private final double sim0;
    private final double machine0;
    private final long gcCount0;
    private final long gcMillis0;
    private final long start;

    Health(SimulatorProcess sim) {
      this.sim = sim;
      this.self0 = Cpu.processSeconds(ProcessHandle.current().pid());
      this.sim0 = sim.cpuSeconds();
      this.machine0 = Cpu.machineBusySeconds();
      long[] gc = gc();
      this.gcCount0 = gc[0];
      this.gcMillis0 = gc[1];
      this.start = System.nanoTime();
    }

    private static long[] gc() {
      long count = 0;
      long millis = 0;
      for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
        count += Math.max(0, b.getCollectionCount());
        millis += Math.max(0, b.getCollectionTime());
      }
      return new long[] {count, millis};
    }

    String describe() {
      double seconds = (System.nanoTime() - start) / 1e9;
      double self = (Cpu.processSeconds(ProcessHandle.current().pid()) - self0) / seconds;
      double simulator = (sim.cpuSeconds() - sim0) / seconds;
      double machine = (Cpu.machineBusySeconds() - machine0) / seconds;
      long[] gc = gc();
      return String.format(
          Locale.ROOT,
          "cores: worker %.2f, simulator %.2f, machine %.2f of %d; worker GC %d collections, %d ms",
          self,
          simulator,
          machine,
          Cpu.machineCpus(),
          gc[0] - gcCount0,
          gc[1] - gcMillis0);
    }
  }

  private record Measured(
      double requestsPerSecond,
      double tokensPerSecond,
      long errors,
      String lastError,
      String health) {}

  /**
   * A closed loop of {@code streams} sessions, their first sends spread over {@code ramp}, measured
   * over the window after the warmup.
   */
  private Measured closedLoop(
      SimulatorProcess sim, int streams, int tokens, boolean stream, Duration ramp)
      throws InterruptedException {
    try (WorkerLoad load = new WorkerLoad(config(sim.baseUrl(), streams), stream, tokens, null)) {
      load.start(streams, ramp);
      TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
      long r0 = load.requests.get();
      long t0 = load.tokens.get();
      long e0 = load.errors.get();
      load.executor().resetMaxLoopLag();
      Health health = new Health(sim);
      long start = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(window.toNanos());
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measured(
          (load.requests.get() - r0) / seconds,
          (load.tokens.get() - t0) / seconds,
          load.errors.get() - e0,
          load.lastError(),
          health.describe() + ", max event-loop lag " + millis(load.executor().maxLoopLagNanos()));
    }
  }

  /** Streamed tokens per second with long outputs at zero simulated delay. */
  Row tokens(int streams, int tokens) throws InterruptedException {
    try (SimulatorProcess sim = startSimulator(simArgs(0, 0, tokens), "1g")) {
      Measured m = closedLoop(sim, streams, tokens, true, Duration.ZERO);
      return new Row(
          "tokens",
          String.format(
              Locale.ROOT,
              "%d streams x %d tokens, streamed, simulator at zero delay",
              streams,
              tokens),
          String.format(
              Locale.ROOT,
              "%,.0f tokens/s (%,.0f requests/s, %d errors)",
              m.tokensPerSecond(),
              m.requestsPerSecond(),
              m.errors()),
          String.format(Locale.ROOT, ">= %,.0f tokens/s", TOKENS_PER_SECOND),
          m.tokensPerSecond() >= TOKENS_PER_SECOND && m.errors() == 0,
          m.health() + errorNote(m));
    }
  }

  /**
   * Requests per second with short outputs at zero simulated delay, streamed; the tokens per second
   * of the same load are held to the tokens target too.
   */
  Row requests(int streams, int tokens) throws InterruptedException {
    try (SimulatorProcess sim = startSimulator(simArgs(0, 0, tokens), "1g")) {
      Measured m = closedLoop(sim, streams, tokens, true, Duration.ZERO);
      return new Row(
          "requests",
          String.format(
              Locale.ROOT,
              "%d streams x %d tokens (short outputs), streamed, simulator at zero delay",
              streams,
              tokens),
          String.format(
              Locale.ROOT,
              "%,.0f requests/s, %,.0f tokens/s (%d errors)",
              m.requestsPerSecond(),
              m.tokensPerSecond(),
              m.errors()),
          String.format(
              Locale.ROOT,
              ">= %,.0f requests/s and >= %,.0f tokens/s",
              REQUESTS_PER_SECOND,
              TOKENS_PER_SECOND),
          m.requestsPerSecond() >= REQUESTS_PER_SECOND
              && m.tokensPerSecond() >= TOKENS_PER_SECOND
              && m.errors() == 0,
          m.health() + errorNote(m));
    }
  }

  /** Streams paced by the simulator: what the worker's CPU costs per event when nothing batches. */
  Row paced(int streams, int tokens, Duration itl) throws InterruptedException {
    Duration ttft = Duration.ofMillis(15);
    try (SimulatorProcess sim =
        startSimulator(simArgs(ttft.toMillis(), itl.toNanos() / 1e6, tokens), "1g")) {
      Measured m = closedLoop(sim, streams, tokens, true, responseTime(ttft, itl, tokens));
      double offered = streams * 1e9 / itl.toNanos();
      return new Row(
          "paced",
          String.format(
              Locale.ROOT,
              "%,d streams x %d tokens, TTFT %d ms, ITL %d ms (offered up to %,.0f tokens/s),"
                  + " simulator in its own JVM",
              streams,
              tokens,
              ttft.toMillis(),
              itl.toMillis(),
              offered),
          String.format(
              Locale.ROOT,
              "%,.0f tokens/s (%,.0f requests/s, %d errors)",
              m.tokensPerSecond(),
              m.requestsPerSecond(),
              m.errors()),
          "none (the worker's CPU per paced event; compare with the timing scenario)",
          null,
          m.health() + errorNote(m));
    }
  }

  /** How long one response takes by the simulator's timing model. */
  private static Duration responseTime(Duration ttft, Duration itl, int tokens) {
    return ttft.plus(itl.multipliedBy(Math.max(0, tokens - 1)));
  }

  private static String errorNote(Measured m) {
    return m.lastError() == null ? "" : "; last error: " + m.lastError();
  }

  /**
   * {@code streams} streams open at once, each one response that outlasts the scenario, held for
   * {@code hold}; counts the streams in flight throughout and the live heap after a full GC. The
   * heap target holds only when this JVM's maximum heap is at most 1 GiB ({@link
   * WorkerBenchCommand} runs this scenario in a child JVM with {@code -Xmx1g} otherwise).
   */
  Row openStreams(int streams, Duration hold) throws InterruptedException {
    // responses last longer than the whole scenario: every stream stays open throughout
    long responseMillis = hold.toMillis() + 120_000;
    int tokens = 100;
    double itlMs = responseMillis / (double) tokens;
    try (SimulatorProcess sim = startSimulator(simArgs(0, itlMs, tokens), "2g");
        WorkerLoad load = new WorkerLoad(config(sim.baseUrl(), streams), true, tokens, null)) {
      long started = System.nanoTime();
      load.start(streams);
      long deadline = started + Duration.ofSeconds(120).toNanos();
      while ((load.executor().inFlight() < streams || load.executor().openConnections() < streams)
          && load.errors.get() == 0
          && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      double rampSeconds = (System.nanoTime() - started) / 1e9;
      TimeUnit.SECONDS.sleep(1); // the last connections' first events
      load.executor().resetMaxLoopLag();
      Health health = new Health(sim);
      int minInFlight = Integer.MAX_VALUE;
      long holdEnd = System.nanoTime() + hold.toNanos();
      while (System.nanoTime() < holdEnd) {
        minInFlight = Math.min(minInFlight, load.executor().inFlight());
        TimeUnit.MILLISECONDS.sleep(100);
      }
      int connections = load.executor().openConnections();
      String during = health.describe();
      long lag = load.executor().maxLoopLagNanos();
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long max = Runtime.getRuntime().maxMemory();
      boolean withinHeap = max <= HEAP_BYTES;
      long errors = load.errors.get();
      return new Row(
          "open-streams",
          String.format(
              Locale.ROOT,
              "%,d streams of one %d s response each (a token every %.1f s), held %d s,"
                  + " worker heap max %,d MiB",
              streams,
              responseMillis / 1000,
              itlMs / 1000,
              hold.toSeconds(),
              max >> 20),
          String.format(
              Locale.ROOT,
              "%,d in flight throughout (at least), %,d connections, heap %,d MiB live after GC"
                  + " of %,d MiB max, %d errors",
              minInFlight,
              connections,
              used >> 20,
              max >> 20,
              errors),
          String.format(Locale.ROOT, "%,d open streams in a 1 GiB heap", OPEN_STREAMS),
          minInFlight >= OPEN_STREAMS && withinHeap && errors == 0,
          during
              + String.format(Locale.ROOT, ", ramp %.1f s", rampSeconds)
              + ", max event-loop lag "
              + millis(lag)
              + (withinHeap ? "" : "; the heap max is over 1 GiB: run with -Xmx1g")
              + (load.lastError() == null ? "" : "; last error: " + load.lastError()));
    }
  }

  /**
   * The worker's TTFT and chunk gaps against the simulator's ground truth at {@code streams} paced
   * streams whose first requests are spread over one response time. The simulator runs in its own
   * JVM, as in the other scenarios, so its collections and compilations are not the worker's, and
   * with {@code --simulator-cpus} on cores of its own; its ground-truth log is compared with what
   * the worker read once the window is over.
   */
  Row timing(int streams, int tokens, Duration itl) throws InterruptedException {
    Duration ttft = Duration.ofMillis(15);
    Path truthLog = tempFile("streamperf-bench-truth-", ".jsonl");
    // sentNanos, then each content event's decoding instant, per response of the window
    Map<String, long[]> measured = new ConcurrentHashMap<>();
    AtomicBoolean measuring = new AtomicBoolean();
    try {
      List<String> args = new ArrayList<>(simArgs(ttft.toMillis(), itl.toNanos() / 1e6, tokens));
      args.addAll(List.of("--sim-ground-truth-log", truthLog.toString()));
      double seconds;
      String cpu;
      long requests;
      long errors;
      long chunks;
      String loopLag;
      String lastError;
      try (SimulatorProcess sim = startSimulator(args, "1g");
          WorkerLoad load =
              new WorkerLoad(
                  config(sim.baseUrl(), streams),
                  true,
                  tokens,
                  outcome -> {
                    TurnOutcome turn = outcome.turns().get(0);
                    if (measuring.get() && turn.success()) {
                      measured.put(turn.requestId(), readings(turn));
                    }
                  })) {
        Duration ramp = responseTime(ttft, itl, tokens);
        load.start(streams, ramp);
        TimeUnit.NANOSECONDS.sleep(Math.max(timingWarmup.toNanos(), ramp.toNanos()));
        load.executor().resetMaxLoopLag();
        Health health = new Health(sim);
        long r0 = load.requests.get();
        long e0 = load.errors.get();
        long t0 = load.tokens.get();
        long start = System.nanoTime();
        measuring.set(true);
        TimeUnit.NANOSECONDS.sleep(window.toNanos());
        measuring.set(false);
        seconds = (System.nanoTime() - start) / 1e9;
        cpu = health.describe();
        requests = load.requests.get() - r0;
        errors = load.errors.get() - e0;
        chunks = load.tokens.get() - t0;
        loopLag = millis(load.executor().maxLoopLagNanos());
        lastError = load.lastError();
      }
      // the simulator has exited, its log written out
      TruthComparison c = TruthComparison.compare(truthLog, measured, MicrosClock.system());
      double ttftP99 = c.ttftError.getValueAtPercentile(99) / 1e6;
      double gapP99 = c.gapError.getValueAtPercentile(99) / 1e6;
      return new Row(
          "timing",
          String.format(
              Locale.ROOT,
              "%,d streams x %d tokens, TTFT %d ms, ITL %d ms (%,.0f tokens/s), first requests"
                  + " spread over %d ms; simulator in its own JVM%s, compared through its"
                  + " ground-truth log",
              streams,
              tokens,
              ttft.toMillis(),
              itl.toMillis(),
              chunks / seconds,
              responseTime(ttft, itl, tokens).toMillis(),
              simulatorCpus == null ? "" : " on CPUs " + simulatorCpus),
          String.format(
              Locale.ROOT,
              "|measured - truth| p50/p99/max ms: TTFT %.3f/%.3f/%.3f, chunk gap %.3f/%.3f/%.3f"
                  + " (%,d responses, %,d gaps, %d without truth, %d errors)",
              c.ttftError.getValueAtPercentile(50) / 1e6,
              ttftP99,
              c.ttftError.getMaxValue() / 1e6,
              c.gapError.getValueAtPercentile(50) / 1e6,
              gapP99,
              c.gapError.getMaxValue() / 1e6,
              c.ttftError.getTotalCount(),
              c.gapError.getTotalCount(),
              c.mismatched,
              errors),
          String.format(Locale.ROOT, "TTFT and chunk gap error p99 <= %.0f ms", TIMING_P99_MS),
          ttftP99 <= TIMING_P99_MS
              && gapP99 <= TIMING_P99_MS
              && c.mismatched == 0
              && errors == 0
              && c.ttftError.getTotalCount() > 0,
          cpu
              + String.format(
                  Locale.ROOT,
                  ", %,.0f requests/s; delivery (worker read - simulator flush, two processes'"
                      + " clocks) p50/p99 %.3f/%.3f ms; simulator emission lateness p99 %.3f ms"
                      + " over %,d chunks; max event-loop lag %s",
                  requests / seconds,
                  c.delivery.getValueAtPercentile(50) / 1e6,
                  c.delivery.getValueAtPercentile(99) / 1e6,
                  c.lateness.getValueAtPercentile(99) / 1e6,
                  c.lateness.getTotalCount(),
                  loopLag)
              + (lastError == null ? "" : "; last error: " + lastError));
    } finally {
      deleteQuietly(truthLog);
    }
  }

  /** The sent instant, then each content event's, of a streamed turn. */
  private static long[] readings(TurnOutcome turn) {
    long[] events = turn.eventNanos();
    long[] readings = new long[events.length + 1];
    readings[0] = turn.sentNanos();
    System.arraycopy(events, 0, readings, 1, events.length);
    return readings;
  }

  private static Path tempFile(String prefix, String suffix) {
    try {
      return Files.createTempFile(prefix, suffix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file; the system's cleaner will have it
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /**
   * Requests per second with wrk against the non-streaming endpoint, and the worker's beside it.
   */
  Row wrkRatio(int connections, int tokens) throws InterruptedException {
    String setup =
        String.format(
            Locale.ROOT,
            "%d connections, non-streaming, %d tokens, simulator at zero delay",
            connections,
            tokens);
    if (!Wrk.installed()) {
      return new Row(
          "wrk",
          setup,
          "skipped: wrk is not installed (Debian: apt-get install -y wrk)",
          "none (the ratio is reported)",
          null,
          "");
    }
    try (SimulatorProcess sim = startSimulator(simArgs(0, 0, tokens), "1g")) {
      String body =
          "{\"model\":\"streamperf-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"Benchmark"
              + " request: write a long answer.\"}],\"stream\":false,\"max_completion_tokens\":"
              + tokens
              + ",\"ignore_eos\":true}";
      Health wrkHealth = new Health(sim);
      Wrk.Result wrk =
          Wrk.run(sim.baseUrl() + "/v1/chat/completions", body, connections, warmup.plus(window));
      String wrkCpu = wrkHealth.describe().replaceFirst("worker [0-9.]+, ", "");
      Measured ours = closedLoop(sim, connections, tokens, false, Duration.ZERO);
      double ratio = ours.requestsPerSecond() / wrk.requestsPerSecond();
      return new Row(
          "wrk",
          setup,
          String.format(
              Locale.ROOT,
              "worker %,.0f requests/s, wrk %,.0f requests/s: ratio %.2f (%d errors)",
              ours.requestsPerSecond(),
              wrk.requestsPerSecond(),
              ratio,
              ours.errors()),
          "none (the ratio is reported)",
          null,
          "wrk: "
              + wrkCpu.replaceFirst("; worker GC.*", "")
              + " | worker: "
              + ours.health()
              + errorNote(ours));
    }
  }
}
