package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.cli.StreamperfCommandTest.Run;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.AudioFormat;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** An AIPerf command line carries over to {@code streamperf producer}. */
class ProducerCommandTest {

  static ProducerConfig parse(String... args) {
    ProducerOptions options = new ProducerOptions();
    TokenizerOptions tokenizer = new TokenizerOptions();
    CommandLine cli = new CommandLine(options);
    cli.addMixin("tokenizer", tokenizer);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.parseArgs(args);
    return options.config(
        ClusterConfig.of("127.0.0.1:9092", "mock://producer-cli-test"), List.of(), tokenizer);
  }

  @Test
  void aiperfFlagsAndAliasesMapOntoTheConfig() {
    ProducerConfig config =
        parse(
            "-m",
            "Qwen/Qwen2.5-VL-3B-Instruct",
            "--request-rate",
            "12.5",
            "--arrival-pattern",
            "gamma",
            "--vllm-burstiness",
            "0.5",
            "--concurrency",
            "8",
            "--request-rate-ramp-duration",
            "30",
            "--isl",
            "128",
            "--isl-stddev",
            "16",
            "--osl",
            "64",
            "--osl-stddev",
            "4",
            "--extra-inputs",
            "ignore_eos:true",
            "min_tokens:10",
            "--image-width-mean",
            "512",
            "--image-height-mean",
            "384",
            "--image-format",
            "webp",
            "--audio-length-mean",
            "2.5",
            "--audio-format",
            "mp3",
            "--audio-sample-rates",
            "16",
            "44.1",
            "--num-dataset-entries",
            "50",
            "--session-turns-mean",
            "3",
            "--request-count",
            "200",
            "--warmup-request-count",
            "20",
            "--random-seed",
            "7",
            "--streaming",
            "--results-isolation",
            "read_uncommitted");
    assertThat(config.models()).containsExactly("Qwen/Qwen2.5-VL-3B-Instruct");
    assertThat(config.tokenizer()).isEqualTo("Qwen/Qwen2.5-VL-3B-Instruct");
    LoadSpec.OpenLoop load = (LoadSpec.OpenLoop) config.load();
    assertThat(load.rate()).isEqualTo(12.5);
    assertThat(load.pattern()).isEqualTo(ArrivalPattern.GAMMA);
    assertThat(load.shape()).isEqualTo(0.5);
    assertThat(load.concurrencyCap()).isEqualTo(8);
    assertThat(load.rateRamp()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.prompts().inputTokensMean()).isEqualTo(128);
    assertThat(config.prompts().outputTokensMean()).isEqualTo(64);
    assertThat(config.extraInputs().ignoreEos()).isTrue();
    assertThat(config.extraInputs().minTokens()).isEqualTo(10);
    assertThat(config.images().enabled()).isTrue();
    assertThat(config.images().format()).isEqualTo(ImageFormat.WEBP);
    assertThat(config.audio().format()).isEqualTo(AudioFormat.MP3);
    assertThat(config.audio().sampleRatesKhz()).containsExactly(16.0, 44.1);
    assertThat(config.prompts().datasetEntries()).isEqualTo(50);
    assertThat(config.conversation().turnsMean()).isEqualTo(3);
    assertThat(config.stop().requestCount()).isEqualTo(200);
    assertThat(config.warmup().requestCount()).isEqualTo(20);
    assertThat(config.randomSeed()).isEqualTo(7);
    assertThat(config.streaming()).isTrue();
    assertThat(config.resultsIsolation()).isEqualTo(IsolationLevel.READ_UNCOMMITTED);
  }

  @Test
  void concurrencyAloneIsAClosedLoopWithAiperfsDefaultCount() {
    ProducerConfig config = parse("--model", "m", "--concurrency", "16");
    assertThat(config.load()).isEqualTo(new LoadSpec.ClosedLoop(16, null));
    assertThat(config.stop().requestCount()).isEqualTo(32);
    assertThat(config.images().enabled()).isFalse();
    assertThat(config.audio().enabled()).isFalse();
    assertThat(config.prompts().inputTokensMean()).isEqualTo(550);
    assertThat(config.resultsIsolation()).isEqualTo(IsolationLevel.READ_COMMITTED);
  }

  @Test
  void badValuesFailAtStartNamingTheOption() {
    Run run =
        StreamperfCommandTest.run(
            "producer",
            "-b",
            "127.0.0.1:1",
            "--schema-registry-url",
            "mock://x",
            "-m",
            "m",
            "--concurrency",
            "0");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--concurrency: 0 (expected: >= 1)");
    run =
        StreamperfCommandTest.run(
            "producer",
            "-b",
            "127.0.0.1:1",
            "--schema-registry-url",
            "mock://x",
            "-m",
            "m",
            "--benchmark-duration",
            "-3");
    assertThat(run.err()).contains("--benchmark-duration: -3.0 (expected: seconds > 0)");
    run =
        StreamperfCommandTest.run(
            "producer",
            "-b",
            "127.0.0.1:1",
            "--schema-registry-url",
            "mock://x",
            "-m",
            "m",
            "--arrival-smoothness",
            "2");
    assertThat(run.err()).contains("--arrival-smoothness: 2.0 (expected: with --request-rate)");
  }
}
