package dev.streamperf.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real llama.cpp {@code llama-server} (a tiny random-weight model that takes text, images and
 * audio), started through the project's shared tool {@code shared/tools/llama-endpoint/serve.sh},
 * for tests against an OpenAI-compatible server nobody on this project wrote. The model id it
 * reports is {@code tiny-qwen}.
 *
 * <p>The server must have been built by {@code setup.sh} (CI's {@code .ci/run} does it); {@link
 * #isBuilt()} tells tests whether to run.
 */
public final class LlamaCppServer implements AutoCloseable {

  /** The model id the server reports. */
  public static final String MODEL = "tiny-qwen";

  private final long pid;
  private final int port;

  private LlamaCppServer(long pid, int port) {
    this.pid = pid;
    this.port = port;
  }

  /** The build directory: {@code STREAMPERF_LLAMA_DIR} or {@code ~/.cache/streamperf-llama}. */
  public static Path buildDir() {
    String env = System.getenv("STREAMPERF_LLAMA_DIR");
    return env != null
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "streamperf-llama");
  }

  /** Whether setup.sh has built the server and models here. */
  public static boolean isBuilt() {
    Path dir = buildDir();
    return Files.isExecutable(dir.resolve("llama.cpp/build/bin/llama-server"))
        && Files.exists(dir.resolve("models/tiny-random-qwen2-q8.gguf"))
        && Files.exists(dir.resolve("models/tiny-mmproj-va.gguf"))
        && serveScript().isPresent();
  }

  /**
   * {@code shared/tools/llama-endpoint/serve.sh}: {@code STREAMPERF_LLAMA_TOOLS} if set, else found
   * beside the repository (the directory holding {@code mvnw}) by walking up from here.
   */
  public static Optional<Path> serveScript() {
    String env = System.getenv("STREAMPERF_LLAMA_TOOLS");
    if (env != null) {
      Path script = Path.of(env, "serve.sh");
      return Files.isExecutable(script) ? Optional.of(script) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("mvnw")) && dir.getParent() != null) {
        Path script = dir.getParent().resolve("shared/tools/llama-endpoint/serve.sh");
        if (Files.isExecutable(script)) {
          return Optional.of(script);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the server on 127.0.0.1 and returns once {@code /health} answers.
   *
   * @param port the port, 0 for a free one
   * @param extraArgs further llama-server flags, e.g. {@code --api-key K} or {@code -np 8}
   */
  public static LlamaCppServer start(int port, List<String> extraArgs) {
    Path script =
        serveScript()
            .orElseThrow(
                () -> new IllegalStateException("shared/tools/llama-endpoint/serve.sh not found"));
    int actualPort = port == 0 ? FreePorts.loopback() : port;
    List<String> command =
        new ArrayList<>(List.of(script.toString(), Integer.toString(actualPort)));
    command.addAll(extraArgs);
    try {
      Path out = Files.createTempFile("streamperf-llama-", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("serve.sh did not finish within 10 minutes");
      }
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      Files.deleteIfExists(out);
      if (process.exitValue() != 0 || lines.isEmpty()) {
        throw new IllegalStateException("serve.sh failed (" + process.exitValue() + "): " + lines);
      }
      long pid = Long.parseLong(lines.get(lines.size() - 1).trim());
      return new LlamaCppServer(pid, actualPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting llama-server", e);
    }
  }

  /** {@code http://127.0.0.1:PORT}; the API is under {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server and waits for it to exit. */
  @Override
  public void close() {
    ProcessHandle.of(pid)
        .ifPresent(
            handle -> {
              handle.destroy();
              try {
                handle.onExit().get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                handle.destroyForcibly();
              }
            });
  }
}
