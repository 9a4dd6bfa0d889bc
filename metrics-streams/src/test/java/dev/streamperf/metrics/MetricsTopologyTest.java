package dev.streamperf.metrics;

import static dev.streamperf.metrics.TestRecords.ENDPOINT;
import static dev.streamperf.metrics.TestRecords.MODEL;
import static dev.streamperf.metrics.TestRecords.T0;
import static dev.streamperf.metrics.TestRecords.announcement;
import static dev.streamperf.metrics.TestRecords.failure;
import static dev.streamperf.metrics.TestRecords.reference;
import static dev.streamperf.metrics.TestRecords.score;
import static dev.streamperf.metrics.TestRecords.success;
import static dev.streamperf.metrics.TestRecords.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.summary.AccuracySummary;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.MetricScope;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.TokenCountSource;
import dev.streamperf.schemas.WindowedMetric;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Every metric of METRICS.md through the topology, against values computed by hand. */
class MetricsTopologyTest {

  private static final String RUN = "run-hand";
  private static final Instant WALL = Instant.ofEpochMilli(T0 / 1_000 + 7_000);

  private static DriverHarness harness() {
    return new DriverHarness(
        WALL,
        b ->
            b.window(Duration.ofSeconds(10))
                .grace(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(1))
                .completionGrace(Duration.ofSeconds(30))
                .goodput(GoodputSlos.parse("time_to_first_token:100 inter_token_latency:20")));
  }

  // r1: TTFT 50, TTST 10, latency 250, OSL 21 -> ITL 10, 100 tok/s/user; 2 images; delay 1 ms
  static RequestResult r1() {
    return success(RUN, "r1", 1_000, 50, 60, 250, 21, 100)
        .setIntendedSendUs(T0)
        .setImageCount(2)
        .setReference(reference("multiple_choice", "coarse perception"))
        .build();
  }

  // r2: TTFT 150, TTST 20, latency 650, OSL 26 -> ITL 20, 50 tok/s/user; delay 10 ms; credit 3 ms
  static RequestResult r2() {
    RequestResult.Builder b = success(RUN, "r2", 2_000_000, 150, 170, 650, 26, 200);
    return b.setIntendedSendUs(b.getSentUs() - 10_000)
        .setCreditReleasedUs(b.getSentUs() - 3_000)
        .setInputTokensSource(TokenCountSource.TOKENIZER)
        .setOutputTokensSource(TokenCountSource.TOKENIZER)
        .setReference(reference("hierarchical_f1", "Apparel"))
        .build();
  }

  // r5: TTFT 80, TTST 10, latency 380, OSL 31 -> ITL 10; 1 image
  static RequestResult r5() {
    return success(RUN, "r5", 5_000_000, 80, 90, 380, 31, 300)
        .setImageCount(1)
        .setReference(reference("hierarchical_f1", "Apparel"))
        .build();
  }

  static RequestResult r3() {
    return failure(RUN, "r3", 3_000_000, ErrorKind.TIMEOUT, null).build();
  }

  static RequestResult r4() {
    RequestResult.Builder b = failure(RUN, "r4", 3_500_000, ErrorKind.HTTP_STATUS, 503);
    return b.setIntendedSendUs(b.getSentUs() - 100_000).build();
  }

  static RequestResult warmup() {
    return success(RUN, "w1", 100, 999, 1999, 9999, 999, 999).setPhase(Phase.WARMUP).build();
  }

  /** The whole run: 1 warmup + 5 profiling results, a duplicate, token events and scores. */
  static void feedRun(DriverHarness h) {
    h.announce(announcement(RUN, RunStatus.STARTED, 0, 0));
    RequestResult r1 = r1();
    RequestResult r2 = r2();
    RequestResult r5 = r5();
    RequestResult w = warmup();
    h.pipe(tokens(w, 999, 1500, 9999));
    h.pipe(w);
    h.pipe(tokens(r1, 50, 60, 250));
    h.pipe(r1);
    h.pipe(tokens(r2, 150, 170, 650));
    h.pipe(r2);
    h.pipe(r3());
    h.pipe(r4());
    h.pipe(tokens(r5, 80, 90, 380));
    h.pipe(r5);
    h.pipe(RequestResult.newBuilder(r1).setAttempt(2).build()); // a re-executed attempt
    h.pipe(score(r1, "multiple_choice", 1.0, "coarse perception", Map.of()));
    h.pipe(
        score(
            r2,
            "hierarchical_f1",
            2.0 / 3,
            "Apparel",
            Map.of("intersection", 2.0, "predicted", 3.0, "true", 3.0)));
    h.pipe(
        score(
            r5,
            "hierarchical_f1",
            1.0,
            "Apparel",
            Map.of("intersection", 3.0, "predicted", 3.0, "true", 3.0)));
    h.announce(announcement(RUN, RunStatus.PRODUCED, 6, 1));
  }

