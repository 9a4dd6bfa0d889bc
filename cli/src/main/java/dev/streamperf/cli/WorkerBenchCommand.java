package dev.streamperf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The request worker's performance targets (issue 4), each measured against the simulator on this
 * machine and printed next to its target.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Measure the request worker's token and request rates, open streams and timing error.",
    description = {
      "Runs the worker's engine (the Netty client, SSE decoding, scheduling, and the building and"
          + " Avro encoding of every token event and result; Kafka left out) against the"
          + " simulator on this machine, in a child JVM except for the timing scenario, and prints"
          + " each figure beside its target (issue 4) with PASS or MISS:",
      "  tokens        streamed tokens/s, long outputs, zero simulated delay (>= 100,000)",
      "  requests      requests/s and tokens/s with short outputs (>= 2,000 and >= 100,000)",
      "  paced         the worker's CPU at the timing scenario's load, simulator in its own JVM",
      "  open-streams  10,000 concurrent open streams in a 1 GiB heap (in a child JVM with"
          + " -Xmx1g unless this one has at most 1 GiB)",
      "  timing        |measured - simulator truth| p99 of TTFT and chunk gaps at 1,000 streams,"
          + " on one clock (<= 1 ms)",
      "  wrk           non-streaming requests/s beside wrk's on the same endpoint (skipped when"
          + " wrk is not installed)",
      "Run it under the build lock so nothing else competes for the cores; the health lines show"
          + " the CPU the worker, the simulator and the whole machine used.",
      ""
    })
final class WorkerBenchCommand implements Callable<Integer> {

