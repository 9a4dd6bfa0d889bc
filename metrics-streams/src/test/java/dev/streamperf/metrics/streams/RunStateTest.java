package dev.streamperf.metrics.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.SampleRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStateTest {

  private static final long WALL = 1_700_000_100_000L;
  private static final long IDLE = 1_000;
  private static final long STALE = 4_000;

  private static Sources.Progress active(long watermarkUs) {
    return new Sources.Progress(watermarkUs, false, WALL);
  }

  @Test
  void theWatermarkIsTheSlowestActivePartition() {
    List<Sources.Progress> s =
        List.of(active(5_000_000), active(3_000_000), new Sources.Progress(1_000_000, true, WALL));
    assertThat(Sources.watermark(s, WALL, IDLE, STALE)).isEqualTo(3_000_000);
    assertThat(Sources.allIdle(s, WALL, STALE)).isFalse();
  }

  @Test
  void aPartitionThatHasFlushedNothingYetHoldsEveryWindow() {
    List<Sources.Progress> s = List.of(active(5_000_000), active(Long.MIN_VALUE));
    assertThat(Sources.watermark(s, WALL, IDLE, STALE)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aPartitionNotHeardFromLatelyHoldsEveryWindowUntilItReportsAgain() {
    // e.g. restored from the changelog after a restart, before its task reports
    List<Sources.Progress> s =
        List.of(active(5_000_000), new Sources.Progress(9_000_000, true, WALL - STALE));
    assertThat(Sources.watermark(s, WALL, IDLE, STALE)).isEqualTo(Long.MIN_VALUE);
    assertThat(Sources.allIdle(s, WALL, STALE)).isFalse();
  }

  @Test
  void whenEveryPartitionIsIdleTheWallClockMovesTheWatermark() {
    List<Sources.Progress> s =
        List.of(
            new Sources.Progress(5_000_000, true, WALL),
            new Sources.Progress(3_000_000, true, WALL));
    assertThat(Sources.watermark(s, WALL, IDLE, STALE)).isEqualTo((WALL - IDLE) * 1_000L);
    assertThat(Sources.allIdle(s, WALL, STALE)).isTrue();
    long ahead = (WALL + 60_000) * 1_000L; // a clock ahead of ours
    assertThat(
            Sources.watermark(List.of(new Sources.Progress(ahead, true, WALL)), WALL, IDLE, STALE))
        .isEqualTo(ahead);
    assertThat(Sources.watermark(List.of(), WALL, IDLE, STALE)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void roundTripsThroughItsChangelogForm() {
    RunState s = new RunState("run-1");
    s.announce(SampleRecords.runEvent(), WALL);
    s.addScope(new Scope("run-1", "m", "http://e"));
    s.counted(3, 2, 1, 77, WALL);
    s.late(4);
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
    assertThat(back.closedThroughUs()).isEqualTo(10_000_000);
    assertThat(back.finished()).isTrue();
    assertThat(back.message()).isEqualTo("all 3 results in");
    assertThat(back.scopes()).containsExactly(new Scope("run-1", "m", "http://e"));
  }
}
