package dev.streamperf.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API, over the JDK's HTTP client. Works with any
 * registry that serves that API: Confluent's, Apicurio's {@code /apis/ccompat/v7}, Redpanda's,
 * Karapace. Several base URLs may be given; each call tries them in order until one answers. TLS
 * uses the JVM's default trust store ({@code javax.net.ssl.trustStore}); basic auth is sent when
 * credentials are configured.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> baseUrls;
  private final String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;

  /**
   * @param baseUrls registry base URLs, e.g. {@code http://localhost:8081} or {@code
   *     http://host/apis/ccompat/v7}
   * @param userInfo {@code user:password} for basic auth, or null
   * @param requestTimeout how long one HTTP call may take
   */
  public RestSchemaRegistryClient(List<String> baseUrls, String userInfo, Duration requestTimeout) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("schema.registry.url: empty (expected: one or more URLs)");
    }
    List<String> urls = new ArrayList<>();
    for (String url : baseUrls) {
      URI uri = URI.create(url.trim());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "schema.registry.url: '" + url + "' (expected: http://, https:// or mock://)");
      }
      urls.add(url.trim().replaceAll("/+$", ""));
    }
    this.baseUrls = List.copyOf(urls);
    this.authorization =
        userInfo == null || userInfo.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  @Override
  public int register(String subject, Schema schema) {
    JsonNode reply = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    return reply.path("id").asInt();
  }

  @Override
  public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
    try {
      JsonNode reply = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
      return Optional.of(
          new RegisteredSchema(
              subject, reply.path("id").asInt(), reply.path("version").asInt(), schema));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Schema getById(int id) {
    JsonNode reply = call("GET", "/schemas/ids/" + id, null);
    return parse(reply.path("schema").asText(), "schema " + id);
  }

  @Override
  public Optional<RegisteredSchema> latest(String subject) {
    try {
      JsonNode reply = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
      return Optional.of(
          new RegisteredSchema(
              subject,
              reply.path("id").asInt(),
              reply.path("version").asInt(),
              parse(reply.path("schema").asText(), "latest schema of " + subject)));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    try {
      JsonNode reply =
          call(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
              schemaBody(schema));
      List<String> messages = new ArrayList<>();
      reply.path("messages").forEach(m -> messages.add(m.asText()));
      return new CompatibilityResult(reply.path("is_compatible").asBoolean(false), messages);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return CompatibilityResult.ok(); // no version yet: anything goes
      }
      throw e;
    }
  }

  @Override
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    try {
      JsonNode reply = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=false", null);
      String level =
          reply.path("compatibilityLevel").asText(reply.path("compatibility").asText(""));
      return level.isEmpty() ? Optional.empty() : Optional.of(CompatibilityLevel.parse(level));
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void setSubjectCompatibility(String subject, CompatibilityLevel level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    call("PUT", "/config/" + encode(subject), body.toString());
  }

  @Override
  public List<String> subjects() {
    JsonNode reply = call("GET", "/subjects", null);
    List<String> subjects = new ArrayList<>();
    reply.forEach(s -> subjects.add(s.asText()));
    return subjects;
  }

  @Override
  public String url() {
    return String.join(",", baseUrls);
  }

  @Override
  public void close() {
    // The JDK client on Java 17 has no close(); its threads are daemon threads and end with it.
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          url(), 200, 0, "cannot parse " + what + ": " + e.getMessage(), e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(String method, String path, String body) {
    SchemaRegistryException last = null;
    for (String base : baseUrls) {
      String url = base + path;
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(requestTimeout)
              .header("Accept", CONTENT_TYPE + ", application/json");
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
        request.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last =
            new SchemaRegistryException(
                url,
                0,
                0,
                method + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage(),
                e);
        continue; // try the next URL
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(url, 0, 0, method + " interrupted", e);
      }
      return reply(method, url, response);
    }
    throw last;
  }

  private static JsonNode reply(String method, String url, HttpResponse<String> response) {
    JsonNode json;
    try {
      json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    int status = response.statusCode();
    if (status / 100 == 2 && json != null) {
      return json;
    }
    int errorCode = json == null ? 0 : json.path("error_code").asInt(0);
    String message =
        json == null || !json.has("message")
            ? abbreviate(response.body())
            : json.path("message").asText();
    throw new SchemaRegistryException(url, status, errorCode, method + " failed: " + message);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
