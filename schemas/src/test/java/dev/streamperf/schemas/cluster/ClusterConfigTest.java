package dev.streamperf.schemas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.topics.TopicCatalog;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The client properties every component starts from. */
class ClusterConfigTest {

  @Test
  void aTransactionalProducerRetriesAfterTwoMillisecondsUnlessThePassThroughSaysOtherwise() {
    ClusterConfig plain = ClusterConfig.of("127.0.0.1:9092", "mock://t");
    Map<String, Object> config = plain.transactionalProducerConfig("client-a", "tx-a");
    assertThat(config)
        .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-a")
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "client-a")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 2);
    assertThat(plain.producerConfig("client-b"))
        .doesNotContainKeys(
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    ClusterConfig tuned =
        new ClusterConfig(
            "127.0.0.1:9092",
            "mock://t",
            TopicCatalog.defaults(),
            Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50", "transactional.id", "ignored"),
            Map.of());
    assertThat(tuned.transactionalProducerConfig("client-a", "tx-a"))
        .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50")
        .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-a");
  }
}
