package dev.streamperf.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A plain java.net.http client reading an SSE stream, stamping each event on arrival. */
final class SseClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One SSE event: its data and System.nanoTime() when its blank line was read. */
  record Event(String data, long arrivedNanos) {
    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new AssertionError("event is not JSON: " + data, e);
      }
    }

    boolean done() {
      return data.equals("[DONE]");
    }
  }

  /** The response: status, headers, and its events (or its whole body when not SSE). */
  record Response(
      int status, Map<String, List<String>> headers, List<Event> events, String body, long sent) {
    String header(String name) {
      List<String> values =
          headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
      return values.isEmpty() ? null : values.get(0);
    }

    JsonNode bodyJson() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("body is not JSON: " + body, e);
      }
    }

    /** Events carrying content or reasoning. */
    List<Event> tokenEvents() {
      List<Event> out = new ArrayList<>();
      for (Event e : events) {
        if (e.done()) {
          continue;
        }
        JsonNode choices = e.json().path("choices");
        if (choices.size() == 0) {
          continue;
        }
        JsonNode delta = choices.get(0).path("delta");
        if (!delta.path("content").asText("").isEmpty()
            || !delta.path("reasoning_content").asText("").isEmpty()) {
          out.add(e);
        }
      }
      return out;
    }

    String content() {
      StringBuilder text = new StringBuilder();
      for (Event e : tokenEvents()) {
        text.append(e.json().path("choices").get(0).path("delta").path("content").asText(""));
      }
      return text.toString();
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  Response post(String url, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    long sent = System.nanoTime();
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    String type = response.headers().firstValue("content-type").orElse("");
    try (InputStream in = response.body()) {
      if (!type.startsWith("text/event-stream")) {
        return new Response(
            response.statusCode(),
            response.headers().map(),
            List.of(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8),
            sent);
      }
      List<Event> events = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      StringBuilder data = null;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(data.toString(), System.nanoTime()));
            data = null;
          }
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line.substring(6));
        }
      }
      return new Response(response.statusCode(), response.headers().map(), events, null, sent);
    }
  }

  HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String text, String extra) {
    return "{\"model\":\"streamperf-sim\",\"messages\":[{\"role\":\"user\",\"content\":"
        + JSON.getNodeFactory().textNode(text)
        + "}]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }
}
