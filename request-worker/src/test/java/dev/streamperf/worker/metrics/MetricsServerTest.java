package dev.streamperf.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.ErrorKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What Prometheus reads from a worker's {@code /metrics}: its own families and its JVM's. */
class MetricsServerTest {

  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^process_resident_memory_bytes ([0-9.eE+]+)$");

  @Test
  void servesTheWorkersMetricsAndItsProcessResidentMemoryAndHeap() throws Exception {
    WorkerMetrics metrics = new WorkerMetrics("w-1");
    metrics.sent();
    metrics.error(ErrorKind.TIMEOUT);
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, metrics.registry())) {
      String body = get("http://127.0.0.1:" + server.port() + "/metrics");

      assertThat(body).contains("streamperf_worker_requests_sent_total{worker=\"w-1\"} 1.0");
      assertThat(body)
          .contains("streamperf_worker_errors_total{kind=\"timeout\",worker=\"w-1\"} 1.0");
      Matcher rss = SAMPLE.matcher(body);
      assertThat(rss.find()).as("process_resident_memory_bytes in:%n%s", body).isTrue();
      long rssBytes = (long) Double.parseDouble(rss.group(1));
      long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      assertThat(rssBytes).isGreaterThan(heapUsed / 2).isLessThan(64L << 30);
      assertThat(body).contains("jvm_memory_used_bytes{area=\"heap\"}");
      assertThat(body).contains("jvm_gc_collection_seconds_count{");
      assertThat(body).contains("jvm_threads_current ");
      List<String> types =
          Arrays.stream(body.split("\n")).filter(l -> l.startsWith("# TYPE ")).toList();
      assertThat(types).doesNotHaveDuplicates();
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
