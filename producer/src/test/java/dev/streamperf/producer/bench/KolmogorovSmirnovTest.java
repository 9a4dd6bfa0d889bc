package dev.streamperf.producer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {

  @Test
  void kolmogorovDistributionAtKnownQuantiles() {
    // P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01 (tables of the Kolmogorov distribution)
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(1.3581)).isCloseTo(0.05, within(0.0005));
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(1.6276)).isCloseTo(0.01, within(0.0002));
  }

  @Test
  void statisticOfASmallSample() {
    // uniform CDF, sample {0.1, 0.5, 0.9}: D = max(1/3-0.1, 0.5-1/3, 2/3-0.5, 0.9-2/3, 1-0.9) =
    // 0.2333
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(new double[] {0.9, 0.1, 0.5}, x -> x);
    assertThat(r.statistic()).isCloseTo(0.2333, within(0.0001));
  }
}
