package dev.streamperf.schemas.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@link Tokenizer} from what a user types after {@code --tokenizer}: {@code builtin}
 * (o200k_base, offline), a local {@code tokenizer.json} or a directory holding one, or a Hugging
 * Face model id such as {@code Qwen/Qwen3-VL-8B-Instruct}, whose {@code tokenizer.json} is
 * downloaded once into a cache directory ({@code HF_TOKEN} is sent when set).
 */
public final class Tokenizers {

  /** The spec of the built-in tokenizer. */
  public static final String BUILTIN = "builtin";

  /** The Hugging Face hub. */
  public static final URI DEFAULT_HUB = URI.create("https://huggingface.co");

  private static final Logger log = LoggerFactory.getLogger(Tokenizers.class);
  private static final Pattern MODEL_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
  private static final ConcurrentMap<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

  private Tokenizers() {}

  /** Where and how model ids are fetched. */
  public record HubOptions(URI hub, Path cacheDir, String token, Duration timeout) {
    public HubOptions {
      Objects.requireNonNull(hub, "hub");
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(timeout, "timeout");
    }

    /** huggingface.co, {@code ~/.cache/streamperf/tokenizers}, {@code HF_TOKEN}, 60 s. */
    public static HubOptions defaults() {
      return new HubOptions(
          DEFAULT_HUB,
          Path.of(System.getProperty("user.home"), ".cache", "streamperf", "tokenizers"),
          System.getenv("HF_TOKEN"),
          Duration.ofSeconds(60));
    }

    public HubOptions withHub(URI hub) {
      return new HubOptions(hub, cacheDir, token, timeout);
    }

    public HubOptions withCacheDir(Path cacheDir) {
      return new HubOptions(hub, cacheDir, token, timeout);
    }
  }

  /** The built-in o200k_base tokenizer. */
  public static Tokenizer builtin() {
    return BuiltinTokenizer.O200K;
  }

  /** {@link #load(String, HubOptions)} with {@link HubOptions#defaults()}. */
  public static Tokenizer load(String spec) {
    return load(spec, HubOptions.defaults());
  }

  /**
   * The tokenizer a spec names; loaded once per JVM and spec.
   *
   * @throws IllegalArgumentException naming the spec when it is neither builtin, a readable
   *     tokenizer.json, nor a model id the hub serves
   */
  public static Tokenizer load(String spec, HubOptions hub) {
    Objects.requireNonNull(spec, "spec");
    String trimmed = spec.trim();
    if (trimmed.isEmpty() || trimmed.equals(BUILTIN) || trimmed.equals("o200k_base")) {
      return builtin();
    }
    return LOADED.computeIfAbsent(trimmed + "@" + hub.hub(), key -> resolve(trimmed, hub));
  }

  private static Tokenizer resolve(String spec, HubOptions hub) {
    Path local = Path.of(spec);
    if (Files.isDirectory(local)) {
      Path json = local.resolve("tokenizer.json");
      if (!Files.isRegularFile(json)) {
        throw new IllegalArgumentException(
            "--tokenizer " + spec + ": directory has no tokenizer.json");
      }
      return new HuggingFaceTokenizerFile(spec, json);
    }
    if (Files.isRegularFile(local)) {
      return new HuggingFaceTokenizerFile(spec, local);
    }
    if (!MODEL_ID.matcher(spec).matches()) {
      throw new IllegalArgumentException(
          "--tokenizer "
              + spec
              + ": no such file, and not a Hugging Face model id (expected:"
              + " builtin, a path to tokenizer.json, or ORG/NAME)");
    }
    return new HuggingFaceTokenizerFile(spec, download(spec, hub));
  }

  private static Path download(String modelId, HubOptions hub) {
    Path cached = hub.cacheDir().resolve(modelId.replace("/", "--")).resolve("tokenizer.json");
    if (Files.isRegularFile(cached)) {
      return cached;
    }
    URI uri =
        URI.create(
            hub.hub().toString().replaceAll("/+$", "")
                + "/"
                + modelId
                + "/resolve/main/tokenizer.json");
    log.info("Downloading tokenizer of {} from {}", modelId, uri);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(hub.timeout()).GET();
    if (hub.token() != null && !hub.token().isBlank()) {
      request.header("Authorization", "Bearer " + hub.token());
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(hub.timeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IllegalArgumentException(
              "--tokenizer "
                  + modelId
                  + ": "
                  + uri
                  + " answered HTTP "
                  + response.statusCode()
                  + (response.statusCode() == 401 || response.statusCode() == 403
                      ? " (gated model: set HF_TOKEN)"
                      : ""));
        }
        Files.createDirectories(cached.getParent());
        Path partial =
            cached.resolveSibling("tokenizer.json.partial-" + ProcessHandle.current().pid());
        Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            partial, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return cached;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("--tokenizer " + modelId + ": cannot download " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("--tokenizer " + modelId + ": interrupted", e);
    }
  }
}