  /** Values are held in fixed point (1e-6 of the display unit for rates): that is the tolerance. */
  private static void assertStats(
      RunSummary s, Metric m, long count, double avg, double min, double max, double std) {
    Statistics st = s.metric(m).orElseThrow(() -> new AssertionError("no " + m)).stats();
    double resolution = 1.0 / m.unit().scale();
    assertThat(st.count()).as(m + " count").isEqualTo(count);
    assertThat(st.avg()).as(m + " avg").isCloseTo(avg, within(tolerance(avg, resolution)));
    assertThat(st.min()).as(m + " min").isCloseTo(min, within(tolerance(min, resolution)));
    assertThat(st.max()).as(m + " max").isCloseTo(max, within(tolerance(max, resolution)));
    assertThat(st.std()).as(m + " std").isCloseTo(std, within(tolerance(std, resolution)));
    assertThat(st.sum())
        .as(m + " sum")
        .isCloseTo(avg * count, within(count * tolerance(avg, resolution)));
  }

  private static double tolerance(double expected, double resolution) {
    return Math.max(1e-9 * Math.abs(expected), resolution);
  }

  private static double std(double... v) {
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double m2 = 0;
    for (double x : v) {
      m2 += (x - mean) * (x - mean);
    }
    return Math.sqrt(m2 / v.length);
  }

