package dev.streamperf.metrics;

import static dev.streamperf.metrics.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.http.Json;
import dev.streamperf.metrics.report.ConsoleReport;
import dev.streamperf.metrics.report.RecordsCheck;
import dev.streamperf.metrics.report.ReportFiles;
import dev.streamperf.metrics.report.RequestRecord;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.schemas.RequestResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console table and the report files of the hand-computed run. */
class ReportsTest {

  private static final GoodputSlos SLOS =
      GoodputSlos.parse("time_to_first_token:100 inter_token_latency:20");

  private static RunSummary summary() {
    try (DriverHarness h =
        new DriverHarness(
            Instant.ofEpochMilli(T0 / 1_000 + 7_000),
            b ->
                b.window(Duration.ofSeconds(10))
                    .grace(Duration.ofSeconds(2))
                    .completionGrace(Duration.ofSeconds(30))
                    .goodput(SLOS))) {
      MetricsTopologyTest.feedRun(h);
      h.advance(Duration.ofSeconds(2));
      return h.view().summary("run-hand").orElseThrow();
    }
  }

  /** The profiling results of the run, first attempts, as records.jsonl lists them. */
  private static List<RequestRecord> records() {
    List<RequestResult> profiling =
        List.of(
            MetricsTopologyTest.r1(),
            MetricsTopologyTest.r2(),
            MetricsTopologyTest.r3(),
            MetricsTopologyTest.r4(),
            MetricsTopologyTest.r5());
    return profiling.stream().map(r -> RequestRecord.of(r, SLOS, Map.of())).toList();
  }

  @Test
  void theConsoleTableReadsLikeAiperfs() {
    String text = ConsoleReport.render(summary());
    assertThat(text)
        .contains("streamperf | LLM Metrics | run run-hand")
        .contains("┃ Metric ")
        .containsPattern("│ Time to First Token \\(ms\\) +│ +93\\.33 │ +50\\.00 │ +150\\.00 │")
        .containsPattern("│ Inter Token Latency \\(ms\\) +│ +13\\.33 │ +10\\.00 │ +20\\.00 │")
        .containsPattern("│ Output Token Throughput \\(tokens/sec\\) +│ +14\\.50 │ +N/A │")
        .containsPattern("│ Request Count \\(requests\\) +│ +3\\.00 │")
        .contains("Errors: 2 (HTTP_STATUS 1, TIMEOUT 1); by HTTP status: HTTP 503 1")
        .contains("Schedule Delay: avg 22.20, p50 1.00, p99 100.00, max 100.00 ms over 5 requests")
        .contains("Credit Gap: avg 3.00, p50 3.00, p99 3.00, max 3.00 ms over 1 requests")
        .contains(
            "hierarchical_f1: 0.8333 mean score, micro F1 0.8333 (P 0.8333, R 0.8333) over 2 scores, 2 parsed")
        .contains("Token counts: output from server 2, tokenizer 1")
        .contains(
            "Counts: requests produced 6 = results 6 + pending 0 (reconciled); 1 duplicate results counted once")
        .contains(
            "Run run-hand: FINISHED (all 6 results in and 3 of 3 scores); goodput objectives time_to_first_token:100 inter_token_latency:20");
    // the load generator's rows are not in the endpoint's table
    assertThat(text).doesNotContainPattern("│ Schedule Delay");
  }

  @Test
  void theFilesCarryEveryStatisticAndTheRecordsRecomputeToTheSummary(@TempDir Path dir)
      throws IOException {
    RunSummary summary = summary();
    ReportFiles.write(dir, summary, records());

    int metrics = RecordsCheck.assertMatches(summary, dir.resolve(ReportFiles.RECORDS));
    assertThat(metrics).as("per-request metrics recomputed").isEqualTo(12);
    List<String> lines = Files.readAllLines(dir.resolve(ReportFiles.RECORDS));
    assertThat(lines).hasSize(5);
    JsonNode r1 = Json.MAPPER.readTree(lines.get(0));
    assertThat(r1.get("request_id").asText()).isEqualTo("r1");
    assertThat(r1.get("metrics").get("time_to_first_token").asText()).isEqualTo("50");
    assertThat(r1.get("metrics").get("image_throughput").asText()).isEqualTo("8");
    assertThat(r1.get("good").asBoolean()).isTrue();
    JsonNode r3 = Json.MAPPER.readTree(lines.get(2));
    assertThat(r3.get("error_kind").asText()).isEqualTo("TIMEOUT");
    assertThat(r3.get("metrics").fieldNames()).toIterable().containsExactly("schedule_delay");

    JsonNode json = Json.MAPPER.readTree(dir.resolve(ReportFiles.JSON).toFile());
    assertThat(json.get("run").get("status").asText()).isEqualTo("FINISHED");
    assertThat(json.get("input_config").get("request_count").asInt()).isEqualTo(6);
    assertThat(json.get("counts").get("pending").asLong()).isZero();
    assertThat(json.get("error_summary")).hasSize(2);
    JsonNode ttft = null;
    for (JsonNode m : json.get("metrics")) {
      if (m.get("tag").asText().equals("time_to_first_token")) {
        ttft = m;
      }
    }
    assertThat(ttft).isNotNull();
    for (String stat :
        List.of(
            "avg", "min", "max", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
            "p99.9", "std", "count", "sum")) {
      assertThat(ttft.has(stat)).as(stat).isTrue();
    }
    assertThat(ttft.get("unit").asText()).isEqualTo("ms");

    List<String> csv = Files.readAllLines(dir.resolve(ReportFiles.CSV));
    assertThat(csv.get(0))
        .isEqualTo("Metric,avg,min,max,p1,p5,p10,p25,p50,p75,p90,p95,p99,p99.9,std,count,sum");
    assertThat(csv.get(1)).startsWith("Time to First Token (ms),93.3333333333333");
    assertThat(csv)
        .contains("Metric,Value", "Request Count (requests),3", "Error Kind,Count", "TIMEOUT,1");
    assertThat(csv)
        .anyMatch(l -> l.startsWith("Accuracy (ratio) [category=Apparel scorer=hierarchical_f1],"));
  }
}
