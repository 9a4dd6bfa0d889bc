package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * streamperf against the deployed combination: a Kafka broker and a Confluent Schema Registry in
 * containers of exactly the images {@code deploy/docker-compose.yml} runs (from {@code
 * deploy/.env}), configured as compose configures them, and a small {@code streamperf profile} in
 * this JVM (producer, two workers, metrics, evaluator, the simulator) on them. Needs a Docker
 * engine; where there is none (this project's CI) it skips itself and says so.
 */
class ComposeImagesSystemIT {

  @TempDir Path artifacts;

  /** Skips (one skipped test, with the reason in the report and on stderr) without Docker. */
  static void needsDocker() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      String reason =
          "ComposeImagesSystemIT skipped: no Docker engine here, so the compose images (Kafka,"
              + " Confluent Schema Registry) cannot run; on a machine with Docker this test runs"
              + " streamperf against them";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
  }

  /** deploy/.env, whose images the compose file runs. */
  static Map<String, String> composeEnv() throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("..", "deploy", ".env"))) {
      String trimmed = line.strip();
      int eq = trimmed.indexOf('=');
      if (!trimmed.isEmpty() && !trimmed.startsWith("#") && eq > 0) {
        env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void profilesTheSimulatorOnTheComposeKafkaAndSchemaRegistry() throws Exception {
    needsDocker();
    Map<String, String> env = composeEnv();
    String kafkaImage = env.get("KAFKA_IMAGE");
    String registryImage = env.get("SCHEMA_REGISTRY_IMAGE");
    assertThat(kafkaImage).as("deploy/.env KAFKA_IMAGE").startsWith("apache/kafka:");
    assertThat(registryImage)
        .as("deploy/.env SCHEMA_REGISTRY_IMAGE")
        .startsWith("confluentinc/cp-schema-registry:");

    try (Network network = Network.newNetwork();
        KafkaContainer kafka =
            new KafkaContainer(DockerImageName.parse(kafkaImage))
                .withNetwork(network)
                .withListener("kafka:19092")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_HEAP_OPTS", "-Xms512m -Xmx512m")
                .withStartupTimeout(Duration.ofMinutes(3));
        GenericContainer<?> registry =
            new GenericContainer<>(DockerImageName.parse(registryImage))
                .withNetwork(network)
                .withNetworkAliases("schema-registry")
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "1")
                .withExposedPorts(8081)
                .dependsOn(kafka)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3))) {
      registry.start(); // starts Kafka first

      String registryUrl = "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
      CommandLineRun run =
          CommandLineRun.of(
              "profile",
              "--bootstrap-servers",
              kafka.getBootstrapServers(),
              "--schema-registry-url",
              registryUrl,
              "--partitions",
              "3",
              "--replication-factor",
              "1",
              "-m",
              "sim",
              "--streaming",
              "--request-count",
              "12",
              "--concurrency",
              "3",
              "--osl",
              "6",
              "--workers",
              "2",
              "--artifact-dir",
              artifacts.toString(),
              "--progress-interval",
              "PT2S");
      assertThat(run.code()).as(run.output()).isZero();
      assertThat(run.output())
          .contains("cluster " + kafka.getBootstrapServers())
          .contains("Time to First Token (ms)")
          .contains("requests produced 12 = results 12 + pending 0");
      // The schemas went into the real registry through its REST API.
      String subjects =
          registry.execInContainer("curl", "-fsS", "http://localhost:8081/subjects").getStdout();
      assertThat(subjects).contains("streamperf.requests-value", "streamperf.results-value");
    }
  }

  /** One streamperf command line run in this JVM. */
  record CommandLineRun(int code, String output) {
    static CommandLineRun of(String... args) {
      var cli = StreamperfCommand.commandLine();
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(out, true));
      int code = cli.execute(List.of(args).toArray(String[]::new));
      return new CommandLineRun(code, out.toString());
    }
  }
}
