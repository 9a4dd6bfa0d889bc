package dev.streamperf.metrics;

import static dev.streamperf.metrics.TestRecords.T0;
import static dev.streamperf.metrics.TestRecords.announcement;
import static dev.streamperf.metrics.TestRecords.reference;
import static dev.streamperf.metrics.TestRecords.score;
import static dev.streamperf.metrics.TestRecords.success;
import static dev.streamperf.metrics.TestRecords.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.MetricScope;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.WindowedMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Windows closing with grace, late records, and how runs finish. */
class RunLifecycleTest {

  private static DriverHarness harness(long wallAfterT0Ms) {
    return new DriverHarness(
        Instant.ofEpochMilli(T0 / 1_000 + wallAfterT0Ms),
        b ->
            b.window(Duration.ofSeconds(10))
                .grace(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(1))
                .completionGrace(Duration.ofSeconds(30)));
  }

  private static List<WindowedMetric> closedWindows(DriverHarness h, String metric) {
    return h.metrics.readValuesToList().stream()
        .filter(m -> m.getScope() == MetricScope.WINDOW && m.getMetric().equals(metric))
        .toList();
  }

  @Test
  void aWindowClosesAfterItsGraceAndALateRecordCountsInTheRunTotalsOnly() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger merger =
        (Logger) LoggerFactory.getLogger("dev.streamperf.metrics.streams.MergeProcessor");
    merger.addAppender(logs);
    try (DriverHarness h = harness(1_000)) {
      h.announce(announcement("run-late", RunStatus.STARTED, 0, 0));
      RequestResult r = success("run-late", "a", 500_000, 20, 30, 100, 5, 10).build();
      h.pipe(tokens(r, 20, 30, 100));
      h.pipe(r);

      h.advance(Duration.ofSeconds(2)); // wall T0+3s: idle, but the window ends at T0+10s
      assertThat(closedWindows(h, "inter_chunk_latency")).isEmpty();

      h.advance(Duration.ofMillis(9_500)); // wall T0+12.5s: watermark T0+11.5s < end + grace
      assertThat(closedWindows(h, "inter_chunk_latency")).isEmpty();

      h.advance(Duration.ofSeconds(1)); // wall T0+13.5s: watermark T0+12.5s >= end + grace
      List<WindowedMetric> closed = closedWindows(h, "inter_chunk_latency");
      assertThat(closed).hasSize(1);
      assertThat(closed.get(0).getClosed()).isTrue();
      assertThat(closed.get(0).getCount()).isEqualTo(2);

      // a chunk of the closed window arrives now: late
      TokenEvent late = tokens(r, 20, 30, 100, 130).get(3);
      h.pipe(List.of(late));
      RunSummary s = h.view().summary("run-late").orElseThrow();
      assertThat(s.counts().lateRecords()).isEqualTo(1);
      assertThat(s.metric(Metric.INTER_CHUNK_LATENCY).orElseThrow().stats().count())
          .as("late records stay in the run totals")
          .isEqualTo(3);
      assertThat(
              logs.list.stream()
                  .map(ILoggingEvent::getFormattedMessage)
                  .filter(m -> m.contains("counted as late")))
          .singleElement()
          .asString()
          .contains("streamperf.token-events-0 offsets 3..3")
          .contains("window [" + T0 + ", " + (T0 + 10_000_000) + ")");
      assertThat(
              h.driver.metrics().entrySet().stream()
                  .filter(e -> e.getKey().name().equals("late-records-total"))
                  .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                  .sum())
          .isEqualTo(1.0);
    } finally {
      merger.detachAppender(logs);
    }
  }

  @Test
  void aRunWithMissingResultsFinishesWhenTheCompletionGraceExpiresAndNamesThem() {
    try (DriverHarness h = harness(1_000)) {
      h.announce(announcement("run-missing", RunStatus.STARTED, 0, 0));
      h.pipe(success("run-missing", "a", 0, 20, 30, 100, 5, 10).build());
      h.pipe(success("run-missing", "b", 100_000, 20, 30, 100, 5, 10).build());
      h.announce(announcement("run-missing", RunStatus.PRODUCED, 3, 0));

      h.advance(Duration.ofSeconds(20));
      assertThat(h.runEvents.isEmpty()).as("still waiting for the third result").isTrue();
      RunSummary waiting = h.view().summary("run-missing").orElseThrow();
      assertThat(waiting.run().finished()).isFalse();
      assertThat(waiting.counts().pending()).isEqualTo(1);

      h.advance(Duration.ofSeconds(11));
      List<RunEvent> events = h.runEvents.readValuesToList();
      assertThat(events).hasSize(1);
      String message = "1 of 3 results missing when the completion grace of PT30S expired";
      assertThat(events.get(0).getStatus()).isEqualTo(RunStatus.FINISHED);
      assertThat(events.get(0).getMessage()).isEqualTo(message);
      RunSummary s = h.view().summary("run-missing").orElseThrow();
      assertThat(s.run().status()).isEqualTo("FINISHED");
      assertThat(s.run().message()).isEqualTo(message);
      assertThat(s.counts().reconciliation())
          .isEqualTo("requests produced 3 = results 2 + pending 1");
      assertThat(s.counts().reconciled()).isTrue();
    }
  }

  @Test
  void aRunWaitsForTheScoresOfItsScorableResults() {
    try (DriverHarness h = harness(1_000)) {
      RequestResult a =
          success("run-scored", "a", 0, 20, 30, 100, 5, 10)
              .setReference(reference("multiple_choice", null))
              .build();
      h.pipe(a);
      h.announce(announcement("run-scored", RunStatus.PRODUCED, 1, 0));
      h.advance(Duration.ofSeconds(5));
      assertThat(h.runEvents.isEmpty()).as("the score is still missing").isTrue();

      h.pipe(score(a, "multiple_choice", 1.0, null, Map.of()));
      h.advance(Duration.ofSeconds(2));
      RunEvent finished = h.runEvents.readValue();
      assertThat(finished.getMessage()).isEqualTo("all 1 results in and 1 of 1 scores");
      assertThat(h.view().summary("run-scored").orElseThrow().accuracy()).hasSize(1);
    }
  }

  @Test
  void anAbortedRunFinishesWithTheProducersReasonAndPublishesNothing() {
    try (DriverHarness h = harness(1_000)) {
      h.pipe(success("run-aborted", "a", 0, 20, 30, 100, 5, 10).build());
      RunEvent aborted =
          RunEvent.newBuilder(announcement("run-aborted", RunStatus.ABORTED, 10, 0))
              .setMessage("interrupted (Ctrl-C)")
              .build();
      h.announce(aborted);
      h.advance(Duration.ofSeconds(1));
      assertThat(h.runEvents.isEmpty()).isTrue();
      RunSummary s = h.view().summary("run-aborted").orElseThrow();
      assertThat(s.run().status()).isEqualTo("ABORTED");
      assertThat(s.run().finished()).isTrue();
      assertThat(s.run().message()).isEqualTo("aborted by the producer: interrupted (Ctrl-C)");
      assertThat(s.counts().pending()).isEqualTo(9);
    }
  }

  @Test
  void recordsAfterTheRunFinishedAreCountedAndKeptInTheTotals() {
    try (DriverHarness h = harness(1_000)) {
      RequestResult a = success("run-after", "a", 0, 20, 30, 100, 5, 10).build();
      h.pipe(a);
      h.announce(announcement("run-after", RunStatus.PRODUCED, 1, 0));
      h.advance(Duration.ofSeconds(2));
      assertThat(h.runEvents.readValue().getStatus()).isEqualTo(RunStatus.FINISHED);

      h.pipe(tokens(a, 20, 30));
      h.advance(Duration.ofSeconds(1));
      var state = h.view().state("run-after").orElseThrow();
      assertThat(state.recordsAfterFinish()).isEqualTo(2);
      assertThat(h.runEvents.isEmpty()).as("finished once").isTrue();
    }
  }
}
