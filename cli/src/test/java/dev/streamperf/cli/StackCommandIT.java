package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamperf stack} as a user runs it: the packaged jar in its own process. */
class StackCommandIT {

  @Test
  void startsBrokerAndRegistryAndStopsBothOnSigterm(@TempDir Path data) throws Exception {
    int kafkaPort = FreePorts.loopback();
    int registryPort = FreePorts.loopback();
    Process stack = start(data, kafkaPort, registryPort);
    List<String> printed = new ArrayList<>();
    try {
      readUntil(stack, printed, "Press Ctrl-C to stop.");
      assertThat(printed)
          .contains("Kafka bootstrap servers: 127.0.0.1:" + kafkaPort)
          .contains(
              "Schema registry URL:     http://127.0.0.1:" + registryPort + "/apis/ccompat/v7");

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .contains("streamperf.requests", "streamperf.results", "streamperf.runs");
      }
      HttpResponse<String> subjects =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7/subjects"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(subjects.statusCode()).isEqualTo(200);
      long registryPid =
          stack
              .descendants()
              .filter(p -> p.info().commandLine().orElse("").contains("apicurio"))
              .findFirst()
              .orElseThrow()
              .pid();

      stack.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
      assertThat(stack.waitFor(60, TimeUnit.SECONDS)).as("stack exited").isTrue();
      assertThat(ProcessHandle.of(registryPid).map(ProcessHandle::isAlive).orElse(false))
          .as("registry process stopped")
          .isFalse();
      assertThat(portFree(kafkaPort)).as("Kafka port released").isTrue();
      assertThat(portFree(registryPort)).as("registry port released").isTrue();
      assertThat(Files.exists(data.resolve("kafka/meta.properties"))).isTrue();
    } finally {
      stack.descendants().forEach(ProcessHandle::destroyForcibly);
      stack.destroyForcibly();
    }
  }

  private static Process start(Path data, int kafkaPort, int registryPort) throws Exception {
    Path jar = Path.of("target", "streamperf.jar").toAbsolutePath();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
            "-jar",
            jar.toString(),
            "stack",
            "--port",
            Integer.toString(kafkaPort),
            "--controller-port",
            Integer.toString(FreePorts.loopback()),
            "--registry-port",
            Integer.toString(registryPort),
            "--data-dir",
            data.toString(),
            "--cache-dir",
            Path.of("target", "apicurio-home").toAbsolutePath().toString(),
            "--partitions",
            "2");
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void readUntil(Process process, List<String> lines, String last) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String line;
    while ((line = reader.readLine()) != null) {
      lines.add(line);
      if (line.equals(last)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    throw new AssertionError("stack did not print '" + last + "'; printed " + lines);
  }

  private static boolean portFree(int port) {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