  private static final List<String> SCENARIOS =
      List.of("tokens", "requests", "paced", "open-streams", "timing", "wrk");

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      description = "Run only these (repeatable): ${COMPLETION-CANDIDATES} (default: all).",
      completionCandidates = Names.class)
  List<String> only = new ArrayList<>();

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "PT5S",
      description = "Load before each measurement window (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--timing-warmup",
      paramLabel = "DURATION",
      defaultValue = "PT40S",
      description =
          "Load before the timing scenario's window (default: ${DEFAULT-VALUE}): its figures are"
              + " in the millisecond range, and for the first half minute or so the JIT takes most"
              + " of the machine (a 5 s warm-up measured TTFT error p99 51 ms).")
  Duration timingWarmup;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "PT15S",
      description = "Measurement window per scenario (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description = "Worker event loops (default: one per CPU).")
  Integer ioThreads;

  @Option(
      names = "--sim-io-threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "Simulator event loops; 0 takes one per CPU (default: ${DEFAULT-VALUE}).")
  int simulatorIoThreads;

  @Option(
      names = "--sim-cpus",
      paramLabel = "LIST",
      description =
          "Run the simulator's JVM on these CPUs (a taskset -c list such as 2-15), so that this"
              + " process, pinned with taskset to others, has its cores to itself (default: the"
              + " CPUs of this process).")
  String simulatorCpus;

  @Option(
      names = "--streams",
      paramLabel = "N",
      defaultValue = "256",
      description = "Streams of the tokens and requests scenarios (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(
      names = "--long-output-tokens",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Tokens per response of the tokens scenario (default: ${DEFAULT-VALUE}).")
  int longOutputTokens;

  @Option(
      names = "--short-output-tokens",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "Tokens per response of the requests scenario: 50 makes 2,000 requests/s 100,000"
              + " tokens/s (default: ${DEFAULT-VALUE}).")
  int shortOutputTokens;

  @Option(
      names = "--open-streams",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Streams of the open-streams scenario (default: ${DEFAULT-VALUE}).")
  int openStreams;

  @Option(
      names = "--timing-streams",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Streams of the timing and paced scenarios (default: ${DEFAULT-VALUE}).")
  int timingStreams;

  @Option(
      names = "--timing-tokens",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "Tokens per response of the timing and paced scenarios (default: ${DEFAULT-VALUE}).")
  int timingTokens;

  @Option(
      names = "--timing-itl-ms",
      paramLabel = "MS",
      defaultValue = "20",
      description =
          "Inter-token latency of the timing and paced scenarios (default: ${DEFAULT-VALUE}).")
  int timingItlMs;

  @Option(
      names = "--wrk-connections",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Connections of wrk and of the worker in the wrk scenario (default: ${DEFAULT-VALUE}).")
  int wrkConnections;

  @Option(
      names = "--wrk-output-tokens",
      paramLabel = "N",
      defaultValue = "4",
      description = "Tokens per response of the wrk scenario (default: ${DEFAULT-VALUE}).")
  int wrkOutputTokens;

  static final class Names extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Names() {
      super(SCENARIOS);
    }
  }

  @Override
  public Integer call() throws Exception {
    for (String name : only) {
      if (!SCENARIOS.contains(name)) {
        throw new IllegalArgumentException(
            "--scenario: " + name + " (expected one of: " + String.join(", ", SCENARIOS) + ")");
      }
    }
    positive("--streams", streams);
    positive("--long-output-tokens", longOutputTokens);
    positive("--short-output-tokens", shortOutputTokens);
    positive("--open-streams", openStreams);
    positive("--timing-streams", timingStreams);
    positive("--timing-tokens", timingTokens);
    positive("--timing-itl-ms", timingItlMs);
    positive("--wrk-connections", wrkConnections);
    positive("--wrk-output-tokens", wrkOutputTokens);
    if (ioThreads != null) {
      positive("--io-threads", ioThreads);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration: " + duration + " (expected: > 0)");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup: " + warmup + " (expected: >= 0)");
    }
    if (timingWarmup.isNegative()) {
      throw new IllegalArgumentException("--timing-warmup: " + timingWarmup + " (expected: >= 0)");
    }
    if (simulatorCpus != null && !simulatorCpus.matches("[0-9]+([-,][0-9]+)*")) {
      throw new IllegalArgumentException(
          "--sim-cpus: " + simulatorCpus + " (expected a CPU list such as 2-15 or 2,3,4)");
    }
    List<String> run = only.isEmpty() ? SCENARIOS : only;
    int threads = ioThreads != null ? ioThreads : Runtime.getRuntime().availableProcessors();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "streamperf bench worker: %d CPUs, Java %s, heap max %,d MiB, %d event loops, %s warmup +"
            + " %s window per scenario (timing: %s warmup)%n%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        Runtime.getRuntime().maxMemory() >> 20,
        threads,
        warmup,
        duration,
        timingWarmup);
    out.flush();
    if (simulatorIoThreads < 0) {
      throw new IllegalArgumentException(
          "--sim-io-threads: " + simulatorIoThreads + " (expected: >= 0)");
    }
    WorkerBenchmark bench =
        new WorkerBenchmark(
            warmup, timingWarmup, duration, threads, simulatorIoThreads, simulatorCpus);
    int missed = 0;
    for (String name : run) {
      if (name.equals("open-streams")
          && Runtime.getRuntime().maxMemory() > WorkerBenchmark.HEAP_BYTES) {
        if (!openStreamsInChild(out)) {
          missed++;
        }
        continue;
      }
      WorkerBenchmark.Row row;
      try {
        row =
            switch (name) {
              case "tokens" -> bench.tokens(streams, longOutputTokens);
              case "requests" -> bench.requests(streams, shortOutputTokens);
              case "paced" ->
                  bench.paced(timingStreams, timingTokens, Duration.ofMillis(timingItlMs));
              case "open-streams" -> bench.openStreams(openStreams, duration);
              case "timing" ->
                  bench.timing(timingStreams, timingTokens, Duration.ofMillis(timingItlMs));
              case "wrk" -> bench.wrkRatio(wrkConnections, wrkOutputTokens);
              default -> throw new IllegalStateException(name);
            };
      } catch (RuntimeException e) {
        row =
            new WorkerBenchmark.Row(
                name, "", "failed: " + e.getMessage(), "the scenario runs", false, "");
      }
      if (Boolean.FALSE.equals(row.met())) {
        missed++;
      }
      print(out, row);
    }
    out.printf(
        Locale.ROOT,
        "%s: %d target%s missed%n",
        missed == 0 ? "PASS" : "MISS",
        missed,
        missed == 1 ? "" : "s");
    out.flush();
    return missed == 0 ? 0 : 3;
  }

  private static void positive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: > 0)");
    }
  }

  static void print(PrintWriter out, WorkerBenchmark.Row row) {
    String verdict = row.met() == null ? "" : row.met() ? "   PASS" : "   MISS";
    out.printf(Locale.ROOT, "%-13s %s%n", row.scenario(), row.setup());
    out.printf(Locale.ROOT, "  measured    %s%n", row.measured());
    out.printf(Locale.ROOT, "  target      %s%s%n", row.target(), verdict);
    if (!row.health().isEmpty()) {
      out.printf(Locale.ROOT, "  health      %s%n", row.health());
    }
    out.println();
    out.flush();
  }

  /**
   * Runs the open-streams scenario in a child JVM of this one with {@code -Xmx1g}, so the heap
   * target is measured as stated, and copies its row here.
   *
   * @return whether the child met the target
   */
  private boolean openStreamsInChild(PrintWriter out) throws InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "bench",
                "worker",
                "--scenario",
                "open-streams",
                "--open-streams",
                Integer.toString(openStreams),
                "--duration",
                duration.toString()));
    if (ioThreads != null) {
      command.add("--io-threads");
      command.add(ioThreads.toString());
    }
    command.add("--sim-io-threads");
    command.add(Integer.toString(simulatorIoThreads));
    if (simulatorCpus != null) {
      command.add("--sim-cpus");
      command.add(simulatorCpus);
    }
    try {
      Process child =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      boolean header = true;
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (header) {
            header = !line.startsWith("open-streams");
            if (header) {
              continue;
            }
          }
          if (line.startsWith("PASS:") || line.startsWith("MISS:")) {
            continue; // the child's summary: this run prints its own
          }
          out.println(line);
        }
      }
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
      out.flush();
      return child.exitValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the open-streams JVM: " + command, e);
    }
  }
}
