package dev.streamperf.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs the simulator in this process against a closed-loop load of N streams from a {@link
 * LoadClient} in a child JVM (first requests staggered over one response time, as independent users
 * would arrive), and measures what the simulator sustained: tokens per second received by the
 * client, streams in flight, how late chunks left the simulator relative to their intended
 * instants, and the CPU both sides used.
 */
public final class SimulatorBenchmark {

  /** One load: N streams of {@code outputTokens} each, with this timing, for this long. */
  public record Scenario(
      String name,
      int streams,
      Duration ttft,
      Duration itl,
      int outputTokens,
      Duration warmup,
      Duration measure,
      int ioThreads,
      int clientThreads) {

    public Scenario {
      if (streams < 1) {
        throw new IllegalArgumentException("streams: " + streams + " (expected: > 0)");
      }
      if (outputTokens < 1) {
        throw new IllegalArgumentException("output tokens: " + outputTokens + " (expected: > 0)");
      }
      if (measure.isZero() || measure.isNegative()) {
        throw new IllegalArgumentException("measure: " + measure + " (expected: > 0)");
      }
    }

    /** How long one response takes by the timing model. */
    public double responseSeconds() {
      return (ttft.toNanos() + (outputTokens - 1) * itl.toNanos()) / 1e9;
    }

    /** Tokens per second the schedule asks for once every stream is decoding. */
    public double offeredTokensPerSecond() {
      return itl.isZero() ? Double.POSITIVE_INFINITY : streams * 1e9 / itl.toNanos();
    }
  }

  /**
   * What one scenario measured over its window.
   *
   * @param connections client connections established
   * @param meanInFlight responses in flight on average (client side)
   * @param serverRunning sequences decoding at the simulator, sampled at the window's end
   * @param tokensPerSecond tokens received by the client per second
   * @param serverTokensPerSecond tokens written by the simulator per second
   * @param responsesPerSecond complete responses per second
   * @param lateness chunk emission lateness in the window, nanoseconds
   * @param simulatorCores CPU seconds per second used by the simulator's event loops
   * @param clientCores CPU seconds per second used by the load client process
   * @param machineCores CPU seconds per second used by everything on this machine (from /proc/stat;
   *     NaN where unreadable): more than the two above means other work competed
   * @param errors client-side errors (non-200, exceptions, failed connects)
   */
  public record Result(
      Scenario scenario,
      int connections,
      double meanInFlight,
      int serverRunning,
      double tokensPerSecond,
      double serverTokensPerSecond,
      double responsesPerSecond,
      Histogram lateness,
      double simulatorCores,
      double clientCores,
      double machineCores,
      long errors) {}

  private SimulatorBenchmark() {}

  /**
   * Runs one scenario.
   *
   * @param java the java executable for the client JVM
   * @param classpath the classpath the client JVM runs with (this one's)
   */
  public static Result run(Scenario s, Path java, String classpath) {
    SimulatorConfig config =
        SimulatorConfig.builder()
            .ttftBase(s.ttft())
            .ttftPerPromptToken(Duration.ZERO)
            .ttftPerImage(Duration.ZERO)
            .itl(s.itl())
            .outputLengths(OutputLengths.fixed(s.outputTokens()))
            .maxRunningSequences(s.streams())
            .ioThreads(s.ioThreads())
            .groundTruthRetention(0) // as `streamperf simulate`: nothing here reads the record
            .build();
    try (Simulator sim = Simulator.start(config)) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  java.toString(),
                  "-Xmx1g",
                  "-XX:+UseSerialGC",
                  "-cp",
                  classpath,
                  LoadClient.class.getName(),
                  "127.0.0.1",
                  Integer.toString(sim.port()),
                  Integer.toString(s.streams()),
                  Integer.toString(s.outputTokens()),
                  config.models().get(0),
                  Double.toString(Math.min(s.responseSeconds(), s.warmup().toMillis() / 1000.0)),
                  Double.toString(s.warmup().toMillis() / 1000.0),
                  Double.toString(s.measure().toMillis() / 1000.0),
                  Integer.toString(s.clientThreads())));
      Process client =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
        Histogram before = null;
        long cpu0 = 0;
        long tokens0 = 0;
        long t0 = 0;
        long[] machine0 = null;
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.equals("measure-start")) {
            t0 = System.nanoTime();
            before = sim.emissionLateness();
            cpu0 = simulatorCpuNanos();
            tokens0 = sim.stats().generationTokens();
            machine0 = machineTicks();
          } else if (line.startsWith("measure-end ")) {
            long t1 = System.nanoTime();
            Histogram lateness = sim.emissionLateness();
            long cpu1 = simulatorCpuNanos();
            long tokens1 = sim.stats().generationTokens();
            int running = sim.stats().runningSequences();
            long[] machine1 = machineTicks();
            if (before == null) {
              throw new IllegalStateException("load client ended a window it never started");
            }
            lateness.subtract(before);
            JsonNode r = new ObjectMapper().readTree(line.substring("measure-end ".length()));
            double window = r.path("windowNanos").asLong() / 1e9;
            double serverWindow = (t1 - t0) / 1e9;
            return new Result(
                s,
                r.path("connections").asInt(),
                r.path("meanInFlight").asDouble(),
                running,
                r.path("tokens").asLong() / window,
                (tokens1 - tokens0) / serverWindow,
                r.path("responses").asLong() / window,
                lateness,
                (cpu1 - cpu0) / 1e9 / serverWindow,
                r.path("cpuNanos").asLong() / 1e9 / window,
                busyCores(machine0, machine1),
                r.path("errors").asLong());
          }
        }
        throw new IllegalStateException(
            "load client exited (" + waitFor(client) + ") without a result; see its stderr above");
      } finally {
        if (!client.waitFor(30, TimeUnit.SECONDS)) {
          client.destroyForcibly();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("benchmark " + s.name() + ": cannot run the load client", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark " + s.name() + ": interrupted", e);
    }
  }

  private static int waitFor(Process process) throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /** {busy, total} jiffies of all CPUs from /proc/stat, or null where there is none. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static double busyCores(long[] before, long[] after) {
    if (before == null || after == null || after[1] == before[1]) {
      return Double.NaN;
    }
    double busyShare = (after[0] - before[0]) / (double) (after[1] - before[1]);
    return busyShare * Runtime.getRuntime().availableProcessors();
  }

  /** CPU time of the simulator's event-loop threads. */
  private static long simulatorCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("streamperf-simulator")) {
        long cpu = threads.getThreadCpuTime(t.getId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }
}
