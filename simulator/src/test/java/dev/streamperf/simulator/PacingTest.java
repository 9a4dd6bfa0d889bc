package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An event loop that sleeps between chunks wakes at each chunk's instant: never before it, and not
 * at NIO's next whole millisecond either (a select timeout rounded up makes the median about 0.5 ms
 * late; the loop's precise park makes it about 0.1 ms).
 */
class PacingTest {

  @Test
  void aSleepingLoopWritesEachChunkAtItsInstantNeverBefore() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(25)) // beyond the pacer's early timer
                .ttftPerPromptToken(Duration.ZERO)
                .itl(Duration.ofMillis(3))
                .outputLengths(OutputLengths.fixed(60))
                .ioThreads(1)
                .build())) {
      SseClient.Response r =
          new SseClient()
              .post(
                  sim.baseUrl() + "/v1/chat/completions",
                  SseClient.chat("Pace", "\"stream\":true"),
                  "X-Request-Id",
                  "pace-1");
      assertThat(r.status()).isEqualTo(200);
      RequestTruth truth = sim.groundTruth().await("pace-1", Duration.ofSeconds(5)).orElseThrow();
      List<EventTruth> tokens = truth.tokenEvents();
      assertThat(tokens).hasSize(60);
      long[] late = new long[tokens.size()];
      for (int i = 0; i < late.length; i++) {
        late[i] = tokens.get(i).actualNanos() - tokens.get(i).intendedNanos();
      }
      Arrays.sort(late);
      assertThat(late[0]).as("earliest chunk's lateness, ns").isNotNegative();
      assertThat(late[late.length / 2])
          .as("median lateness, ns (all: %s)", Arrays.toString(late))
          .isLessThan(Duration.ofMillis(1).toNanos() / 2);
    }
  }
}
