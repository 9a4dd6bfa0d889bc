package dev.streamperf.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

  @Test
  void namesCarryThePrefix() {
    TopicCatalog catalog = TopicCatalog.withPrefix("bench-a.");
    assertThat(catalog.requests()).isEqualTo("bench-a.requests");
    assertThat(catalog.tokenEvents()).isEqualTo("bench-a.token-events");
    assertThat(catalog.specs()).extracting(TopicSpec::name).allMatch(n -> n.startsWith("bench-a."));
    assertThat(TopicCatalog.defaults().runs()).isEqualTo("streamperf.runs");
  }

  @Test
  void runsAndMediaAreCompactedAndMediaTakesLargeMessages() {
    TopicCatalog catalog = TopicCatalog.defaults();
    assertThat(catalog.spec(TopicRole.RUNS).compacted()).isTrue();
    assertThat(catalog.spec(TopicRole.MEDIA).compacted()).isTrue();
    assertThat(catalog.spec(TopicRole.REQUESTS).compacted()).isFalse();
    assertThat(catalog.spec(TopicRole.MEDIA).configs())
        .containsEntry("max.message.bytes", Integer.toString(16 * 1024 * 1024));
    assertThat(catalog.spec(TopicRole.REQUESTS).partitions()).isEqualTo(12);
    assertThat(catalog.spec(TopicRole.RUNS).partitions()).isEqualTo(1);
  }

  @Test
  void retentionAppliesToRawTopicsOnly() {
    TopicCatalog catalog = TopicCatalog.builder().rawRetention(Duration.ofHours(6)).build();
    assertThat(catalog.spec(TopicRole.TOKEN_EVENTS).configs())
        .containsEntry("retention.ms", "21600000");
    assertThat(catalog.spec(TopicRole.RUNS).configs()).doesNotContainKey("retention.ms");
    assertThat(catalog.spec(TopicRole.MEDIA).configs()).doesNotContainKey("retention.ms");
  }

  @Test
  void badSettingsNameTheParameterAndValue() {
    assertThatThrownBy(() -> TopicCatalog.builder().prefix("bad prefix/"))
        .hasMessageContaining("topic prefix: 'bad prefix/'");
    assertThatThrownBy(() -> TopicCatalog.builder().partitions(0))
        .hasMessage("partitions: 0 (expected: > 0)");
    assertThatThrownBy(() -> TopicCatalog.builder().replicationFactor(0))
        .hasMessageContaining("replication factor: 0");
  }
}
