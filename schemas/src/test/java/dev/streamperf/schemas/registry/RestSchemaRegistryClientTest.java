package dev.streamperf.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client's own behaviour against a plain HTTP server: errors, failover, auth. */
class RestSchemaRegistryClientTest {

  private HttpServer server;
  private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
  private final AtomicReference<String> lastPath = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          lastPath.set(exchange.getRequestURI().getRawPath());
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/schemas/ids/7")) {
            reply(exchange, 200, "{\"schema\":\"\\\"string\\\"\"}");
          } else if (path.startsWith("/subjects/missing")) {
            reply(
                exchange,
                404,
                "{\"error_code\":40401,\"message\":\"Subject 'missing' not found.\"}");
          } else {
            reply(
                exchange,
                500,
                "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void errorsNameTheUrlStatusAndRegistryCode() {
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(List.of(base()), null, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.getById(8))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.getMessage())
                  .contains(base() + "/schemas/ids/8")
                  .contains("HTTP 500")
                  .contains("error code 50001")
                  .contains("Error in the backend data store");
            });
  }

  @Test
  void notFoundIsAnEmptyAnswerNotAnError() {
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(List.of(base()), null, Duration.ofSeconds(5));
    assertThat(client.latest("missing-value")).isEmpty();
  }

  @Test
  void subjectsAreUrlEncoded() {
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(List.of(base()), null, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.latest("a b/c")).isInstanceOf(SchemaRegistryException.class);
    assertThat(lastPath.get()).isEqualTo("/subjects/a%20b%2Fc/versions/latest");
  }

  @Test
  void triesTheNextUrlWhenOneIsDownAndSendsBasicAuth() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            List.of("http://127.0.0.1:" + closedPort, base() + "/"),
            "user:secret",
            Duration.ofSeconds(5));
    assertThat(client.getById(7).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
    assertThat(lastAuthorization.get()).isEqualTo("Basic dXNlcjpzZWNyZXQ=");
  }

  @Test
  void allUrlsDownNamesTheLastOneTried() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            List.of("http://127.0.0.1:" + closedPort), null, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.getById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("http://127.0.0.1:" + closedPort + "/schemas/ids/1")
        .hasMessageContaining("ConnectException");
  }

  @Test
  void rejectsUrlsThatAreNotHttp() {
    assertThatThrownBy(
            () -> new RestSchemaRegistryClient(List.of("ftp://x"), null, Duration.ofSeconds(1)))
        .hasMessageContaining("schema.registry.url: 'ftp://x'");
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
