package dev.streamperf.producer.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerConfigTest {

  static final ClusterConfig CLUSTER =
      new ClusterConfig(
          "127.0.0.1:9092",
          "https://alice:secret@registry.example:8081",
          dev.streamperf.schemas.topics.TopicCatalog.defaults(),
          Map.of("sasl.jaas.config", "password=hunter2"),
          Map.of("basic.auth.user.info", "alice:secret"));

  @Test
  void badValuesNameTheOptionAndTheValue() {
    assertThatThrownBy(() -> new LoadSpec.ClosedLoop(0, null))
        .hasMessage("--concurrency: 0 (expected: >= 1)");
    assertThatThrownBy(
            () -> new LoadSpec.OpenLoop(-2, ArrivalPattern.POISSON, null, null, null, null))
        .hasMessage("--request-rate: -2.0 (expected: a finite number > 0)");
    assertThatThrownBy(
            () -> new LoadSpec.OpenLoop(5, ArrivalPattern.POISSON, 0.5, null, null, null))
        .hasMessageContaining(
            "--arrival-smoothness: 0.5 (expected: only with --arrival-pattern gamma");
    assertThatThrownBy(() -> new AudioSpec(1, 1, 0, AudioFormat.MP3, List.of(17.0), List.of(16), 1))
        .hasMessageContaining("--audio-sample-rates: 17.0");
    assertThatThrownBy(() -> new AudioSpec(1, 1, 0, AudioFormat.WAV, List.of(16.0), List.of(12), 1))
        .hasMessage("--audio-depths: 12 (expected: 8, 16, 24 or 32)");
    assertThatThrownBy(() -> new ImageSpec(1, 10, 0, 10, 0, ImageFormat.PNG, "/no/such/dir"))
        .hasMessage(
            "--image-source: /no/such/dir (expected: assets, noise or an existing directory)");
    assertThatThrownBy(() -> new StopSpec(10L, 5L, null))
        .hasMessageStartingWith("--num-sessions: 5");
    assertThatThrownBy(() -> ExtraInputs.parse(List.of("temperature:hot")))
        .hasMessage("--extra-inputs temperature: \"hot\" (expected: a number)");
    assertThatThrownBy(() -> ProducerConfig.builder(CLUSTER).build())
        .hasMessageStartingWith("--model: missing");
    assertThatThrownBy(() -> ProducerConfig.builder(CLUSTER).runId("a b"))
        .hasMessageStartingWith("--run-id: 'a b'");
  }

  @Test
  void extraInputsLiftTheContractsFieldsAndKeepTheRest() {
    ExtraInputs extra =
        ExtraInputs.parse(
            List.of(
                "max_tokens:500",
                "min_tokens:500",
                "ignore_eos:true",
                "temperature:0.7",
                "{\"top_k\": 20, \"chat_template_kwargs\": {\"enable_thinking\": false}}",
                "user:alice"));
    assertThat(extra.maxTokens()).isEqualTo(500);
    assertThat(extra.minTokens()).isEqualTo(500);
    assertThat(extra.ignoreEos()).isTrue();
    assertThat(extra.temperature()).isEqualTo(0.7);
    assertThat(extra.topK()).isEqualTo(20);
    assertThat(extra.bodyJson())
        .isEqualTo("{\"chat_template_kwargs\":{\"enable_thinking\":false},\"user\":\"alice\"}");
  }

  @Test
  void defaultsAreAiperfsAndTheRecordedConfigHasNoSecrets() {
    ProducerConfig config = ProducerConfig.builder(CLUSTER).model("Qwen/Qwen3-VL-8B").build();
    assertThat(config.prompts().inputTokensMean()).isEqualTo(550);
    assertThat(config.prompts().datasetEntries()).isEqualTo(100);
    assertThat(config.streaming()).isFalse();
    assertThat(config.tokenizer()).isEqualTo("Qwen/Qwen3-VL-8B");
    assertThat(config.stop().requestCount()).as("max(10, 2 x concurrency)").isEqualTo(10);
    assertThat(
            ProducerConfig.builder(CLUSTER)
                .model("gpt")
                .load(new LoadSpec.ClosedLoop(16, null))
                .build()
                .stop()
                .requestCount())
        .isEqualTo(32);
    assertThat(ProducerConfig.builder(CLUSTER).model("gpt").build().tokenizer())
        .isEqualTo("builtin");
    JsonNode json = config.toJson(7, "x");
    String text = json.toString();
    assertThat(text).doesNotContain("secret", "hunter2", "alice");
    assertThat(json.path("cluster").path("kafka_property_keys").get(0).asText())
        .isEqualTo("sasl.jaas.config");
    assertThat(json.path("random_seed").asLong()).isEqualTo(7);
    assertThat(json.path("load").path("mode").asText()).isEqualTo("closed");
  }

  @Test
  void rampAndCapCombinationsAreChecked() {
    assertThatThrownBy(
            () ->
                new LoadSpec.OpenLoop(
                    5, ArrivalPattern.POISSON, null, null, null, Duration.ofSeconds(3)))
        .hasMessageStartingWith("--concurrency-ramp-duration: PT3S (expected: with --concurrency");
    assertThat(
            new LoadSpec.OpenLoop(
                    5, ArrivalPattern.GAMMA, null, 3, Duration.ofSeconds(2), Duration.ofSeconds(3))
                .shape())
        .isEqualTo(1.0);
  }

  @Test
  void noStopConditionIsAiperfsDefaultCountUnlessSoaking() {
    ProducerConfig plain =
        ProducerConfig.builder(CLUSTER)
            .models(List.of("m"))
            .load(new LoadSpec.ClosedLoop(8, null))
            .build();
    assertThat(plain.stop().requestCount()).isEqualTo(16L);
    assertThat(plain.soak()).isFalse();

    ProducerConfig soak = ProducerConfig.builder(CLUSTER).models(List.of("m")).soak(true).build();
    assertThat(soak.stop().bounded()).isFalse();
    assertThat(soak.soak()).isTrue();

    assertThatThrownBy(
            () ->
                ProducerConfig.builder(CLUSTER)
                    .models(List.of("m"))
                    .soak(true)
                    .stop(new StopSpec(5L, null, null))
                    .build())
        .hasMessageContaining("--soak: expected without --request-count");
  }
}
