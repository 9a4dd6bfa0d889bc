package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The soak's verdict arithmetic: what "flat" is computed from. */
class SoakBenchCommandTest {

  private static List<SoakBenchCommand.Sample> anonymous(double mbPerMinute, double noiseMb) {
    Random random = new Random(7);
    List<SoakBenchCommand.Sample> samples = new ArrayList<>();
    for (int i = 0; i <= 36; i++) {
      double minutes = 12 + i * 0.5;
      double anon = 500 + mbPerMinute * minutes + noiseMb * random.nextGaussian();
      samples.add(
          new SoakBenchCommand.Sample(
              minutes,
              0,
              anon,
              anon,
              0,
              0,
              0,
              new SoakBenchCommand.NativeParts(0, 0, 0),
              ResidentParts.NONE));
    }
    return samples;
  }

  @Test
  void aSteadyGrowthIsItsSlopeWithNoError() {
    List<SoakBenchCommand.Sample> samples = anonymous(0.25, 0);
    assertThat(SoakBenchCommand.slope(samples, SoakBenchCommand.Sample::anonMb))
        .isCloseTo(0.25, within(1e-9));
    assertThat(SoakBenchCommand.slopeError(samples, SoakBenchCommand.Sample::anonMb))
        .isCloseTo(0, within(1e-9));
  }

  @Test
  void noiseShowsAsTheSlopesStandardError() {
    List<SoakBenchCommand.Sample> samples = anonymous(0, 6);
    double error = SoakBenchCommand.slopeError(samples, SoakBenchCommand.Sample::anonMb);
    // 6 MB of noise over 37 samples in 18 minutes: sigma / sqrt(sum of squared time offsets)
    assertThat(error).isBetween(0.12, 0.28);
    assertThat(Math.abs(SoakBenchCommand.slope(samples, SoakBenchCommand.Sample::anonMb)))
        .isLessThan(3 * error);
  }

  @Test
  void eachFigureKeepsTheLowestReadingOfTheInterval() throws InterruptedException {
    double[][] readings = {{700, 650}, {690, 660}, {720, 640}, {695, 655}, {705, 645}};
    int[] next = {0};
    Map<String, Double> floor =
        SoakBenchCommand.waitRecordingFloor(
            40,
            10,
            () -> {
              double[] r = readings[Math.min(next[0]++, readings.length - 1)];
              return Map.of("VmRSS", r[0], "RssAnon", r[1]);
            });
    // on a busy machine a 10 ms sleep takes longer: compare with the readings actually taken
    int taken = Math.min(next[0], readings.length);
    assertThat(taken).as("read at the start and again before 40 ms are up").isGreaterThan(1);
    double[] lowest = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int i = 0; i < taken; i++) {
      lowest[0] = Math.min(lowest[0], readings[i][0]);
      lowest[1] = Math.min(lowest[1], readings[i][1]);
    }
    // the second reading is lower in one figure, the first in the other: neither the first nor the
    // last reading alone is the floor
    assertThat(floor).containsEntry("VmRSS", lowest[0]).containsEntry("RssAnon", lowest[1]);
  }

  @Test
  void theProcessRssIsReadFromProc() {
    assertThat(SoakBenchCommand.residentMb())
        .containsKeys("VmRSS", "RssAnon", "RssFile")
        .allSatisfy((field, mb) -> assertThat(mb).isPositive());
  }

  @Test
  void withTheJvmsRangesTheAnonymousRssIsAlsoReadByMapping() {
    assertThat(SoakBenchCommand.residentMb(ResidentParts.Ranges.ofThisJvm()))
        .containsKeys("VmRSS", "RssAnon", "RssFile", "heap", "code cache", "rest")
        .allSatisfy((field, mb) -> assertThat(mb).isPositive());
    assertThat(SoakBenchCommand.residentMb(java.util.Optional.empty()))
        .containsOnlyKeys("VmRSS", "RssAnon", "RssFile");
  }
}