  @Test
  void everyMetricMatchesHandComputedValues() {
    try (DriverHarness h = harness()) {
      feedRun(h);
      h.advance(Duration.ofSeconds(2)); // every partition idle: the run is drained and complete

      RunSummary s = h.view().summary(RUN).orElseThrow();
      assertStats(s, Metric.TIME_TO_FIRST_TOKEN, 3, 280.0 / 3, 50, 150, std(50, 150, 80));
      assertStats(s, Metric.TIME_TO_SECOND_TOKEN, 3, 40.0 / 3, 10, 20, std(10, 20, 10));
      assertStats(s, Metric.REQUEST_LATENCY, 3, 1280.0 / 3, 250, 650, std(250, 650, 380));
      assertStats(s, Metric.INTER_TOKEN_LATENCY, 3, 40.0 / 3, 10, 20, std(10, 20, 10));
      assertStats(
          s, Metric.OUTPUT_TOKEN_THROUGHPUT_PER_USER, 3, 250.0 / 3, 50, 100, std(100, 50, 100));
      assertStats(s, Metric.OUTPUT_SEQUENCE_LENGTH, 3, 26, 21, 31, std(21, 26, 31));
      assertStats(s, Metric.INPUT_SEQUENCE_LENGTH, 3, 200, 100, 300, std(100, 200, 300));
      // inter-chunk gaps: r1 10, 190; r2 20, 480; r5 10, 290 (warmup left out)
      assertStats(
          s, Metric.INTER_CHUNK_LATENCY, 6, 1000.0 / 6, 10, 480, std(10, 190, 20, 480, 10, 290));
      double r5images = 1 / 0.380;
      assertStats(s, Metric.IMAGE_THROUGHPUT, 2, (8 + r5images) / 2, r5images, 8, std(8, r5images));
      assertStats(s, Metric.IMAGE_LATENCY, 2, (125 + 380) / 2.0, 125, 380, std(125, 380));
      // every sent profiling request: r1 1, r2 10, r3 0, r4 100, r5 0
      assertStats(s, Metric.SCHEDULE_DELAY, 5, 111.0 / 5, 0, 100, std(1, 10, 0, 100, 0));
      assertStats(
          s,
          Metric.QUEUE_INCLUSIVE_LATENCY,
          3,
          (251 + 660 + 380) / 3.0,
          251,
          660,
          std(251, 660, 380));
      assertStats(s, Metric.CREDIT_GAP, 1, 3, 3, 3, 0);

      // duration: min(sent) = T0 + 1 ms; max(c[last]) = T0 + 5 s + 380 ms
      double seconds = 5.379;
      assertThat(s.durationSeconds()).isCloseTo(seconds, within(1e-12));
      assertThat(single(s, Metric.BENCHMARK_DURATION)).isCloseTo(seconds, within(1e-12));
      assertThat(single(s, Metric.OUTPUT_TOKEN_THROUGHPUT)).isCloseTo(78 / seconds, within(1e-9));
      assertThat(single(s, Metric.REQUEST_THROUGHPUT)).isCloseTo(3 / seconds, within(1e-9));
      assertThat(single(s, Metric.GOODPUT)).isCloseTo(2 / seconds, within(1e-9)); // r1 and r5
      assertThat(single(s, Metric.REQUEST_COUNT)).isEqualTo(3);
      assertThat(single(s, Metric.ERROR_REQUEST_COUNT)).isEqualTo(2);
      assertThat(s.errorsByKind())
          .containsExactlyInAnyOrderEntriesOf(Map.of("TIMEOUT", 1L, "HTTP_STATUS", 1L));
      assertThat(s.errorsByHttpStatus()).containsExactlyEntriesOf(Map.of(503, 1L));
      assertThat(s.outputTokenSources()).isEqualTo(Map.of("SERVER", 2L, "TOKENIZER", 1L));
      assertThat(s.inputTokenSources()).isEqualTo(Map.of("SERVER", 2L, "TOKENIZER", 1L));
      assertThat(s.goodput()).isEqualTo("time_to_first_token:100 inter_token_latency:20");

      // percentiles within HdrHistogram precision (0.1%), inside [min, max]
      Statistics ttft = s.metric(Metric.TIME_TO_FIRST_TOKEN).orElseThrow().stats();
      assertThat(ttft.percentile("p50")).isCloseTo(80, withinPercentage(0.1));
      assertThat(ttft.percentile("p99")).isCloseTo(150, withinPercentage(0.1));
      assertThat(ttft.percentile("p1")).isCloseTo(50, withinPercentage(0.1));

      // accuracy: multiple choice 1/1; hierarchical F1 micro over I=5, P=6, T=6
      AccuracySummary mc = accuracy(s, "multiple_choice", null);
      assertThat(mc.count()).isEqualTo(1);
      assertThat(mc.accuracy()).isEqualTo(1.0);
      AccuracySummary f1 = accuracy(s, "hierarchical_f1", null);
      assertThat(f1.count()).isEqualTo(2);
      assertThat(f1.accuracy()).isCloseTo((2.0 / 3 + 1) / 2, within(1e-9));
      assertThat(f1.hierarchicalPrecision()).isCloseTo(5.0 / 6, within(1e-12));
      assertThat(f1.hierarchicalRecall()).isCloseTo(5.0 / 6, within(1e-12));
      assertThat(f1.hierarchicalF1()).isCloseTo(5.0 / 6, within(1e-12));
      assertThat(accuracy(s, "hierarchical_f1", "Apparel").hierarchicalF1())
          .isCloseTo(5.0 / 6, within(1e-12));
      assertThat(accuracy(s, "multiple_choice", "coarse perception").accuracy()).isEqualTo(1.0);

      // counts reconcile; the re-executed attempt is counted once
      assertThat(s.counts().producedRequests()).isEqualTo(6);
      assertThat(s.counts().results()).isEqualTo(6);
      assertThat(s.counts().warmupResults()).isEqualTo(1);
      assertThat(s.counts().pending()).isZero();
      assertThat(s.counts().duplicateResults()).isEqualTo(1);
      assertThat(s.counts().validRequests()).isEqualTo(3);
      assertThat(s.counts().errorRequests()).isEqualTo(2);
      assertThat(s.counts().goodRequests()).isEqualTo(2);
      assertThat(s.counts().scorableResults()).isEqualTo(3);
      assertThat(s.counts().scores()).isEqualTo(3);
      assertThat(s.counts().tokenEvents()).isEqualTo(9);
      assertThat(s.counts().reconciled()).isTrue();
      assertThat(s.counts().reconciliation())
          .isEqualTo("requests produced 6 = results 6 + pending 0");

      // finished, and said so on the runs topic with the producer's fields
      assertThat(s.run().status()).isEqualTo("FINISHED");
      assertThat(s.run().message()).isEqualTo("all 6 results in and 3 of 3 scores");
      List<RunEvent> events = h.runEvents.readValuesToList();
      assertThat(events).hasSize(1);
      RunEvent finished = events.get(0);
      assertThat(finished.getStatus()).isEqualTo(RunStatus.FINISHED);
      assertThat(finished.getProducedRequests()).isEqualTo(6);
      assertThat(finished.getWarmupRequests()).isEqualTo(1);
      assertThat(finished.getProducerId()).isEqualTo("host-1/42");
      assertThat(finished.getConfig())
          .isEqualTo(announcement(RUN, RunStatus.PRODUCED, 6, 1).getConfig());
      assertThat(finished.getCreatedUs()).isEqualTo(T0 - 1_000_000);
      assertThat(finished.getFinishedUs()).isNotNull();
      assertThat(finished.getMessage()).isEqualTo("all 6 results in and 3 of 3 scores");
    }
  }

