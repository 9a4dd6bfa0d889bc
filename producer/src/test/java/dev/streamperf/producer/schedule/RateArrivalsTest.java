package dev.streamperf.producer.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.producer.bench.KolmogorovSmirnov;
import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.spec.ArrivalPattern;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RateArrivalsTest {

  @Test
  void poissonGapsPassAKolmogorovSmirnovTestOfTheExponential() {
    double rate = 250;
    for (long seed : new long[] {1, 2, 3}) {
      RateArrivals arrivals =
          new RateArrivals(
              ArrivalPattern.POISSON, rate, 1, null, new Seeds(seed).random(Seeds.Stream.ARRIVALS));
      double[] gaps = gaps(arrivals, 10_000);
      KolmogorovSmirnov.Result ks =
          KolmogorovSmirnov.test(gaps, KolmogorovSmirnov.exponential(rate));
      assertThat(ks.passes(0.01))
          .as("seed %d: D=%f p=%f", seed, ks.statistic(), ks.pValue())
          .isTrue();
    }
  }

  @Test
  void theTestWouldCatchConstantOrGammaGaps() {
    double rate = 250;
    double[] constant =
        gaps(
            new RateArrivals(ArrivalPattern.CONSTANT, rate, 1, null, new SplittableRandom(1)),
            10_000);
    assertThat(KolmogorovSmirnov.test(constant, KolmogorovSmirnov.exponential(rate)).passes(0.01))
        .isFalse();
    double[] smooth =
        gaps(
            new RateArrivals(ArrivalPattern.GAMMA, rate, 4, null, new SplittableRandom(1)), 10_000);
    assertThat(KolmogorovSmirnov.test(smooth, KolmogorovSmirnov.exponential(rate)).passes(0.01))
        .isFalse();
  }

  @Test
  void constantGapsAreExactAndStartAtZero() {
    RateArrivals arrivals =
        new RateArrivals(ArrivalPattern.CONSTANT, 8, 1, null, new SplittableRandom(1));
    for (int i = 0; i < 100; i++) {
      assertThat(arrivals.next()).isEqualTo(i * 125_000_000L);
    }
  }

  @Test
  void gammaGapsHaveTheRateAndTheSmoothnessOfTheirShape() {
    for (double shape : new double[] {0.5, 1, 4}) {
      double[] gaps =
          gaps(
              new RateArrivals(ArrivalPattern.GAMMA, 100, shape, null, new SplittableRandom(7)),
              40_000);
      double mean = 0;
      for (double g : gaps) {
        mean += g;
      }
      mean /= gaps.length;
      double var = 0;
      for (double g : gaps) {
        var += (g - mean) * (g - mean);
      }
      double cv2 = var / gaps.length / (mean * mean);
      assertThat(mean).as("mean gap, shape %s", shape).isCloseTo(0.01, within(0.0003));
      // squared coefficient of variation of a gamma gap is 1/shape
      assertThat(cv2)
          .as("CV², shape %s", shape)
          .isCloseTo(1 / shape, within(0.06 / Math.sqrt(shape)));
    }
  }

  @Test
  void aLinearRampDeliversTheIntegralOfTheRate() {
    // rate ramps 0 -> 1000/s over 10 s: 5000 arrivals in the ramp, then 1000/s.
    RateArrivals arrivals =
        new RateArrivals(
            ArrivalPattern.CONSTANT, 1000, 1, Duration.ofSeconds(10), new SplittableRandom(1));
    int inRamp = 0;
    int inFirstSecond = 0;
    int inNextSecondAfterRamp = 0;
    while (true) {
      long t = arrivals.next();
      if (t < 1_000_000_000L) {
        inFirstSecond++;
      }
      if (t < 10_000_000_000L) {
        inRamp++;
      } else if (t < 11_000_000_000L) {
        inNextSecondAfterRamp++;
      } else {
        break;
      }
    }
    assertThat(inRamp).isEqualTo(5000);
    assertThat(inFirstSecond).isEqualTo(50); // ∫0..1 100 t dt = 50
    assertThat(inNextSecondAfterRamp).isEqualTo(1000);
  }

  @Test
  void theScheduleIsAPureFunctionOfTheSeed() {
    RateArrivals a =
        new RateArrivals(
            ArrivalPattern.POISSON, 10, 1, null, new Seeds(5).random(Seeds.Stream.ARRIVALS));
    RateArrivals b =
        new RateArrivals(
            ArrivalPattern.POISSON, 10, 1, null, new Seeds(5).random(Seeds.Stream.ARRIVALS));
    for (int i = 0; i < 1000; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  static double[] gaps(Arrivals arrivals, int n) {
    double[] gaps = new double[n];
    long previous = arrivals.next();
    for (int i = 0; i < n; i++) {
      long next = arrivals.next();
      gaps[i] = (next - previous) / 1e9;
      previous = next;
    }
    return gaps;
  }
}
