package dev.streamperf.worker;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicAdmin;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;

/** Fresh topic sets on a shared embedded broker, so each test sees only its own records. */
final class Clusters {

  private Clusters() {}

  static ClusterConfig freshTopics(EmbeddedStack stack, String prefix, int partitions) {
    TopicCatalog catalog =
        TopicCatalog.builder().prefix(prefix).partitions(partitions).replicationFactor(1).build();
    ClusterConfig cluster = stack.cluster().withTopics(catalog);
    try (Admin admin = cluster.admin()) {
      TopicAdmin.ensureTopics(admin, catalog, Duration.ofSeconds(30));
    }
    return cluster;
  }
}
