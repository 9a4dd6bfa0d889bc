package dev.streamperf.cli;

import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The topic catalogue options: names and how topics are created. A mixin of every command. */
public final class TopicOptions {

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = TopicCatalog.DEFAULT_PREFIX,
      description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "" + TopicCatalog.DEFAULT_PARTITIONS,
      description =
          "Partitions of the requests, token-events, results and scores topics when streamperf"
              + " creates them: the most workers that can share a run (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      defaultValue = "-1",
      description = "Replication factor of topics streamperf creates; -1 takes the broker default.")
  int replicationFactor;

  @Option(
      names = "--raw-retention",
      paramLabel = "DURATION",
      description =
          "retention.ms of the raw topics (requests, token-events, results, scores) when created,"
              + " as an ISO-8601 duration, e.g. PT6H or P7D (default: the broker's).")
  Duration rawRetention;

  /** The catalogue these options describe. */
  public TopicCatalog catalog() {
    TopicCatalog.Builder builder =
        TopicCatalog.builder()
            .prefix(topicPrefix)
            .partitions(partitions)
            .rawRetention(rawRetention);
    if (replicationFactor != -1) {
      builder.replicationFactor(replicationFactor);
    }
    return builder.build();
  }

  /** The catalogue with replication factor 1 unless one was given: for single-broker stacks. */
  public TopicCatalog singleBrokerCatalog() {
    TopicCatalog.Builder builder =
        TopicCatalog.builder()
            .prefix(topicPrefix)
            .partitions(partitions)
            .rawRetention(rawRetention)
            .replicationFactor(replicationFactor == -1 ? 1 : replicationFactor);
    return builder.build();
  }
}
