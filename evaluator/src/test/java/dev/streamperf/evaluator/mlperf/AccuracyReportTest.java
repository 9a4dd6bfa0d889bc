package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.evaluator.scoring.SecondhandGuess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlperf evaluate}'s computation on the fixture log (written by Python's bytes.hex()). */
class AccuracyReportTest {

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(AccuracyReportTest.class.getResource("/mlperf/" + name).toURI());
  }

  @Test
  void computesTheReferenceMetricsFromTheFixtureLog() throws Exception {
    List<AccuracyLog.Entry> log = AccuracyLog.read(fixture("mlperf_log_accuracy.json"));
    List<ProductMetadata> truth = GroundTruth.readJsonLines(fixture("ground_truth.jsonl"));
    AccuracyReport report =
        AccuracyReport.evaluate(
            log, truth, SecondhandGuess.DEFAULT_SEED, AccuracyReport.VLM_TARGET, "fixture");

    // qsl 2 exact (3,3,3); qsl 0 wrong leaf (2,3,3); qsl 4 fenced (0,4,4);
    // qsl 1 shallow (2,2,3); qsl 3 extra key (0,2,2)
    assertThat(report.intersection()).isEqualTo(7);
    assertThat(report.predicted()).isEqualTo(14);
    assertThat(report.truth()).isEqualTo(15);
    assertThat(report.categoryF1()).isCloseTo(14.0 / 29.0, within(1e-12));
    assertThat(report.unparsable()).isEqualTo(2);
    assertThat(report.brandScore()).isCloseTo(3.0 / 5.0, within(1e-12));
    long coinFp =
        (SecondhandGuess.draw(SecondhandGuess.DEFAULT_SEED, "4") ? 1 : 0)
            + (SecondhandGuess.draw(SecondhandGuess.DEFAULT_SEED, "3") ? 1 : 0);
    assertThat(report.secondhandTp()).isEqualTo(1);
    assertThat(report.secondhandFp()).isEqualTo(1 + coinFp);
    assertThat(report.secondhandFn()).isZero();
    assertThat(report.secondhandF1()).isCloseTo(2.0 / (2 + 1 + coinFp), within(1e-12));
    assertThat(report.passed()).isFalse();
    assertThat(report.render())
        .contains("responses evaluated             5 (5 distinct samples of 5 in the ground truth)")
        .contains("unparsable responses            2")
        .contains(
            "category hierarchical F1        0.482759 (hP 0.500000 = 7/14, hR 0.466667 = 7/15)")
        .contains("FAIL: category F1 0.482759 < target 0.7824");
  }

  @Test
  void exactAnswersPassTheTarget() throws Exception {
    List<ProductMetadata> truth = GroundTruth.readJsonLines(fixture("ground_truth.jsonl"));
    List<AccuracyLog.Entry> perfect =
        java.util.stream.IntStream.range(0, truth.size())
            .mapToObj(i -> AccuracyLog.Entry.ofText(i, i, truth.get(i).toJson(), null))
            .toList();
    AccuracyReport report = AccuracyReport.evaluate(perfect, truth, 1, 0.7824, "perfect");
    assertThat(report.categoryF1()).isEqualTo(1.0);
    assertThat(report.brandScore()).isEqualTo(1.0);
    assertThat(report.secondhandF1()).isEqualTo(1.0);
    assertThat(report.passed()).isTrue();
    assertThat(report.render()).contains("PASS: category F1 1.000000 >= target 0.7824");
  }

  @Test
  void aLoggedSampleOutsideTheGroundTruthIsAnError() throws Exception {
    List<ProductMetadata> truth = GroundTruth.readJsonLines(fixture("ground_truth.jsonl"));
    List<AccuracyLog.Entry> log = List.of(AccuracyLog.Entry.ofText(0, 5, "{}", null));
    assertThatThrownBy(() -> AccuracyReport.evaluate(log, truth, 1, 0.7824, "log.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "log.json:0: entry 0: field 'qsl_idx': 5 (expected: < 5, the ground truth's rows)");
  }

  @Test
  void badGroundTruthRowsNameTheFileLineAndField(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("gt.jsonl");
    String good =
        "{\"ground_truth_category\": \"A > B\", \"ground_truth_brand\": \"x\","
            + " \"ground_truth_is_secondhand\": false}";
    Files.writeString(
        file,
        good
            + "\n"
            + "{\"ground_truth_category\": \"A\", \"ground_truth_brand\": \"x\","
            + " \"ground_truth_is_secondhand\": \"no\"}\n");
    assertThatThrownBy(() -> GroundTruth.readJsonLines(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            file
                + ":2: field 'ground_truth_is_secondhand': not a boolean (expected: true or false)");
    Files.writeString(file, good + "\n{\"ground_truth_brand\": \"x\"}\n");
    assertThatThrownBy(() -> GroundTruth.readJsonLines(file))
        .hasMessage(file + ":2: field 'ground_truth_category': missing");
    Files.writeString(file, good + "\n\n" + good + "\n");
    assertThatThrownBy(() -> GroundTruth.readJsonLines(file))
        .hasMessage(file + ":2: empty line (expected: one JSON object per line)");
    Files.writeString(file, "{\"ground_truth_category\": \n");
    assertThatThrownBy(() -> GroundTruth.readJsonLines(file))
        .hasMessageStartingWith(file + ":1: not JSON");
  }
}
