package dev.streamperf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} HTTP benchmark with a POST body and reads its requests per second. */
final class Wrk {

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

  record Result(double requestsPerSecond, String output) {}

  private Wrk() {}

  /** Whether wrk runs here (it prints its version banner). */
  static boolean installed() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.contains("wrk");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs wrk with one thread per CPU for {@code duration}. */
  static Result run(String url, String body, int connections, Duration duration)
      throws InterruptedException {
    try {
      Path script = Files.createTempFile("streamperf-wrk-", ".lua");
      Files.writeString(
          script,
          "wrk.method = \"POST\"\n"
              + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
              + "wrk.body = [["
              + body
              + "]]\n");
      int threads = Math.min(connections, Runtime.getRuntime().availableProcessors());
      Process p =
          new ProcessBuilder(
                  List.of(
                      "wrk",
                      "-t" + threads,
                      "-c" + connections,
                      "-d" + Math.max(1, duration.toSeconds()) + "s",
                      "-s",
                      script.toString(),
                      url))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(script);
      if (!ended) {
        p.destroyForcibly();
        throw new IllegalStateException("wrk did not exit:\n" + out);
      }
      Matcher m = RATE.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("wrk printed no Requests/sec:\n" + out);
      }
      if (out.contains("Non-2xx") || out.contains("Socket errors")) {
        throw new IllegalStateException("wrk got errors:\n" + out);
      }
      return new Result(Double.parseDouble(m.group(1)), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run wrk", e);
    }
  }
}
