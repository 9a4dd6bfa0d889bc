package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.cli.StreamperfCommandTest.Run;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlperfCommandTest {

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(MlperfCommandTest.class.getResource("/mlperf/" + name).toURI()).toString();
  }

  @Test
  void evaluateScoresTheFixtureLogAndFailsTheTarget(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("accuracy.txt");
    Run run =
        StreamperfCommandTest.run(
            "mlperf",
            "evaluate",
            fixture("mlperf_log_accuracy.json"),
            "--ground-truth",
            fixture("ground_truth.jsonl"),
            "--output",
            report.toString());
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.out())
        .contains("responses evaluated             5 (5 distinct samples of 5 in the ground truth)")
        .contains("unparsable responses            2")
        .contains(
            "category hierarchical F1        0.482759 (hP 0.500000 = 7/14, hR 0.466667 = 7/15)")
        .contains("brand score                     0.600000")
        .contains("FAIL: category F1 0.482759 < target 0.7824");
    assertThat(Files.readString(report)).contains("FAIL: category F1 0.482759 < target 0.7824");
  }

  @Test
  void evaluatePassesWithALowerTarget() throws Exception {
    Run run =
        StreamperfCommandTest.run(
            "mlperf",
            "evaluate",
            fixture("mlperf_log_accuracy.json"),
            "--ground-truth",
            fixture("ground_truth.jsonl"),
            "--target",
            "0.48");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("PASS: category F1 0.482759 >= target 0.4800");
  }

  @Test
  void aBadAccuracyLogNamesTheFileLineEntryAndField(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("mlperf_log_accuracy.json");
    Files.writeString(
        log,
        "[\n{ \"seq_id\" : 0, \"qsl_idx\" : 0, \"data\" : \"7B7D\" },\n"
            + "{ \"seq_id\" : 1, \"qsl_idx\" : 1, \"data\" : \"XYZ\" }\n]\n");
    Run run =
        StreamperfCommandTest.run(
            "mlperf", "evaluate", log.toString(), "--ground-truth", fixture("ground_truth.jsonl"));
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains(log + ":3: entry 1: field 'data': not hexadecimal bytes");
  }

  @Test
  void missingInputsAreReportedClearly() throws Exception {
    Run noTruth =
        StreamperfCommandTest.run("mlperf", "evaluate", fixture("mlperf_log_accuracy.json"));
    assertThat(noTruth.code()).isEqualTo(2);
    assertThat(noTruth.err()).contains("Missing required option: '--ground-truth=FILE'");

    Run noFile =
        StreamperfCommandTest.run(
            "mlperf",
            "evaluate",
            "/no/such/log.json",
            "--ground-truth",
            fixture("ground_truth.jsonl"));
    assertThat(noFile.code()).isEqualTo(1);
    assertThat(noFile.err()).contains("accuracy log /no/such/log.json: no such readable file");

    Run badTarget =
        StreamperfCommandTest.run(
            "mlperf",
            "evaluate",
            fixture("mlperf_log_accuracy.json"),
            "--ground-truth",
            fixture("ground_truth.jsonl"),
            "--target",
            "1.5");
    assertThat(badTarget.code()).isEqualTo(1);
    assertThat(badTarget.err()).contains("--target: 1.5 (expected: > 0 and <= 1)");
  }

  @Test
  void mlperfHelpListsRunAndEvaluate() {
    Run run = StreamperfCommandTest.run("mlperf", "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains("evaluate Score an accuracy log")
        .contains("run Run the Offline or Server scenario and write LoadGen's outputs");
    Run help = StreamperfCommandTest.run("mlperf", "run", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("--scenario=offline|server")
        .contains("--dataset-path=FILE")
        .contains("Loading it from the Hugging Face Hub is not available yet");
  }

  @Test
  void runRejectsBadOptionsBeforeStartingAnything() throws Exception {
    String dataset = fixture("product_catalogue.jsonl");
    Run scenario =
        StreamperfCommandTest.run(
            "mlperf", "run", "--dataset-path", dataset, "--scenario", "single-stream");
    assertThat(scenario.code()).isEqualTo(2);
    assertThat(scenario.err()).contains("'single-stream' (expected: offline or server)");

    Run constraint =
        StreamperfCommandTest.run(
            "mlperf", "run", "--dataset-path", dataset, "--latency-constraint", "1s");
    assertThat(constraint.code()).isEqualTo(1);
    assertThat(constraint.err()).contains("--latency-constraint: expected only with --scenario");

    Run qps =
        StreamperfCommandTest.run("mlperf", "run", "--dataset-path", dataset, "--target-qps", "0");
    assertThat(qps.code()).isEqualTo(1);
    assertThat(qps.err()).contains("--target-qps: 0.0 (expected: > 0)");

    Run duration =
        StreamperfCommandTest.run(
            "mlperf", "run", "--dataset-path", dataset, "--min-duration", "ten");
    assertThat(duration.code()).isEqualTo(2);
    assertThat(duration.err()).contains("expected: a duration such as 12s");

    Run count =
        StreamperfCommandTest.run(
            "mlperf", "run", "--dataset-path", dataset, "--total-sample-count", "9");
    assertThat(count.code()).isEqualTo(1);
    assertThat(count.err()).contains("only 8 rows (expected: at least 9, the sample count)");

    Run missing = StreamperfCommandTest.run("mlperf", "run", "--dataset-path", "/no/such.jsonl");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("--dataset-path /no/such.jsonl: no such readable file");
  }

  @Test
  void theEvaluatorNeedsACluster() {
    Run run = StreamperfCommandTest.run("evaluator");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--bootstrap-servers: missing");
    Run threads =
        StreamperfCommandTest.run(
            "evaluator",
            "-b",
            "127.0.0.1:1",
            "--schema-registry-url",
            "mock://x",
            "--evaluator-threads",
            "0");
    assertThat(threads.code()).isEqualTo(1);
    assertThat(threads.err()).contains("evaluator stream threads: 0 (expected: > 0)");
  }
}
