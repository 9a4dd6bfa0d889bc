package dev.streamperf.metrics.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.SampleRecords;
import org.junit.jupiter.api.Test;

class RunStateTest {

  private static final long WALL = 1_700_000_100_000L;
  private static final long IDLE = 1_000;
  private static final long STALE = 4_000;

  @Test
  void theWatermarkIsTheSlowestActivePartition() {
    RunState s = new RunState("r");
    s.heard(0, 5_000_000, false, WALL);
    s.heard(1, 3_000_000, false, WALL);
    s.heard(2, 1_000_000, true, WALL); // idle: holds nothing of the run
    assertThat(s.effectiveWatermark(WALL, IDLE, STALE)).isEqualTo(3_000_000);
    assertThat(s.allIdle(WALL, STALE)).isFalse();
  }

  @Test
  void aSilentPartitionStopsHoldingWindowsOpen() {
    RunState s = new RunState("r");
    s.heard(0, 5_000_000, false, WALL);
    s.heard(1, 3_000_000, false, WALL - STALE); // its instance died
    assertThat(s.effectiveWatermark(WALL, IDLE, STALE)).isEqualTo(5_000_000);
  }

  @Test
  void whenEveryPartitionIsIdleTheWallClockMovesTheWatermark() {
    RunState s = new RunState("r");
    s.heard(0, 5_000_000, true, WALL);
    s.heard(1, 3_000_000, true, WALL);
    assertThat(s.effectiveWatermark(WALL, IDLE, STALE)).isEqualTo((WALL - IDLE) * 1_000L);
    assertThat(s.allIdle(WALL, STALE)).isTrue();
    RunState future = new RunState("f");
    future.heard(0, (WALL + 60_000) * 1_000L, true, WALL); // a clock ahead of ours
    assertThat(future.effectiveWatermark(WALL, IDLE, STALE)).isEqualTo((WALL + 60_000) * 1_000L);
    assertThat(new RunState("n").effectiveWatermark(WALL, IDLE, STALE)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void roundTripsThroughItsChangelogForm() {
    RunState s = new RunState("run-1");
    s.announce(SampleRecords.runEvent(), WALL);
    s.addScope(new Scope("run-1", "m", "http://e"));
    s.counted(3, 2, 1, 77, WALL);
    s.late(4);
    s.heard(7, 99, true, WALL);
    s.closedThrough(10_000_000);
    s.finish("all 3 results in", 123, WALL);
    var serde = RunState.serde();
    RunState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    assertThat(back.runId()).isEqualTo("run-1");
    assertThat(back.announcement()).isEqualTo(s.announcement());
    assertThat(back.results()).isEqualTo(3);
    assertThat(back.scorable()).isEqualTo(2);
    assertThat(back.scores()).isEqualTo(1);
    assertThat(back.lateRecords()).isEqualTo(4);
    assertThat(back.sources()).isEqualTo(s.sources());
    assertThat(back.closedThroughUs()).isEqualTo(10_000_000);
    assertThat(back.finished()).isTrue();
    assertThat(back.message()).isEqualTo("all 3 results in");
    assertThat(back.scopes()).containsExactly(new Scope("run-1", "m", "http://e"));
  }
}
