package dev.streamperf.cli;

import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicAdmin;
import dev.streamperf.schemas.topics.TopicSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Creates the pipeline's topics on a cluster (idempotent) and prints the catalogue. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Create the pipeline's topics on a cluster and print them.",
    description = {
      "Creates streamperf's topics on a Kafka cluster if missing (idempotent), checks the cleanup"
          + " policy of existing ones, and prints the catalogue.",
      ""
    })
final class TopicsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Option(
      names = "--timeout",
      defaultValue = "PT30S",
      description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (clusterOptions.schemaRegistryUrl == null) {
      clusterOptions.schemaRegistryUrl = "mock://unused"; // topics need no registry
    }
    ClusterConfig cluster = clusterOptions.cluster();
    TopicAdmin.Report report;
    try (Admin admin = cluster.admin()) {
      report = TopicAdmin.ensureTopics(admin, cluster.topics(), timeout);
    }
    out.printf("%-32s %10s %8s  %s%n", "TOPIC", "PARTITIONS", "STATE", "CONFIG");
    for (TopicSpec topic : cluster.topics().specs()) {
      out.printf(
          "%-32s %10d %8s  %s%n",
          topic.name(),
          topic.partitions(),
          report.created().contains(topic.name()) ? "created" : "exists",
          topic.configs());
    }
    report.warnings().forEach(w -> out.println("warning: " + w));
    out.flush();
    return 0;
  }
}
