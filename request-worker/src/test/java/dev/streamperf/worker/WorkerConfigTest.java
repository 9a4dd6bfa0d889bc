package dev.streamperf.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void parsesUrlsTheWayUsersTypeThem() {
    Endpoint bare = Endpoint.parse("localhost:8000", Endpoint.CHAT_COMPLETIONS);
    assertThat(bare.baseUrl()).isEqualTo("http://localhost:8000");
    assertThat(bare.path()).isEqualTo("/v1/chat/completions");
    assertThat(bare.hostHeader()).isEqualTo("localhost:8000");
    assertThat(bare.tls()).isFalse();

    Endpoint tls = Endpoint.parse("https://api.example.com/proxy/", "/v1/chat/completions");
    assertThat(tls.port()).isEqualTo(443);
    assertThat(tls.tls()).isTrue();
    assertThat(tls.path()).isEqualTo("/proxy/v1/chat/completions");
    assertThat(tls.hostHeader()).isEqualTo("api.example.com");
    assertThat(tls.baseUrl()).isEqualTo("https://api.example.com:443/proxy");

    Endpoint v6 = Endpoint.parse("http://[::1]:9000", "/x");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.hostHeader()).isEqualTo("[::1]:9000");
  }

  @Test
  void rejectsBadUrlsNamingThem() {
    assertThatThrownBy(() -> Endpoint.parse("ftp://x", "/v1"))
        .hasMessage("url: ftp://x (expected: scheme http or https, got ftp)");
    assertThatThrownBy(() -> Endpoint.parse("http://x:99999", "/v1"))
        .hasMessageContaining("url: http://x:99999");
    assertThatThrownBy(() -> Endpoint.parse("http://x/?a=1", "/v1"))
        .hasMessageContaining("no query");
    assertThatThrownBy(() -> Endpoint.parse("http://x", "v1"))
        .hasMessageContaining("endpoint path");
  }

  @Test
  void buildsWithDefaultsAndKeepsWhatWasSet() {
    WorkerConfig config =
        WorkerConfig.builder()
            .url("localhost:8000")
            .url("http://127.0.0.1:8001")
            .apiKey("sk-1")
            .header("X-Team:infra")
            .requestTimeout(Duration.ofSeconds(30))
            .maxInFlight(64)
            .workerId("w-1")
            .build();
    assertThat(config.endpoints()).hasSize(2);
    assertThat(config.apiKey()).contains("sk-1");
    assertThat(config.headers()).containsEntry("X-Team", "infra");
    assertThat(config.firstByteTimeout())
        .as("defaults to the request timeout")
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxPendingSessions()).isEqualTo(10_000);
    assertThat(config.tokenizer().name()).contains("o200k");
    WorkerConfig copy = config.toBuilder().endpointPath("/v2/chat").build();
    assertThat(copy.endpoints()).extracting(Endpoint::path).containsOnly("/v2/chat");
    assertThat(copy.workerId()).isEqualTo("w-1");
    assertThat(WorkerConfig.builder().url("x:1").build().workerId())
        .as("host name and pid")
        .endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void rejectsBadValuesNamingTheParameterAndValue() {
    WorkerConfig.Builder b = WorkerConfig.builder();
    assertThatThrownBy(() -> b.maxInFlight(0)).hasMessage("max in flight: 0 (expected: >= 1)");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .hasMessage("request timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.header("bad header", "v")).hasMessageContaining("'bad header'");
    assertThatThrownBy(() -> b.header("NoColon")).hasMessageContaining("expected: Name:Value");
    assertThatThrownBy(() -> b.header("X", "a\r\nb")).hasMessageContaining("line break");
    assertThatThrownBy(() -> b.workerId("a b")).hasMessageContaining("worker id: 'a b'");
    assertThatThrownBy(() -> b.metricsPort(-2)).hasMessageContaining("metrics port: -2");
    assertThatThrownBy(() -> WorkerConfig.builder().build())
        .hasMessage("url: missing (expected: at least one --url)");
    assertThatThrownBy(
            () ->
                WorkerConfig.builder()
                    .url("x:1")
                    .requestTimeout(Duration.ofSeconds(5))
                    .firstByteTimeout(Duration.ofSeconds(10))
                    .build())
        .hasMessageContaining("first byte timeout: PT10S (expected: <= request timeout PT5S)");
    assertThatThrownBy(() -> WorkerConfig.builder().url("x:1").tokenizer("/no/such/file.json"))
        .hasMessageContaining("/no/such/file.json");
  }

  @Test
  void urlsKeepTheirOrderForRoundRobin() {
    WorkerConfig config = WorkerConfig.builder().urls(List.of("a:1", "b:2", "c:3")).build();
    assertThat(config.endpoints()).extracting(Endpoint::host).containsExactly("a", "b", "c");
  }
}
