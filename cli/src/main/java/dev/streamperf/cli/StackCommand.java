package dev.streamperf.cli;

import dev.streamperf.embedded.ApicurioRegistry;
import dev.streamperf.embedded.EmbeddedKafka;
import dev.streamperf.schemas.topics.TopicAdmin;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A Kafka broker and a real schema registry on this machine, for running components as separate
 * processes without Docker. Runs until Ctrl-C (or SIGTERM), then stops both.
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Run a local Kafka broker and schema registry until Ctrl-C.",
    description = {
      "Runs a Kafka broker (KRaft, persistent data directory) in this process and Apicurio"
          + " Registry (Confluent API) as a child process, creates the topics, prints how to"
          + " connect, and stops both on Ctrl-C or SIGTERM. Components can then run as separate"
          + " processes against them.",
      ""
    })
final class StackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Kafka listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--controller-port",
      defaultValue = "9093",
      description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Schema registry HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the broker's log and the registry's database live (default: ~/.streamperf/stack).")
  Path dataDir;

  @Option(
      names = "--fresh",
      description = "Delete the data directory first: a new, empty cluster and registry.")
  boolean fresh;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Where Apicurio Registry's distribution is unpacked (default: ~/.cache/streamperf).")
  Path cacheDir;

  @Mixin TopicOptions topicOptions;

  @Option(
      names = "--registry-start-timeout",
      defaultValue = "PT90S",
      description = "How long to wait for the registry (default: ${DEFAULT-VALUE}).")
  Duration registryStartTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path home = Path.of(System.getProperty("user.home"));
    Path data = dataDir != null ? dataDir : home.resolve(".streamperf").resolve("stack");
    Path cache = cacheDir != null ? cacheDir : home.resolve(".cache").resolve("streamperf");
    if (fresh) {
      deleteRecursively(data);
    }
    TopicCatalog topics = topicOptions.singleBrokerCatalog();
    Path zip = ApicurioRegistry.locateDistribution();

    EmbeddedKafka kafka =
        EmbeddedKafka.builder()
            .port(port)
            .controllerPort(controllerPort)
            .logDir(data.resolve("kafka"))
            .build()
            .start();
    ApicurioRegistry registry;
    try {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        TopicAdmin.ensureTopics(admin, topics, Duration.ofSeconds(30));
      }
      registry =
          ApicurioRegistry.start(
              zip, cache, registryPort, data.resolve("registry"), registryStartTimeout);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("streamperf stack: stopping the registry and the broker");
                  registry.close();
                  kafka.close();
                  stopped.countDown();
                },
                "streamperf-stack-shutdown"));

    out.println("Kafka bootstrap servers: " + kafka.bootstrapServers());
    out.println("Schema registry URL:     " + registry.url());
    out.println(
        "Topics:                  " + topics.prefix() + "* (" + topics.specs().size() + " topics)");
    out.println("Data directory:          " + data.toAbsolutePath());
    out.println("Registry log:            " + registry.logFile().toAbsolutePath());
    out.println();
    out.println(
        "Use them with:  --bootstrap-servers "
            + kafka.bootstrapServers()
            + " --schema-registry-url "
            + registry.url());
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
