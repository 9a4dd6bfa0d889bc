package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.schemas.clock.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TruthComparisonTest {

  private static final long EPOCH_US = 1_700_000_000_000_000L;

  /** The worker's clock: nanoTime 0 is EPOCH_US, as the simulator's log reads it. */
  private final ManualClock clock = new ManualClock(EPOCH_US);

  @TempDir Path dir;

  /** One simulator line: received at {@code receivedUs}, tokens flushed at {@code actualUs}. */
  private static String line(String id, long receivedUs, long lateUs, long... actualUs) {
    StringBuilder events =
        new StringBuilder(
            "{\"kind\":\"role\",\"tokens\":0,\"intendedUs\":%d,\"actualUs\":%d}"
                .formatted(EPOCH_US + receivedUs, EPOCH_US + receivedUs));
    for (long actual : actualUs) {
      events.append(
          ",{\"kind\":\"content\",\"tokens\":1,\"intendedUs\":%d,\"actualUs\":%d}"
              .formatted(EPOCH_US + actual - lateUs, EPOCH_US + actual));
    }
    return ("{\"requestId\":\"%s\",\"responseId\":\"chatcmpl-1\",\"stream\":true,\"fault\":null,"
            + "\"receivedUs\":%d,\"headersUs\":null,\"events\":[%s]}")
        .formatted(id, EPOCH_US + receivedUs, events);
  }

  @Test
  void measuresTtftAndGapErrorsFromTheLogAndCountsWhatDoesNotPairUp() throws IOException {
    Path log = dir.resolve("truth.jsonl");
    Files.write(
        log,
        List.of(
            // true TTFT 15.0 ms, gaps 20.0 and 20.0 ms, each token flushed 0.1 ms late
            line("r-1", 100, 100, 15_100, 35_100, 55_100),
            // three tokens flushed, the worker read two
            line("r-2", 100, 0, 15_100, 35_100, 55_100),
            // not in the window: ignored
            line("r-3", 100, 0, 15_100)));
    Map<String, long[]> measured = new HashMap<>();
    // sent at 50 us; read at 15.6, 35.7 and 55.6 ms: TTFT 15.55 ms, gaps 20.1 and 19.9 ms
    measured.put("r-1", new long[] {50_000, 15_600_000, 35_700_000, 55_600_000});
    measured.put("r-2", new long[] {50_000, 15_600_000, 35_700_000});
    measured.put("r-4", new long[] {50_000, 15_600_000});

    TruthComparison c = TruthComparison.compare(log, measured, clock);

    assertThat(c.ttftError.getTotalCount()).isEqualTo(1);
    assertThat(c.ttftError.getMaxValue() / 1e6).isCloseTo(0.55, within(0.001));
    assertThat(c.gapError.getTotalCount()).isEqualTo(2);
    assertThat(c.gapError.getMinValue() / 1e6).isCloseTo(0.1, within(0.001));
    assertThat(c.gapError.getMaxValue() / 1e6).isCloseTo(0.1, within(0.001));
    // worker read minus simulator flush on the two epoch clocks: 0.5, 0.6 and 0.5 ms
    assertThat(c.delivery.getTotalCount()).isEqualTo(3);
    assertThat(c.delivery.getMaxValue() / 1e6).isCloseTo(0.6, within(0.001));
    assertThat(c.lateness.getMaxValue() / 1e6).isCloseTo(0.1, within(0.001));
    // r-2's token counts differ, r-4 has no line
    assertThat(c.mismatched).isEqualTo(2);
    assertThat(measured).containsOnlyKeys("r-4");
  }

  @Test
  void aMalformedLineIsNamedByFileAndLine() throws IOException {
    Path log = dir.resolve("truth.jsonl");
    Files.write(log, List.of(line("r-1", 100, 0, 15_100), "{\"requestId\":\"r-2\",\"events\":5}"));
    Map<String, long[]> measured = new HashMap<>();
    measured.put("r-1", new long[] {50_000, 15_600_000});

    assertThatThrownBy(() -> TruthComparison.compare(log, measured, clock))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(log + ", line 2")
        .hasRootCauseMessage("events: expected an array, found VALUE_NUMBER_INT");
  }
}
