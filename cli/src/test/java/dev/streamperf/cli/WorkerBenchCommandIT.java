package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The worker benchmark end to end at a tiny scale: its figures are printed and sane (not the
 * targets, which need the full load and a quiet machine).
 */
class WorkerBenchCommandIT {

  @Test
  void printsRequestAndTimingFigures() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run(
            "bench",
            "worker",
            "--scenario",
            "requests",
            "--scenario",
            "timing",
            "--streams",
            "4",
            "--short-output-tokens",
            "5",
            "--timing-streams",
            "10",
            "--timing-tokens",
            "5",
            "--timing-itl-ms",
            "10",
            "--warmup",
            "PT1S",
            "--timing-warmup",
            "PT1S",
            "--duration",
            "PT2S");
    assertThat(run.code()).as(run.out() + run.err()).isIn(0, 3);
    assertThat(run.out()).contains("(timing: PT1S warmup)");
    Matcher requests =
        Pattern.compile("measured +([0-9,]+) requests/s, ([0-9,]+) tokens/s \\(0 errors\\)")
            .matcher(run.out());
    assertThat(requests.find()).as(run.out()).isTrue();
    long perSecond = Long.parseLong(requests.group(1).replace(",", ""));
    long tokensPerSecond = Long.parseLong(requests.group(2).replace(",", ""));
    assertThat(perSecond).isPositive();
    // every response carries exactly its 5 tokens, one content event each
    assertThat(tokensPerSecond).isBetween(4 * perSecond, 6 * perSecond);
    Matcher timing =
        Pattern.compile(
                "TTFT ([0-9.]+)/([0-9.]+)/([0-9.]+), chunk gap ([0-9.]+)/([0-9.]+)/([0-9.]+)"
                    + " \\(([0-9,]+) responses, ([0-9,]+) gaps, 0 without truth, 0 errors\\)")
            .matcher(run.out());
    assertThat(timing.find()).as(run.out()).isTrue();
    assertThat(Long.parseLong(timing.group(7).replace(",", ""))).isPositive();
    // four gaps per five-token response
    assertThat(Long.parseLong(timing.group(8).replace(",", "")))
        .isEqualTo(4 * Long.parseLong(timing.group(7).replace(",", "")));
    // p50 <= p99 <= max, and well below the 10 ms inter-token latency at this load
    assertThat(Double.parseDouble(timing.group(1)))
        .isLessThanOrEqualTo(Double.parseDouble(timing.group(2)));
    assertThat(Double.parseDouble(timing.group(4))).isLessThan(5.0);
    assertThat(run.out())
        .containsPattern("target +TTFT and chunk gap error p99 <= 1 ms +(PASS|MISS)");
    assertThat(run.out()).containsPattern("(PASS|MISS): \\d target");
  }

  @Test
  void unknownScenarioIsNamed() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run("bench", "worker", "--scenario", "warp-speed");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--scenario: warp-speed (expected one of: tokens");
  }

  @Test
  void badSizesNameTheOption() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run("bench", "worker", "--timing-streams", "0");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--timing-streams: 0 (expected: > 0)");
  }

  @Test
  void aCpuListTasksetWouldRejectIsNamedBeforeAnythingStarts() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run("bench", "worker", "--sim-cpus", "2-");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--sim-cpus: 2- (expected a CPU list such as 2-15 or 2,3,4)");
  }
}
