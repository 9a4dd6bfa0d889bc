package dev.streamperf.producer.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PhasePlanTest {

  static final long S = 1_000_000_000L;

  @Test
  void warmupByCountThenAnExactRequestCountCuttingTheLastSession() {
    PhasePlan plan = new PhasePlan(new WarmupSpec(5L, null), new StopSpec(10L, null, null));
    int[] turns = {3, 3, 3, 3, 3, 3};
    StringBuilder got = new StringBuilder();
    long warmup = 0;
    long profiling = 0;
    for (int t : turns) {
      PhasePlan.Decision d = plan.decide(0, t);
      if (d == null) {
        got.append("stop");
        break;
      }
      got.append(d.phase() == Phase.WARMUP ? "W" : "P").append(d.turns()).append(' ');
      if (d.phase() == Phase.WARMUP) {
        warmup += d.turns();
      } else {
        profiling += d.turns();
      }
    }
    assertThat(got.toString()).isEqualTo("W3 W2 P3 P3 P3 P1 ");
    assertThat(warmup).isEqualTo(5);
    assertThat(profiling).isEqualTo(10);
    assertThat(plan.done()).isTrue();
    assertThat(plan.decide(0, 1)).isNull();
  }

  @Test
  void warmupByTimeThenADurationCountedFromTheEndOfWarmup() {
    PhasePlan plan =
        new PhasePlan(
            new WarmupSpec(null, Duration.ofSeconds(2)),
            new StopSpec(null, null, Duration.ofSeconds(3)));
    assertThat(plan.decide(0, 1).phase()).isEqualTo(Phase.WARMUP);
    assertThat(plan.decide(2 * S - 1, 1).phase()).isEqualTo(Phase.WARMUP);
    assertThat(plan.decide(2 * S, 1).phase()).isEqualTo(Phase.PROFILING);
    assertThat(plan.endNanos()).isEqualTo(5 * S);
    assertThat(plan.decide(5 * S - 1, 1).phase()).isEqualTo(Phase.PROFILING);
    assertThat(plan.decide(5 * S, 1)).isNull();
  }

  @Test
  void durationWithoutWarmupCountsFromTheFirstSession() {
    PhasePlan plan =
        new PhasePlan(WarmupSpec.none(), new StopSpec(null, null, Duration.ofSeconds(1)));
    assertThat(plan.decide(S / 2, 1)).isNotNull();
    assertThat(plan.endNanos()).isEqualTo(S + S / 2);
    assertThat(plan.decide(S + S / 2, 1)).isNull();
  }

  @Test
  void sessionCount() {
    PhasePlan plan = new PhasePlan(WarmupSpec.none(), new StopSpec(null, 2L, null));
    assertThat(plan.decide(0, 4).turns()).isEqualTo(4);
    assertThat(plan.decide(0, 4).turns()).isEqualTo(4);
    assertThat(plan.decide(0, 4)).isNull();
  }
}
