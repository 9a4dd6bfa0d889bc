package dev.streamperf.schemas.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

  @Test
  void builtinIsO200kBase() {
    Tokenizer builtin = Tokenizers.load("builtin");
    assertThat(builtin.name()).isEqualTo("builtin:o200k_base");
    assertThat(builtin.count("hello world")).isEqualTo(2);
    int[] ids = builtin.encode("Streams of tokens, measured.");
    assertThat(ids).hasSize(builtin.count("Streams of tokens, measured."));
    assertThat(builtin.decode(ids)).isEqualTo("Streams of tokens, measured.");
  }

  @Test
  void localTokenizerJsonFileOrDirectory(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("tokenizer.json");
    copyFixture(json);
    Tokenizer fromFile = Tokenizers.load(json.toString());
    assertThat(fromFile.count("hello world hello")).isEqualTo(3);
    assertThat(fromFile.encode("streams of tokens")).containsExactly(3, 4, 5);
    assertThat(Tokenizers.load(dir.toString()).count("hello unknown")).isEqualTo(2);
  }

  @Test
  void modelIdIsDownloadedOnceFromTheHubAndCached(@TempDir Path cache) throws IOException {
    AtomicInteger requests = new AtomicInteger();
    AtomicReference<String> authorization = new AtomicReference<>();
    HttpServer hub =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hub.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          if (exchange
              .getRequestURI()
              .getPath()
              .equals("/acme/tiny-lm/resolve/main/tokenizer.json")) {
            byte[] body;
            try (InputStream in = fixture()) {
              body = in.readAllBytes();
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    hub.start();
    URI url = URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    Tokenizers.HubOptions options =
        new Tokenizers.HubOptions(url, cache, "hf_secret", java.time.Duration.ofSeconds(5));
    try {
      assertThat(Tokenizers.load("acme/tiny-lm", options).count("hello world")).isEqualTo(2);
      assertThat(authorization.get()).isEqualTo("Bearer hf_secret");
      assertThat(cache.resolve("acme--tiny-lm/tokenizer.json")).exists();
      assertThatThrownBy(() -> Tokenizers.load("acme/missing", options))
          .hasMessageContaining("--tokenizer acme/missing")
          .hasMessageContaining(url + "/acme/missing/resolve/main/tokenizer.json")
          .hasMessageContaining("HTTP 404");
    } finally {
      hub.stop(0);
    }
    // the hub is gone; a fresh load of the same id (another JVM, say) reads the cache
    Tokenizer cached =
        Tokenizers.load("acme/tiny-lm", options.withHub(URI.create("http://127.0.0.1:1")));
    assertThat(cached.count("streams of tokens")).isEqualTo(3);
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void nonsenseSpecSaysWhatWasExpected() {
    assertThatThrownBy(() -> Tokenizers.load("no such file.json"))
        .hasMessageContaining("--tokenizer no such file.json")
        .hasMessageContaining("expected: builtin, a path to tokenizer.json, or ORG/NAME");
  }

  private static InputStream fixture() {
    return TokenizersTest.class.getResourceAsStream("/tokenizer/wordlevel-tokenizer.json");
  }

  private static void copyFixture(Path target) throws IOException {
    try (InputStream in = fixture()) {
      Files.copy(in, target);
    }
  }
}
