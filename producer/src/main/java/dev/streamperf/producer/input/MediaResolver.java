package dev.streamperf.producer.input;

import dev.streamperf.producer.input.InputTurn.MediaRef;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.PartType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Turns a medium named in an input into what a request carries: a local path (relative to the input
 * file) or a data URL is read, checked (an image must decode) and becomes a {@link Medium}
 * published once to the media topic; an http(s) URL is passed through for the server to fetch, or
 * with {@link MediaUrls#FETCH} downloaded and treated like a file. Each location is resolved once.
 */
public final class MediaResolver {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path baseDir;
  private final MediaUrls urls;
  private final Map<String, Resolved> cache = new HashMap<>();
  private HttpClient http;

  /** A resolved medium: the part a message carries and the medium to publish (null for a URL). */
  public record Resolved(ContentPart part, Medium medium) {}

  public MediaResolver(Path baseDir, MediaUrls urls) {
    this.baseDir = baseDir;
    this.urls = urls;
  }

  /**
   * Resolves one medium of a line.
   *
   * @throws InputException naming the file, line and field when it cannot be read or decoded
   */
  public Resolved resolve(Path file, int line, MediaRef ref) {
    String key = ref.type() + " " + ref.location();
    Resolved done = cache.get(key);
    if (done != null) {
      return done;
    }
    Resolved resolved = load(file, line, ref);
    cache.put(key, resolved);
    return resolved;
  }

  private Resolved load(Path file, int line, MediaRef ref) {
    String location = ref.location().trim();
    String lower = location.toLowerCase(Locale.ROOT);
    if (location.isEmpty()) {
      throw new InputException(file, line, ref.field(), "empty (expected: a path or URL)");
    }
    if (lower.startsWith("data:")) {
      int comma = location.indexOf(',');
      int semicolon = location.indexOf(';');
      if (comma < 0 || semicolon < 0 || semicolon > comma) {
        throw new InputException(
            file,
            line,
            ref.field(),
            "a data URL without ';base64,' (expected: data:MIME;base64,...)");
      }
      String mime = location.substring(5, semicolon);
      byte[] data;
      try {
        data = Base64.getDecoder().decode(location.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        throw new InputException(file, line, ref.field(), "a data URL that is not base64");
      }
      return medium(file, line, ref, data, mime, "data URL of " + file.getFileName());
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      URI uri;
      try {
        uri = URI.create(location);
      } catch (IllegalArgumentException e) {
        throw new InputException(file, line, ref.field(), "not a URL: " + location);
      }
      if (urls == MediaUrls.PASS) {
        ContentPart part =
            ContentPart.newBuilder()
                .setType(ref.type())
                .setUrl(location)
                .setMimeType(mimeOf(uri.getPath(), ref.type()))
                .build();
        return new Resolved(part, null);
      }
      Fetched fetched = fetch(file, line, ref, uri);
      return medium(file, line, ref, fetched.data, fetched.mime, location);
    }
    Path path;
    try {
      path = baseDir.resolve(location).normalize();
    } catch (InvalidPathException e) {
      throw new InputException(file, line, ref.field(), "not a path: " + location);
    }
    if (!Files.isRegularFile(path)) {
      throw new InputException(file, line, ref.field(), "no such file: " + path);
    }
    byte[] data;
    try {
      data = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InputException(file, line, ref.field(), "cannot read " + path + ": " + e, e);
    }
    return medium(file, line, ref, data, mimeOf(path.toString(), ref.type()), path.toString());
  }

  private record Fetched(byte[] data, String mime) {}

  private Fetched fetch(Path file, int line, MediaRef ref, URI uri) {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new InputException(
            file, line, ref.field(), "GET " + uri + ": HTTP " + response.statusCode());
      }
      String mime =
          response
              .headers()
              .firstValue("Content-Type")
              .map(v -> v.split(";")[0].trim())
              .filter(v -> !v.isEmpty() && !v.equals("application/octet-stream"))
              .orElse(mimeOf(uri.getPath(), ref.type()));
      return new Fetched(response.body(), mime);
    } catch (IOException e) {
      throw new InputException(file, line, ref.field(), "GET " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InputException(file, line, ref.field(), "GET " + uri + ": interrupted", e);
    }
  }

  private Resolved medium(
      Path file, int line, MediaRef ref, byte[] data, String mime, String source) {
    String format = formatOf(mime);
    Medium medium;
    if (ref.type() == PartType.IMAGE) {
      BufferedImage image;
      try {
        image = ImageIO.read(new ByteArrayInputStream(data));
      } catch (IOException | RuntimeException e) {
        image = null;
      }
      if (image == null) {
        throw new InputException(
            file,
            line,
            ref.field(),
            "not a readable image (" + data.length + " bytes, " + mime + ")");
      }
      medium = Medium.image(mime, format, data, image.getWidth(), image.getHeight(), source);
    } else if (ref.type() == PartType.AUDIO && format.equals("wav")) {
      try {
        AudioFileFormat audio = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(data));
        float rate = audio.getFormat().getSampleRate();
        long millis = Math.round(audio.getFrameLength() * 1000.0 / rate);
        medium =
            Medium.audio(
                mime,
                format,
                data,
                millis,
                Math.round(rate),
                audio.getFormat().getChannels(),
                audio.getFormat().getSampleSizeInBits(),
                source);
      } catch (UnsupportedAudioFileException | IOException e) {
        throw new InputException(file, line, ref.field(), "not a readable WAV file: " + e, e);
      }
    } else {
      medium =
          new Medium(
              Medium.sha256(data),
              ref.type(),
              mime,
              format,
              data,
              null,
              null,
              null,
              null,
              null,
              null,
              source);
    }
    return new Resolved(medium.part(), medium);
  }

  /** The MIME type of a path by its extension, with a default per medium type. */
  static String mimeOf(String path, PartType type) {
    String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
    String ext = p.contains(".") ? p.substring(p.lastIndexOf('.') + 1) : "";
    return switch (ext) {
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "webp" -> "image/webp";
      case "gif" -> "image/gif";
      case "bmp" -> "image/bmp";
      case "wav" -> "audio/wav";
      case "mp3" -> "audio/mpeg";
      case "flac" -> "audio/flac";
      case "ogg" -> "audio/ogg";
      case "mp4" -> "video/mp4";
      case "webm" -> "video/webm";
      default ->
          switch (type) {
            case IMAGE -> "image/png";
            case AUDIO -> "audio/wav";
            case VIDEO -> "video/mp4";
            default -> "application/octet-stream";
          };
    };
  }

  /** The short format name OpenAI's input_audio.format expects (wav, mp3, png, jpeg, ...). */
  static String formatOf(String mime) {
    String sub = mime.substring(mime.indexOf('/') + 1).toLowerCase(Locale.ROOT);
    return switch (sub) {
      case "mpeg", "mp3" -> "mp3";
      case "x-wav", "wave", "vnd.wave" -> "wav";
      case "jpg" -> "jpeg";
      default -> sub;
    };
  }
}
