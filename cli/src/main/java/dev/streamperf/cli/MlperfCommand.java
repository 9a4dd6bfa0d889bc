package dev.streamperf.cli;

import dev.streamperf.evaluator.mlperf.AccuracyLog;
import dev.streamperf.evaluator.mlperf.AccuracyReport;
import dev.streamperf.evaluator.mlperf.GroundTruth;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.evaluator.scoring.SecondhandGuess;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The MLPerf Inference VLM benchmark (Qwen3-VL on the Shopify product catalogue). */
@Command(
    name = "mlperf",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "MLPerf VLM benchmark: run a scenario, evaluate a log.",
    description = {
      "The MLPerf Inference VLM benchmark (Shopify product catalogue, category hierarchical F1,"
          + " target "
          + AccuracyReport.VLM_TARGET
          + "). 'run' runs the Offline or Server scenario end to end on the pipeline (performance"
          + " or accuracy mode) and writes LoadGen's outputs; 'evaluate' scores a LoadGen accuracy"
          + " log (mlperf_log_accuracy.json) against the dataset's ground truth.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {MlperfRunCommand.class, MlperfCommand.Evaluate.class})
final class MlperfCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code streamperf mlperf evaluate FILE --ground-truth FILE}. */
  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      header = "Score an accuracy log and check it against the target.",
      description = {
        "Computes the benchmark's accuracy from a LoadGen accuracy log as the reference's"
            + " 'evaluate' does: every logged response (hex-encoded bytes) is parsed as the JSON"
            + " object {category, brand, is_secondhand}; an unparsable one counts as a padding"
            + " path as deep as the truth. Prints the category hierarchical F1 (micro, from the"
            + " summed intersection, predicted and true depths), the brand score and the"
            + " is_secondhand F1, and checks the F1 against the target.",
        "",
        "The ground truth is a local copy of the dataset as JSON Lines in the dataset's order"
            + " (train then test), e.g. written by: load_dataset(\"Shopify/product-catalogue\","
            + " split=\"train+test\").remove_columns(\"product_image\").to_json(FILE).",
        "",
        "Exit status: 0 when the F1 reaches the target, 3 when it does not, 1 on bad input, 2 on"
            + " a usage error.",
        ""
      })
  static final class Evaluate implements Callable<Integer> {

    /** Exit status of a log whose F1 is below the target. */
    static final int BELOW_TARGET = 3;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The accuracy log, mlperf_log_accuracy.json.")
    Path accuracyLog;

    @Option(
        names = "--ground-truth",
        paramLabel = "FILE",
        required = true,
        description =
            "The dataset's rows as JSON Lines with ground_truth_category, ground_truth_brand and"
                + " ground_truth_is_secondhand; line n is qsl_idx n-1.")
    Path groundTruth;

    @Option(
        names = "--target",
        paramLabel = "F1",
        defaultValue = "" + AccuracyReport.VLM_TARGET,
        description = "The category F1 to reach (default: ${DEFAULT-VALUE}).")
    double target;

    @Option(
        names = "--secondhand-seed",
        paramLabel = "SEED",
        defaultValue = "" + SecondhandGuess.DEFAULT_SEED,
        description =
            "Seed of the is_secondhand coin flip for unparsable responses (default:"
                + " ${DEFAULT-VALUE}).")
    long secondhandSeed;

    @Option(
        names = {"--output", "-o"},
        paramLabel = "FILE",
        description = "Also write the report to this file (e.g. accuracy.txt for a submission).")
    Path output;

    @Override
    public Integer call() throws Exception {
      if (!(target > 0 && target <= 1)) {
        throw new IllegalArgumentException("--target: " + target + " (expected: > 0 and <= 1)");
      }
      requireReadable(accuracyLog, "accuracy log");
      requireReadable(groundTruth, "--ground-truth");
      List<AccuracyLog.Entry> entries = AccuracyLog.read(accuracyLog);
      List<ProductMetadata> truth = GroundTruth.readJsonLines(groundTruth);
      AccuracyReport report =
          AccuracyReport.evaluate(entries, truth, secondhandSeed, target, accuracyLog.toString());
      String text =
          String.format(
                  Locale.ROOT,
                  "accuracy log                    %s%nground truth                    %s%n",
                  accuracyLog,
                  groundTruth)
              + report.render();
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      if (output != null) {
        Files.writeString(output, text, StandardCharsets.UTF_8);
        out.println("wrote " + output);
      }
      out.flush();
      return report.passed() ? 0 : BELOW_TARGET;
    }

    private static void requireReadable(Path file, String what) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException(what + " " + file + ": no such readable file");
      }
    }
  }
}
