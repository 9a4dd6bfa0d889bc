package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.embedded.LlamaCppServer;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamperf profile} end to end in this JVM, as a user runs it: embedded broker, then the
 * simulator or the real llama.cpp server, the report on stdout and its files under the artifact
 * directory, and the exit code.
 */
class ProfileCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path artifacts;

  record Run(int code, String out, String err) {}

  private Run profile(String... args) {
    List<String> all = new ArrayList<>(List.of("profile", "--artifact-dir", artifacts.toString()));
    all.addAll(List.of(args));
    CommandLine cli = StreamperfCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private Path runDir() throws IOException {
    try (Stream<Path> dirs = Files.list(artifacts)) {
      List<Path> runs = dirs.toList();
      assertThat(runs).hasSize(1);
      return runs.get(0);
    }
  }

  private List<JsonNode> records(Path dir) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("records.jsonl"))) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private static JsonNode metric(JsonNode export, String tag) {
    for (JsonNode m : export.path("metrics")) {
      if (m.path("tag").asText().equals(tag)) {
        return m;
      }
    }
    throw new AssertionError("no metric " + tag + " in profile_export.json: " + export);
  }

  @Test
  void profilesTheSimulatorWithTextImageAndAudio() throws Exception {
    Run run =
        profile(
            "-m",
            "sim-vl",
            "--streaming",
            "--request-count",
            "24",
            "--concurrency",
            "4",
            "--isl",
            "64",
            "--osl",
            "12",
            "--image-batch-size",
            "1",
            "--image-width-mean",
            "64",
            "--image-height-mean",
            "48",
            "--audio-batch-size",
            "1",
            "--audio-length-mean",
            "0.5",
            "--progress-interval",
            "PT1S");
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("no --bootstrap-servers: started an embedded Kafka broker")
        .contains("no --url: started the simulator")
        .contains("Time to First Token (ms)")
        .contains("Inter Token Latency (ms)")
        .contains("requests produced 24 = results 24 + pending 0");

    Path dir = runDir();
    JsonNode export = JSON.readTree(dir.resolve("profile_export.json").toFile());
    List<JsonNode> records = records(dir);
    assertThat(records).hasSize(24);
    assertThat(Files.readString(dir.resolve("profile_export.csv"))).contains("Time to First Token");

    // The report's numbers are those of its records: the exact statistics recomputed from
    // records.jsonl equal the exported ones.
    double[] ttft =
        records.stream()
            .mapToDouble(r -> r.path("metrics").path("time_to_first_token").asDouble())
            .toArray();
    assertThat(java.util.Arrays.stream(ttft).min().orElseThrow()).isPositive();
    JsonNode ttftExport = metric(export, "time_to_first_token");
    assertThat(ttftExport.path("avg").asDouble())
        .isCloseTo(java.util.Arrays.stream(ttft).average().orElseThrow(), within(ttftExport));
    assertThat(ttftExport.path("min").asDouble())
        .isCloseTo(java.util.Arrays.stream(ttft).min().orElseThrow(), within(ttftExport));
    assertThat(ttftExport.path("max").asDouble())
        .isCloseTo(java.util.Arrays.stream(ttft).max().orElseThrow(), within(ttftExport));
    assertThat(ttftExport.path("count").asLong()).isEqualTo(24);
    assertThat(export.path("counts").path("results").asLong()).isEqualTo(24);
    assertThat(records).allSatisfy(r -> assertThat(r.path("images").asInt()).isEqualTo(1));
    assertThat(records).allSatisfy(r -> assertThat(r.path("audios").asInt()).isEqualTo(1));
  }

  private static org.assertj.core.data.Offset<Double> within(JsonNode metric) {
    return org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, metric.path("max").asDouble()));
  }

  @Test
  void anUnreachableEndpointFailsTheRunAndSaysWhy() throws Exception {
    Run run =
        profile(
            "-m",
            "nobody",
            "--url",
            "http://127.0.0.1:1",
            "--request-count",
            "3",
            "--connect-timeout-seconds",
            "2",
            "--progress-interval",
            "PT1S");
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err()).contains("every request failed");
    assertThat(run.out()).contains("requests produced 3 = results 3 + pending 0");
    assertThat(records(runDir())).hasSize(3);
  }

  @Test
  void twoRunsOnAnExistingClusterEachReportOnlyTheirOwnRequests(@TempDir Path second)
      throws Exception {
    try (EmbeddedStack cluster =
        EmbeddedStack.start(TopicCatalog.builder().replicationFactor(1).partitions(3).build())) {
      String[] connection = {
        "--bootstrap-servers",
        cluster.cluster().bootstrapServers(),
        "--schema-registry-url",
        cluster.cluster().schemaRegistryUrl(),
        "--partitions",
        "3",
        "-m",
        "sim",
        "--concurrency",
        "2",
        "--osl",
        "4",
        "--progress-interval",
        "PT1S"
      };
      Run first = profile(concat(connection, "--request-count", "7"));
      assertThat(first.code()).as(first.out() + first.err()).isZero();
      assertThat(first.out()).doesNotContain("embedded Kafka broker");

      Path firstArtifacts = artifacts;
      artifacts = second;
      Run again = profile(concat(connection, "--request-count", "5"));
      artifacts = firstArtifacts;
      assertThat(again.code()).as(again.out() + again.err()).isZero();
      assertThat(again.out()).contains("requests produced 5 = results 5 + pending 0");
      try (Stream<Path> dirs = Files.list(second)) {
        Path dir = dirs.findFirst().orElseThrow();
        assertThat(records(dir)).hasSize(5);
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @Test
  void badOptionsFailBeforeAnythingStarts() {
    Run run = profile("-m", "m", "--soak", "--request-count", "5");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--soak: expected without --request-count");
    assertThat(run.out()).doesNotContain("started an embedded Kafka broker");
  }

  @Test
  void profilesTheRealLlamaCppServerWithTextImageAndAudio() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (ci) {
      assertThat(LlamaCppServer.isBuilt()).as("llama.cpp must be built in CI").isTrue();
    } else {
      assumeThat(LlamaCppServer.isBuilt()).as("llama.cpp server built").isTrue();
    }
    try (LlamaCppServer llama = LlamaCppServer.start(0, List.of())) {
      Run run =
          profile(
              "-m",
              LlamaCppServer.MODEL,
              "--url",
              llama.baseUrl(),
              "--streaming",
              "--request-count",
              "6",
              "--concurrency",
              "2",
              "--isl",
              "32",
              "--osl",
              "8",
              "--image-batch-size",
              "1",
              "--image-width-mean",
              "64",
              "--image-height-mean",
              "64",
              "--audio-batch-size",
              "1",
              "--audio-length-mean",
              "0.5",
              "--progress-interval",
              "PT2S");
      assertThat(run.code()).as(run.out() + run.err()).isZero();
      assertThat(run.out())
          .doesNotContain("started the simulator")
          .contains("Time to First Token (ms)")
          .contains("requests produced 6 = results 6 + pending 0");
      List<JsonNode> records = records(runDir());
      assertThat(records).hasSize(6);
      assertThat(records)
          .allSatisfy(
              r ->
                  assertThat(r.path("metrics").path("input_sequence_length").asLong())
                      .as("ISL counts the image's and the audio's tokens beside the text")
                      .isGreaterThan(64));
    }
  }
}
