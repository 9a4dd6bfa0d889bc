package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamperf metrics} as its own process, as deploy/ runs it: serves /metrics on
 * --http-port, and on SIGTERM closes the Streams instance before the JVM exits.
 */
class MetricsCommandIT {

  private static final Pattern URL = Pattern.compile("/metrics and /runs on (http://[0-9.:]+)");

  @Test
  void servesMetricsAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().partitions(2).replicationFactor(1).build())) {
      Path out = dir.resolve("metrics.out");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-Xmx384m",
                  "-XX:+UseSerialGC",
                  "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "metrics",
                  "--bootstrap-servers=" + stack.cluster().bootstrapServers(),
                  "--schema-registry-url=mock://metrics-command-it",
                  "--topic-prefix=streamperf.",
                  "--metrics-application-id=metrics-command-it",
                  "--http-host=127.0.0.1",
                  "--http-port=0",
                  "--window=2",
                  "--grace=PT1S")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try {
        String url = awaitUrl(out, child);
        HttpClient http = HttpClient.newHttpClient();
        String metrics = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!metrics.contains("streamperf_streams_state{state=\"RUNNING\"} 1.0")
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
          metrics =
              http.send(
                      HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
        }
        assertThat(metrics).contains("streamperf_streams_state{state=\"RUNNING\"} 1.0");
        assertThat(
                http.send(
                        HttpRequest.newBuilder(URI.create(url + "/runs")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .isEqualTo("[]");

        child.destroy(); // SIGTERM
        assertThat(child.waitFor(40, TimeUnit.SECONDS)).as("stopped within 40 s").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(printed)
            .contains("(window PT2S, grace PT1S)")
            .contains("metrics: stopping (RUNNING)")
            .contains("metrics: stopped");
        assertThat(child.exitValue()).as(printed).isEqualTo(143);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static String awaitUrl(Path out, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
      Matcher m = URL.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!child.isAlive()) {
        throw new AssertionError("streamperf metrics exited: " + text);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no URL from streamperf metrics: " + Files.readString(out));
  }
}
