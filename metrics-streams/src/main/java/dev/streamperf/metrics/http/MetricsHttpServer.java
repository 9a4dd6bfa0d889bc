package dev.streamperf.metrics.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamperf.schemas.health.ProcessMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics app's HTTP endpoints, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format 0.0.4, the runs' metrics and the process's
 *       ({@link ProcessMetrics});
 *   <li>{@code GET /runs}: the runs this instance holds, JSON;
 *   <li>{@code GET /runs/{id}/summary}: a run's summary, JSON; 307 to the instance that holds it;
 *       404 when none does; 503 while the stores are not queryable;
 *   <li>{@code GET /health}: the Streams state; 200 when RUNNING or REBALANCING, else 503.
 * </ul>
 *
 * A handler that fails answers 500 with the message and logs it; the server keeps serving.
 */
public final class MetricsHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);
  private static final Pattern SUMMARY = Pattern.compile("^/runs/([^/]+)/summary/?$");

  private final HttpServer server;
  private final ExecutorService executor;
  private final MetricsApi api;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private MetricsHttpServer(HttpServer server, ExecutorService executor, MetricsApi api) {
    this.server = server;
    this.executor = executor;
    this.api = api;
  }

  /**
   * Binds and starts serving.
   *
   * @param port 0 for a free port
   * @throws UncheckedIOException naming the address when it cannot bind
   */
  public static MetricsHttpServer start(String host, int port, MetricsApi api) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "metrics http: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "streamperf-metrics-http");
              t.setDaemon(true);
              return t;
            });
    MetricsHttpServer s = new MetricsHttpServer(server, executor, api);
    server.setExecutor(executor);
    server.createContext("/", s::handle);
    server.start();
    log.info("metrics http on {}:{}", host, server.getAddress().getPort());
    return s;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Matcher summary = SUMMARY.matcher(path);
      if (path.equals("/metrics")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16_384);
        writer.write(body, ProcessMetrics.with(api.scrape()));
        send(exchange, 200, writer.getContentType(), body.toByteArray());
      } else if (path.equals("/runs") || path.equals("/runs/")) {
        json(exchange, 200, api.runs());
      } else if (summary.matches()) {
        summary(exchange, URLDecoder.decode(summary.group(1), StandardCharsets.UTF_8));
      } else if (path.equals("/health")) {
        json(exchange, api.healthy() ? 200 : 503, Map.of("state", api.state()));
      } else {
        send(
            exchange,
            404,
            "text/plain; charset=utf-8",
            "not found: " + path + " (try /metrics, /runs, /runs/{id}/summary, /health)\n");
      }
    } catch (RuntimeException e) {
      log.warn(
          "metrics http: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      try {
        send(exchange, 500, "text/plain; charset=utf-8", "error: " + e.getMessage() + "\n");
      } catch (IOException | RuntimeException ignored) {
        // the response had begun; the client sees a cut answer
      }
    }
  }

  private void summary(HttpExchange exchange, String runId) throws IOException {
    MetricsApi.SummaryAnswer answer = api.locateSummary(runId);
    if (answer instanceof MetricsApi.SummaryAnswer.Found found) {
      json(exchange, 200, found.summary());
    } else if (answer instanceof MetricsApi.SummaryAnswer.Elsewhere elsewhere) {
      exchange.getResponseHeaders().add("Location", elsewhere.location().toString());
      json(exchange, 307, Map.of("location", elsewhere.location().toString()));
    } else if (answer instanceof MetricsApi.SummaryAnswer.Unavailable unavailable) {
      exchange.getResponseHeaders().add("Retry-After", "1");
      json(exchange, 503, Map.of("error", unavailable.why()));
    } else {
      json(exchange, 404, Map.of("error", "no run '" + runId + "' here or on another instance"));
    }
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", Json.MAPPER.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Stops accepting, lets running exchanges finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
