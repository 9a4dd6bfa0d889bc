package dev.streamperf.producer.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Rows of a Hugging Face dataset over the datasets-server API ({@code GET
 * {endpoint}/rows?dataset=&config=&split=&offset=&length=}, at most 100 rows a page) and the files
 * its cells link to (images by URL), each cached on disk under {@code cacheDir} the first time, so
 * a second load needs no network. Progress goes to a stream (stderr by default) as rows and files
 * arrive.
 */
public final class HfRows {

  /** The public datasets-server. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://datasets-server.huggingface.co");

  /** The API's largest page. */
  static final int MAX_PAGE = 100;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI endpoint;
  private final Path cacheDir;
  private final String token;
  private final PrintStream progress;
  private final int pageSize;
  private HttpClient http;

  public HfRows(URI endpoint, Path cacheDir, String token, PrintStream progress) {
    this(endpoint, cacheDir, token, progress, MAX_PAGE);
  }

  HfRows(URI endpoint, Path cacheDir, String token, PrintStream progress, int pageSize) {
    this.endpoint = endpoint;
    this.cacheDir = cacheDir;
    this.token = token;
    this.progress = progress;
    this.pageSize = pageSize;
  }

  /** The datasets-server base URL: {@code HF_ENDPOINT} when set, else the public one. */
  public static URI endpointFromEnvironment() {
    String env = System.getenv("HF_ENDPOINT");
    return env == null || env.isBlank() ? DEFAULT_ENDPOINT : URI.create(env.trim());
  }

  /** The default cache: {@code ~/.cache/streamperf/datasets}. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "streamperf", "datasets");
  }

  /**
   * Every row of a split (each the API's {@code row} object), in order.
   *
   * @param limit read at most this many rows (null for all)
   * @throws IllegalStateException naming the URL when the hub cannot be reached or answers badly
   */
  public List<JsonNode> rows(String dataset, String config, String split, Integer limit) {
    List<JsonNode> out = new ArrayList<>();
    long total = -1;
    int offset = 0;
    while (total < 0 || offset < total) {
      int length = pageSize;
      if (limit != null) {
        length = Math.min(length, limit - offset);
      }
      if (length <= 0) {
        break;
      }
      JsonNode page = page(dataset, config, split, offset, length);
      total = page.path("num_rows_total").asLong(0);
      if (limit != null) {
        total = Math.min(total, limit);
      }
      JsonNode rows = page.path("rows");
      if (!rows.isArray() || rows.isEmpty()) {
        break;
      }
      for (JsonNode row : rows) {
        out.add(row.path("row"));
      }
      offset += rows.size();
      progress.printf(
          Locale.ROOT, "\rdataset %s: %d/%d rows", dataset, Math.min(offset, total), total);
      progress.flush();
    }
    progress.println();
    return out;
  }

  private JsonNode page(String dataset, String config, String split, int offset, int length) {
    Path cached =
        cacheDir
            .resolve(dataset.replace("/", "__"))
            .resolve(config)
            .resolve(split)
            .resolve("rows-" + offset + "-" + length + ".json");
    URI uri =
        URI.create(
            endpoint.toString().replaceAll("/+$", "")
                + "/rows?dataset="
                + encode(dataset)
                + "&config="
                + encode(config)
                + "&split="
                + encode(split)
                + "&offset="
                + offset
                + "&length="
                + length);
    byte[] body = cachedOrFetched(cached, uri);
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + ": not JSON: " + e.getMessage(), e);
    }
  }

  /** The bytes a URL serves, cached by the URL's SHA-256. */
  public byte[] file(String url) {
    URI uri = URI.create(url);
    return cachedOrFetched(cacheDir.resolve("files").resolve(sha256(url)), uri);
  }

  private byte[] cachedOrFetched(Path cached, URI uri) {
    try {
      if (Files.isRegularFile(cached)) {
        return Files.readAllBytes(cached);
      }
      byte[] body = get(uri);
      Files.createDirectories(cached.getParent());
      Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp");
      Files.write(tmp, body);
      Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("cache " + cached + ": " + e.getMessage(), e);
    }
  }

  private byte[] get(URI uri) {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "GET "
                + uri
                + ": HTTP "
                + response.statusCode()
                + (response.statusCode() == 401 || response.statusCode() == 403
                    ? " (a gated dataset needs HF_TOKEN)"
                    : ""));
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(
          "GET " + uri + ": " + e + " (offline? use --dataset-path for a local copy)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("GET " + uri + ": interrupted", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
