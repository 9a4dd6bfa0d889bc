package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.embedded.LlamaCppServer;
import dev.streamperf.evaluator.mlperf.AccuracyLog;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamperf mlperf run} end to end in this JVM, as a user runs it: the embedded broker, the
 * simulator answering the product prompts, workers, metrics and evaluator; LoadGen's outputs under
 * the output directory and the exit status.
 */
class MlperfRunCommandIT {

  @TempDir Path output;

  record Run(int code, String out, String err) {}

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(MlperfRunCommandIT.class.getResource("/mlperf/" + name).toURI()).toString();
  }

  private Run mlperf(String... args) throws URISyntaxException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "mlperf",
                "run",
                "--dataset-path",
                fixture("product_catalogue.jsonl"),
                "--output-dir",
                output.toString(),
                "--random-seed",
                "7",
                "--progress-interval",
                "1s",
                "--sim-itl-ms",
                "1",
                "--sim-output-tokens-mean",
                "8"));
    all.addAll(List.of(args));
    CommandLine cli = StreamperfCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private String summary() throws Exception {
    return Files.readString(output.resolve("mlperf_log_summary.txt"), StandardCharsets.UTF_8);
  }

  /**
   * The simulator answers from a script: 3 exact paths (3+3+2 levels), a wrong leaf (2 of 3), a
   * level too deep (2 of a 2-level truth, 3 predicted), a wrong second level (1 of 4, 2 predicted),
   * a fenced (unparsable) answer and one with no rule (generated text): ΣI = 13, ΣP = 22, ΣT = 23,
   * F1 = 2·13/(22+23) = 26/45.
   */
  @Test
  void accuracyRunScoresTheScriptedAnswersExactly() throws Exception {
    Run run =
        mlperf(
            "--mode",
            "accuracy",
            "--scenario",
            "offline",
            "--sim-answers",
            fixture("sim_answers.jsonl"));
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.out())
        .contains("no --bootstrap-servers: started an embedded Kafka broker")
        .contains("Offline AccuracyOnly: 8 samples")
        .contains("responses evaluated             8 (8 distinct samples of 8 in the ground truth)")
        .contains("unparsable responses            2")
        .contains(
            "category hierarchical F1        0.577778 (hP 0.590909 = 13/22, hR 0.565217 = 13/23)")
        .contains("FAIL: category F1 0.577778 < target 0.7824")
        .contains("live evaluator                  category F1 0.577778 over 8 scores (6 parsed)");
    assertThat(run.err()).contains("category F1 0.577778 is below the target 0.7824");

    List<AccuracyLog.Entry> log = AccuracyLog.read(output.resolve("mlperf_log_accuracy.json"));
    assertThat(log).extracting(AccuracyLog.Entry::qslIndex).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(log)
        .extracting(AccuracyLog.Entry::seqId)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(log.get(0).text())
        .isEqualTo(
            "{\"category\": \"Apparel & Accessories > Clothing > Shirts\", \"brand\":"
                + " \"Brookfield\", \"is_secondhand\": false}");
    assertThat(Files.readString(output.resolve("accuracy.txt")))
        .contains("category hierarchical F1        0.577778");
    assertThat(summary())
        .contains("Mode     : AccuracyOnly")
        .contains("Queries completed               : 8");

    // the same log through 'mlperf evaluate' gives the same figure
    StreamperfCommandTest.Run evaluate =
        StreamperfCommandTest.run(
            "mlperf",
            "evaluate",
            output.resolve("mlperf_log_accuracy.json").toString(),
            "--ground-truth",
            fixture("product_catalogue.jsonl"));
    assertThat(evaluate.out()).contains("category hierarchical F1        0.577778");
  }

  /** On an existing cluster (-b): the command's Streams apps start at the topics' ends. */
  @Test
  void serverRunOverItsLatencyConstraintIsInvalid() throws Exception {
    Run run;
    try (EmbeddedStack cluster =
        EmbeddedStack.start(TopicCatalog.builder().replicationFactor(1).partitions(3).build())) {
      run =
          mlperf(
              "--bootstrap-servers",
              cluster.cluster().bootstrapServers(),
              "--schema-registry-url",
              cluster.cluster().schemaRegistryUrl(),
              "--partitions",
              "3",
              "--scenario",
              "server",
              "--target-qps",
              "20",
              "--min-duration",
              "1s",
              "--min-query-count",
              "16",
              "--latency-constraint",
              "50ms",
              "--sim-ttft-ms",
              "200");
    }
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(4);
    assertThat(run.out()).doesNotContain("embedded Kafka broker").contains("mlperf: cluster ");
    String summary = summary();
    assertThat(summary)
        .contains("Scenario : Server")
        .contains("Mode     : PerformanceOnly")
        .contains("Result is : INVALID")
        .contains("  Performance constraints satisfied : NO")
        .contains("  Min duration satisfied : Yes")
        .contains("  Min queries satisfied : Yes")
        .contains("  All queries completed : Yes")
        .contains("Reduce target QPS to improve latency: the p99 latency is")
        .contains("over the 0.050 s bound")
        .contains("target_latency (ns): 50000000");
    assertThat(run.out()).contains("Result is : INVALID");
    assertThat(run.err()).contains("INVALID: Reduce target QPS to improve latency");
    assertThat(Files.exists(output.resolve("mlperf_log_accuracy.json"))).isFalse();
  }

  @Test
  void offlineRunMeetingItsMinimumsIsValid() throws Exception {
    Run run =
        mlperf(
            "--scenario",
            "offline",
            "--target-qps",
            "10",
            "--min-duration",
            "1s",
            "--min-query-count",
            "16",
            "--sim-ttft-ms",
            "1000");
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    String summary = summary();
    assertThat(summary)
        .contains("Scenario : Offline")
        .contains("Result is : VALID")
        .contains("  Min duration satisfied : Yes")
        .contains("  Min queries satisfied : Yes")
        .contains("  Early stopping satisfied : Yes")
        .contains("  All queries completed : Yes")
        .contains("Queries issued                  : 16")
        .contains("Queries completed               : 16")
        .contains("Queries failed (empty response) : 0")
        .contains("offline_expected_qps : 10.0")
        .doesNotContain("Performance constraints satisfied");
    assertThat(run.out()).contains("mlperf: harness: ");
    assertThat(Files.exists(output.resolve("records.jsonl"))).isTrue();
    assertThat(Files.readAllLines(output.resolve("records.jsonl"))).hasSize(16);
  }

  @Test
  void everyQueryFailingFailsTheRunAndSaysWhy() throws Exception {
    Run run =
        mlperf(
            "--url",
            "http://127.0.0.1:1",
            "--connect-timeout-seconds",
            "1",
            "--min-duration",
            "0s",
            "--min-query-count",
            "4");
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err()).contains("4 of 4 queries failed and count as empty responses");
    assertThat(summary()).contains("Queries failed (empty response) : 4");
  }

  /**
   * Against the real llama.cpp server (a tiny random model that reads images): the reference's
   * prompt with its JPEG and PNG data URLs is accepted, every query answers, every response is
   * logged and scored (random text: unparsable, F1 0).
   */
  @Test
  void accuracyRunAgainstTheRealLlamaCppServer() throws Exception {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(LlamaCppServer.isBuilt()).as("llama.cpp must be built in CI").isTrue();
    } else {
      assumeThat(LlamaCppServer.isBuilt()).as("llama.cpp server built").isTrue();
    }
    // the benchmark sends no max_tokens: the server's own default length (-n) bounds the answers
    try (LlamaCppServer llama = LlamaCppServer.start(0, List.of("-n", "16"))) {
      Run run = mlperf("--mode", "accuracy", "-m", LlamaCppServer.MODEL, "--url", llama.baseUrl());
      assertThat(run.code()).as(run.out() + run.err()).isEqualTo(3);
      assertThat(run.out())
          .doesNotContain("started the simulator")
          .contains(
              "responses evaluated             8 (8 distinct samples of 8 in the ground truth)")
          .contains("live evaluator                  category F1 0.000000 over 8 scores");
      assertThat(summary())
          .contains("Queries completed               : 8")
          .contains("Queries failed (empty response) : 0");
      assertThat(AccuracyLog.read(output.resolve("mlperf_log_accuracy.json")))
          .hasSize(8)
          .allSatisfy(e -> assertThat(e.tokenCount()).isEqualTo(16));
    }
  }
}
