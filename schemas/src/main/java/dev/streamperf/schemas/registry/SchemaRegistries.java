package dev.streamperf.schemas.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/** Creates the registry client a URL names. */
public final class SchemaRegistries {

  /** URL scheme of in-memory registries: {@code mock://NAME}. */
  public static final String MOCK_SCHEME = "mock://";

  /** Config key: {@code user:password} for basic auth. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  /** Config key: milliseconds one registry request may take (default 30000). */
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

  private SchemaRegistries() {}

  /**
   * A client for {@code urls}: {@code mock://NAME} gives the in-memory registry shared under that
   * name; one or more comma-separated http(s) URLs give a REST client.
   *
   * @param config optional {@value #BASIC_AUTH_USER_INFO} and {@value #REQUEST_TIMEOUT_MS}
   */
  public static SchemaRegistryClient connect(String urls, Map<String, ?> config) {
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException(
          "schema.registry.url: missing (expected: http(s):// or mock:// URL)");
    }
    String trimmed = urls.trim();
    if (trimmed.startsWith(MOCK_SCHEME)) {
      return InMemorySchemaRegistry.named(trimmed.substring(MOCK_SCHEME.length()));
    }
    Object userInfo = config.get(BASIC_AUTH_USER_INFO);
    Object timeout = config.get(REQUEST_TIMEOUT_MS);
    long timeoutMs = timeout == null ? 30_000 : Long.parseLong(timeout.toString());
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException(
          REQUEST_TIMEOUT_MS + ": " + timeoutMs + " (expected: > 0)");
    }
    return new RestSchemaRegistryClient(
        Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        userInfo == null ? null : userInfo.toString(),
        Duration.ofMillis(timeoutMs));
  }
}
