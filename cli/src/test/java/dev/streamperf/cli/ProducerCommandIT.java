package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.cli.StreamperfCommandTest.Run;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.topics.TopicCatalog;
import org.junit.jupiter.api.Test;

/** {@code streamperf producer} publishes a bounded run and says what it did. */
class ProducerCommandIT {

  @Test
  void publishesABoundedOpenLoopRunAndPrintsItsCounts() {
    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().partitions(2).replicationFactor(1).build())) {
      Run run =
          StreamperfCommandTest.run(
              "producer",
              "-b",
              stack.cluster().bootstrapServers(),
              "--schema-registry-url",
              stack.cluster().schemaRegistryUrl(),
              "--partitions",
              "2",
              "-m",
              "test-model",
              "--run-id",
              "cli-producer-it",
              "--request-rate",
              "200",
              "--arrival-pattern",
              "constant",
              "--request-count",
              "40",
              "--warmup-request-count",
              "5",
              "--isl",
              "32",
              "--random-seed",
              "1",
              "--progress-interval",
              "PT0.2S");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out())
          .contains(
              "producer: run cli-producer-it (seed 1): synthetic: 100 entries, ISL 32±0 tokens of builtin:o200k_base")
          .contains("open loop, 200 req/s constant")
          .contains("produced, 45 sessions (45 requests, 5 warmup) published");
    }
  }
}
