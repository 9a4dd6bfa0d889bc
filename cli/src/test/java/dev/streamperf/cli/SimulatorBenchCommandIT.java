package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark end to end at a small scale: a child-JVM load client against the simulator. */
class SimulatorBenchCommandIT {

  @Test
  void printsTheMeasuredRowAndTheVerdict() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run(
            "bench",
            "simulator",
            "--scenario",
            "precision-1k-20ms",
            "--streams",
            "20",
            "--output-tokens",
            "10",
            "--warmup",
            "PT1S",
            "--duration",
            "PT2S");
    assertThat(run.code()).as(run.out() + run.err()).isIn(0, 3); // 3: a target missed (tiny scale)
    Matcher row =
        Pattern.compile("precision-1k-20ms\\s+(\\d+)\\s+20\\.0\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)")
            .matcher(run.out());
    assertThat(row.find()).as(run.out()).isTrue();
    assertThat(Integer.parseInt(row.group(1))).isEqualTo(20);
    // 20 streams at one token per 20 ms offer 1,000 tokens/s; the client received most of that
    assertThat(Integer.parseInt(row.group(2))).isEqualTo(1000);
    assertThat(Integer.parseInt(row.group(3))).isBetween(500, 1100);
    assertThat(run.out())
        .contains("target chunk emission within 1 ms (p99) of intended at 20 streams, ITL 20 ms:");
    assertThat(run.out()).doesNotContain("zero-delay-10k");
  }

  @Test
  void unknownScenarioIsNamed() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run("bench", "simulator", "--scenario", "warp-speed");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--scenario: warp-speed (expected one of: zero-delay-10k");
  }
}
