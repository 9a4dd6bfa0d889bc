package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** At most N sequences decode at once; the rest queue, so load raises time to first token. */
class BatchModelTest {

  static final SseClient client = new SseClient();

  static SimulatorConfig config(int maxRunning) {
    // each request holds its slot for TTFT 100 ms + 9 more tokens of 20 ms = 280 ms
    return SimulatorConfig.builder()
        .ttftBase(Duration.ofMillis(100))
        .ttftPerPromptToken(Duration.ZERO)
        .itl(Duration.ofMillis(20))
        .outputLengths(OutputLengths.fixed(10))
        .maxRunningSequences(maxRunning)
        .build();
  }

  /** Client-measured TTFT of six simultaneous requests, in ms, sorted. */
  static List<Long> ttftsOfSixAtOnce(Simulator sim, boolean checkQueue) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<SseClient.Response>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String id = "b" + i;
        futures.add(
            pool.submit(
                () ->
                    client.post(
                        sim.baseUrl() + "/v1/chat/completions",
                        SseClient.chat("x", "\"stream\":true"),
                        "X-Request-Id",
                        id)));
      }
      if (checkQueue) {
        Thread.sleep(150);
        SimulatorStats stats = sim.stats();
        assertThat(stats.runningSequences()).isEqualTo(2);
        assertThat(stats.waitingRequests()).isEqualTo(4);
      }
      List<Long> ttfts = new ArrayList<>();
      for (Future<SseClient.Response> f : futures) {
        SseClient.Response r = f.get();
        assertThat(r.tokenEvents()).hasSize(10);
        ttfts.add((r.tokenEvents().get(0).arrivedNanos() - r.sent()) / 1_000_000);
      }
      ttfts.sort(null);
      return ttfts;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requestsBeyondTheBatchWaitAndTheirTtftGrows() throws Exception {
    try (Simulator sim = Simulator.start(config(2))) {
      List<Long> ttfts = ttftsOfSixAtOnce(sim, true);
      // two admitted at once, two after one slot time (280 ms), two after two; the requests
      // leave the client a few ms apart, so the bounds allow for that skew
      assertThat(ttfts.get(0)).isBetween(95L, 250L);
      assertThat(ttfts.get(1)).isBetween(95L, 250L);
      assertThat(ttfts.get(2)).isBetween(350L, 560L);
      assertThat(ttfts.get(3)).isBetween(350L, 560L);
      assertThat(ttfts.get(4)).isBetween(630L, 860L);
      assertThat(ttfts.get(5)).isBetween(630L, 860L);

      List<Long> queued = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        RequestTruth truth = sim.groundTruth().await("b" + i, Duration.ofSeconds(5)).orElseThrow();
        queued.add((truth.admittedNanos() - truth.receivedNanos()) / 1_000_000);
        // TTFT counts from admission: queueing comes before it
        assertThat(truth.tokenEvents().get(0).intendedNanos() - truth.admittedNanos())
            .isEqualTo(Duration.ofMillis(100).toNanos());
      }
      queued.sort(null);
      assertThat(queued.get(1)).isLessThan(100L);
      assertThat(queued.get(2)).isGreaterThanOrEqualTo(250L);
      assertThat(queued.get(4)).isGreaterThanOrEqualTo(530L);
    }
  }

  @Test
  void withRoomInTheBatchNobodyWaits() throws Exception {
    try (Simulator sim = Simulator.start(config(64))) {
      List<Long> ttfts = ttftsOfSixAtOnce(sim, false);
      for (int i = 0; i < 6; i++) {
        RequestTruth truth = sim.groundTruth().await("b" + i, Duration.ofSeconds(5)).orElseThrow();
        assertThat(truth.admittedNanos() - truth.receivedNanos())
            .isLessThan(Duration.ofMillis(20).toNanos());
      }
      // well under the 630 ms the last two waited with a batch of two
      assertThat(ttfts.get(5)).isBetween(95L, 500L);
    }
  }
}
