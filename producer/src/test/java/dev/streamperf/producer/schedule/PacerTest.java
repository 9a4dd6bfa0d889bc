package dev.streamperf.producer.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.schemas.clock.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The schedules driven by a clock that moves only when the test says so. */
class PacerTest {

  static final long MS = 1_000_000L;

  final ManualClock clock = new ManualClock(1_700_000_000_000_000L);

  long elapsed() {
    return clock.nanoTime();
  }

  @Test
  void openLoopPublishesEachArrivalItsLeadAheadAndNotBefore() {
    // 10/s constant: arrivals at 0, 100, 200 ms...; lead 30 ms.
    Pacer pacer =
        Pacer.openLoop(
            new RateArrivals(ArrivalPattern.CONSTANT, 10, 1, null, new SplittableRandom(1)),
            null,
            30 * MS);
    clock.advance(0, TimeUnit.MILLISECONDS);
    List<Long> published = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    for (int ms = 0; ms <= 1000; ms++) {
      Pacer.Slot slot;
      while ((slot = pacer.peek(elapsed())) != null) {
        pacer.take();
        published.add(slot.intendedNanos());
        at.add(elapsed());
      }
      clock.advance(1, TimeUnit.MILLISECONDS);
    }
    // arrival k (intended k*100 ms) goes at max(0, k*100 - 30) ms: 0, 70, 170, ..., 970 -> 11 of
    // them
    assertThat(published).hasSize(11);
    for (int k = 0; k < published.size(); k++) {
      assertThat(published.get(k)).isEqualTo(k * 100 * MS);
      assertThat(at.get(k)).isEqualTo(Math.max(0, k * 100 - 30) * MS);
    }
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(1070 * MS);
  }

  @Test
  void aConcurrencyCapHoldsArrivalsBackKeepsTheirTimesAndNeverCatchesUpEarly() {
    // 100/s constant with cap 2 and no lead: arrivals every 10 ms, completions only when we say.
    Pacer pacer =
        Pacer.openLoop(
            new RateArrivals(ArrivalPattern.CONSTANT, 100, 1, null, new SplittableRandom(1)),
            new ConcurrencyRamp(2, null),
            0);
    assertThat(pacer.peek(0)).isNotNull();
    pacer.take(); // t=0
    clock.advance(10, TimeUnit.MILLISECONDS);
    assertThat(pacer.peek(elapsed()).intendedNanos()).isEqualTo(10 * MS);
    pacer.take(); // t=10
    clock.advance(25, TimeUnit.MILLISECONDS); // t=35: arrivals at 20 and 30 are due but capped
    assertThat(pacer.peek(elapsed())).isNull();
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(Long.MAX_VALUE); // only a credit can help
    pacer.credit(0);
    Pacer.Slot late = pacer.peek(elapsed());
    assertThat(late.intendedNanos()).as("keeps its intended time").isEqualTo(20 * MS);
    pacer.take();
    assertThat(pacer.peek(elapsed())).as("still capped").isNull();
    pacer.credit(0);
    assertThat(pacer.peek(elapsed()).intendedNanos()).isEqualTo(30 * MS);
    pacer.take();
    assertThat(pacer.outstanding()).isEqualTo(2);
    pacer.credit(0);
    pacer.credit(0);
    assertThat(pacer.peek(elapsed())).as("the 40 ms arrival is not due at 35 ms").isNull();
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(40 * MS);
  }

  @Test
  void closedLoopKeepsExactlyNOutstandingAndHandsOnEachCredit() {
    Pacer pacer = Pacer.closedLoop(new ConcurrencyRamp(3, null));
    List<Pacer.Slot> initial = drain(pacer);
    assertThat(initial)
        .hasSize(3)
        .allMatch(s -> s.creditReleasedUs() == null && s.intendedNanos() == Pacer.Slot.NONE);
    assertThat(pacer.outstanding()).isEqualTo(3);
    pacer.credit(111);
    pacer.credit(222);
    List<Pacer.Slot> refill = drain(pacer);
    assertThat(refill).extracting(Pacer.Slot::creditReleasedUs).containsExactly(111L, 222L);
    assertThat(pacer.outstanding()).isEqualTo(3);
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aConcurrencyRampAddsOneSessionPerStep() {
    // 1 -> 5 over 400 ms: limit k from (k-1)*100 ms.
    Pacer pacer = Pacer.closedLoop(new ConcurrencyRamp(5, Duration.ofMillis(400)));
    assertThat(drain(pacer)).hasSize(1);
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(100 * MS);
    clock.advance(99, TimeUnit.MILLISECONDS);
    assertThat(drain(pacer)).isEmpty();
    clock.advance(1, TimeUnit.MILLISECONDS);
    assertThat(drain(pacer)).hasSize(1);
    clock.advance(250, TimeUnit.MILLISECONDS);
    assertThat(drain(pacer)).hasSize(2);
    clock.advance(1, TimeUnit.SECONDS);
    assertThat(drain(pacer)).hasSize(1);
    assertThat(pacer.outstanding()).isEqualTo(5);
    assertThat(pacer.wakeAt(elapsed())).isEqualTo(Long.MAX_VALUE);
  }

  private List<Pacer.Slot> drain(Pacer pacer) {
    List<Pacer.Slot> out = new ArrayList<>();
    Pacer.Slot slot;
    while ((slot = pacer.peek(elapsed())) != null) {
      pacer.take();
      out.add(slot);
    }
    return out;
  }
}
