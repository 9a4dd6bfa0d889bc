package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.input.FixedSchedule;
import dev.streamperf.producer.input.InputFormat;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.input.MediaUrls;
import dev.streamperf.producer.spec.LoadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input flags of the producer's options (and so of profile's). */
class ProducerInputOptionsTest {

  @TempDir Path dir;

  Path file(String name, String text) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, text);
    return path;
  }

  @Test
  void anInputFileWithAiperfsScheduleFlags() throws IOException {
    Path input = file("prompts.jsonl", "{\"text\": \"hi\", \"timestamp\": 5}\n");
    ProducerConfig config =
        ProducerCommandTest.parse(
            "-m",
            "m",
            "--input-file",
            input.toString(),
            "--custom-dataset-type",
            "single_turn",
            "--media-urls",
            "fetch",
            "--fixed-schedule",
            "--fixed-schedule-start-offset",
            "2",
            "--fixed-schedule-end-offset",
            "900",
            "--fixed-schedule-speedup",
            "2.5",
            "--concurrency",
            "4");
    assertThat(config.input())
        .isEqualTo(
            new InputSpec.File(
                input,
                InputFormat.SINGLE_TURN,
                MediaUrls.FETCH,
                new FixedSchedule(false, 2L, 900L, 2.5)));
    assertThat(config.load()).isInstanceOf(LoadSpec.OpenLoop.class);
    assertThat(((LoadSpec.OpenLoop) config.load()).concurrencyCap()).isEqualTo(4);
    assertThat(config.stop().bounded()).as("the file ends the run").isFalse();
  }

  @Test
  void aTraceIsOnItsFixedScheduleUnlessARateOrConcurrencyIsGiven() throws IOException {
    Path trace = file("trace.csv", "Timestamp,Request tokens,Response tokens\n1,10,5\n");
    ProducerConfig fixed = ProducerCommandTest.parse("-m", "m", "--input-file", trace.toString());
    assertThat(fixed.input().schedule()).isEqualTo(FixedSchedule.plain());
    ProducerConfig rated =
        ProducerCommandTest.parse(
            "-m", "m", "--input-file", trace.toString(), "--request-rate", "3");
    assertThat(rated.input().schedule()).isNull();
    assertThat(((LoadSpec.OpenLoop) rated.load()).rate()).isEqualTo(3);
  }

  @Test
  void aPlainFileKeepsTheLoadOptions() throws IOException {
    Path input = file("p.jsonl", "{\"text\": \"hi\"}\n");
    ProducerConfig config =
        ProducerCommandTest.parse(
            "-m", "m", "--input-file", input.toString(), "--concurrency", "3");
    assertThat(config.input().schedule()).isNull();
    assertThat(config.load()).isEqualTo(new LoadSpec.ClosedLoop(3, null));
  }

  @Test
  void badCombinationsNameTheOption() throws IOException {
    Path input = file("p.jsonl", "{\"text\": \"hi\"}\n");
    assertThatThrownBy(() -> ProducerCommandTest.parse("-m", "m", "--fixed-schedule"))
        .hasMessage("--fixed-schedule: expected with --input-file");
    assertThatThrownBy(
            () ->
                ProducerCommandTest.parse(
                    "-m", "m", "--input-file", input.toString(), "--custom-dataset-type", "x"))
        .hasMessageStartingWith("--custom-dataset-type: 'x'");
    assertThatThrownBy(
            () ->
                ProducerCommandTest.parse(
                    "-m",
                    "m",
                    "--input-file",
                    input.toString(),
                    "--fixed-schedule",
                    "--request-rate",
                    "2"))
        .hasMessageStartingWith("--request-rate: 2.0 (expected: not with --fixed-schedule");
    assertThatThrownBy(
            () ->
                ProducerCommandTest.parse(
                    "-m",
                    "m",
                    "--input-file",
                    input.toString(),
                    "--fixed-schedule-auto-offset",
                    "--fixed-schedule-start-offset",
                    "3"))
        .hasMessageContaining("--fixed-schedule-start-offset: 3 (expected: not with");
    assertThatThrownBy(
            () ->
                ProducerCommandTest.parse("-m", "m", "--input-file", dir.resolve("no").toString()))
        .hasMessageContaining("no such file");
  }

  @Test
  void aPublicDatasetWithItsHubOrLocalCopy() throws IOException {
    ProducerConfig hub =
        ProducerCommandTest.parse(
            "-m", "m", "--public-dataset", "MMStar", "--hf-endpoint", "http://127.0.0.1:9/");
    InputSpec.Dataset spec = (InputSpec.Dataset) hub.input();
    assertThat(spec.name()).isEqualTo("mmstar");
    assertThat(spec.endpoint()).hasToString("http://127.0.0.1:9/");
    assertThat(spec.localPath()).isNull();
    assertThat(spec.cacheDir().toString()).endsWith(".cache/streamperf/datasets");
    assertThat(hub.stop().bounded()).as("the dataset ends the run").isFalse();
    Path copy = file("rows.jsonl", "{}\n");
    ProducerConfig local =
        ProducerCommandTest.parse(
            "-m", "m", "--public-dataset", "mmstar", "--dataset-path", copy.toString());
    assertThat(((InputSpec.Dataset) local.input()).localPath()).isEqualTo(copy);
    assertThatThrownBy(() -> ProducerCommandTest.parse("-m", "m", "--public-dataset", "coco"))
        .hasMessage("--public-dataset: 'coco' (expected one of: mmstar)");
    assertThatThrownBy(
            () -> ProducerCommandTest.parse("-m", "m", "--dataset-path", copy.toString()))
        .hasMessage("--dataset-path: expected with --public-dataset");
    assertThatThrownBy(
            () ->
                ProducerCommandTest.parse(
                    "-m", "m", "--public-dataset", "mmstar", "--input-file", copy.toString()))
        .hasMessage("--public-dataset: mmstar (expected: not with --input-file)");
  }
}
