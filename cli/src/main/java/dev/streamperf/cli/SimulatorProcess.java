package dev.streamperf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code streamperf simulate} in a child JVM of this one (same Java, same classpath), so a
 * benchmark measures the worker's process alone (heap, CPU, file descriptors) against an endpoint
 * beside it.
 */
final class SimulatorProcess implements AutoCloseable {

  private static final String READY = "Simulator listening on ";

  private final Process process;
  private final String baseUrl;

  private SimulatorProcess(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /**
   * Starts it and waits until it listens.
   *
   * @param simArgs {@code --sim-*} options
   * @param cpus the CPUs it may run on, a {@code taskset -c} list (util-linux), or null for this
   *     process's
   */
  static SimulatorProcess start(List<String> simArgs, String heap, String cpus) {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    List<String> command = new ArrayList<>();
    if (cpus != null) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.addAll(
        List.of(
            java.toString(),
            "-Xmx" + heap,
            "-XX:+UseParallelGC",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "simulate",
            "--sim-port",
            "0"));
    command.addAll(simArgs);
    try {
      Path log = Files.createTempFile("streamperf-bench-simulator-", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String line;
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        if (line.startsWith(READY)) {
          String url = line.substring(READY.length()).split(" ")[0];
          Thread drain =
              new Thread(
                  () -> {
                    try {
                      while (out.readLine() != null) {
                        // keep the pipe from filling
                      }
                    } catch (IOException e) {
                      // the process ended
                    }
                  },
                  "bench-simulator-stdout");
          drain.setDaemon(true);
          drain.start();
          return new SimulatorProcess(process, url);
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException(
          "the simulator did not start; its log: " + log + "\n" + Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the simulator: " + command, e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  long pid() {
    return process.pid();
  }

  /** CPU seconds the process has used (user + system), from /proc; NaN where unreadable. */
  double cpuSeconds() {
    return Cpu.processSeconds(process.pid());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