  @Test
  void aReExecutedAttemptIsCountedOnceAnywhereWithinTheDedupRetention() {
    try (DriverHarness h = harness()) {
      h.announce(announcement(RUN, RunStatus.STARTED, 0, 0));
      RequestResult r1 = r1();
      h.pipe(r1);
      // attempts completing 1 ms, 10 s and 4 min 59 s later (the default retention is 5 min; the
      // store rounds event times into buckets of a thirtieth of it, so these cross buckets)
      for (long laterUs : new long[] {1_000, 10_000_000, 299_000_000}) {
        h.pipe(
            RequestResult.newBuilder(r1)
                .setAttempt(2)
                .setCompletedUs(r1.getCompletedUs() + laterUs)
                .build());
      }
      h.announce(announcement(RUN, RunStatus.PRODUCED, 1, 0));
      h.advance(Duration.ofSeconds(2));

      RunSummary s = h.view().summary(RUN).orElseThrow();
      assertThat(s.counts().results()).isEqualTo(1);
      assertThat(s.counts().duplicateResults()).isEqualTo(3);
    }
  }

  @Test
  void windowedMetricsCarryExactStatisticsAndAMergeableHistogram() {
    try (DriverHarness h = harness()) {
      feedRun(h);
      h.advance(Duration.ofSeconds(2));
      Map<String, WindowedMetric> out = new java.util.HashMap<>();
      h.metrics.readKeyValuesToList().forEach(kv -> out.put(kv.key, kv.value));

      WindowedMetric window = out.get(RUN + "/time_to_first_token/" + T0);
      assertThat(window)
          .as("closed window of time_to_first_token; keys: %s", out.keySet())
          .isNotNull();
      assertThat(window.getScope()).isEqualTo(MetricScope.WINDOW);
      assertThat(window.getClosed()).isTrue();
      assertThat(window.getModel()).isEqualTo(MODEL);
      assertThat(window.getEndpoint()).isEqualTo(ENDPOINT);
      assertThat(window.getUnit()).isEqualTo("ms");
      assertThat(window.getWindowStartUs()).isEqualTo(T0);
      assertThat(window.getWindowEndUs()).isEqualTo(T0 + 10_000_000);
      assertThat(window.getCount()).isEqualTo(3);
      assertThat(window.getSum()).isCloseTo(280, within(1e-9));
      assertThat(window.getMin()).isEqualTo(50);
      assertThat(window.getMax()).isEqualTo(150);
      double mean = 280.0 / 3;
      double m2 = Math.pow(50 - mean, 2) + Math.pow(150 - mean, 2) + Math.pow(80 - mean, 2);
      assertThat(window.getM2()).isCloseTo(m2, within(1e-9));
      assertThat(window.getHistogramScale()).isEqualTo(1000.0);
      Histogram hist = decode(window.getHistogram());
      assertThat(hist.getTotalCount()).isEqualTo(3);
      assertThat(hist.getValueAtPercentile(50) / 1000.0).isCloseTo(80, withinPercentage(0.1));

      WindowedMetric run = out.get(RUN + "/inter_chunk_latency/run");
      assertThat(run.getScope()).isEqualTo(MetricScope.RUN);
      assertThat(run.getClosed()).isTrue();
      assertThat(run.getCount()).isEqualTo(6);
      assertThat(run.getSum()).isCloseTo(1000, within(1e-9));

      WindowedMetric timeouts = out.get(RUN + "/error_request_count{error_kind=TIMEOUT}/run");
      assertThat(timeouts.getSum()).isEqualTo(1);
      assertThat(timeouts.getLabels()).containsEntry("error_kind", "TIMEOUT");
      WindowedMetric f1 = out.get(RUN + "/hierarchical_f1{scorer=hierarchical_f1}/run");
      assertThat(f1.getSum()).isCloseTo(5.0 / 6, within(1e-12));
    }
  }

  private static Histogram decode(ByteBuffer bytes) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new AssertionError(e);
    }
  }

  private static double single(RunSummary s, Metric m) {
    return s.metric(m).orElseThrow(() -> new AssertionError("no " + m)).stats().avg();
  }

  private static AccuracySummary accuracy(RunSummary s, String scorer, String category) {
    return s.accuracy().stream()
        .filter(a -> a.scorer().equals(scorer) && java.util.Objects.equals(a.category(), category))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no accuracy for " + scorer + "/" + category));
  }
}
