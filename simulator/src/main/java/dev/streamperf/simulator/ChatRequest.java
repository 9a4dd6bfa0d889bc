package dev.streamperf.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body, checked: what the simulator needs to answer it. Every
 * rejection is an {@link ApiError} whose param is the JSON path of the offending field.
 */
final class ChatRequest {

  enum MediaKind {
    IMAGE,
    AUDIO,
    VIDEO
  }

  /** A medium: its bytes when inline (data URL, input_audio), its URL when to be fetched. */
  record Media(MediaKind kind, String param, byte[] data, String url, String format) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  final String model;
  final boolean stream;
  final boolean includeUsage;
  final Integer maxTokens;
  final int minTokens;
  final boolean ignoreEos;
  final Long seed;
  final String lastUserText;
  final int textTokens;
  final List<Media> media;

  private ChatRequest(
      String model,
      boolean stream,
      boolean includeUsage,
      Integer maxTokens,
      int minTokens,
      boolean ignoreEos,
      Long seed,
      String lastUserText,
      int textTokens,
      List<Media> media) {
    this.model = model;
    this.stream = stream;
    this.includeUsage = includeUsage;
    this.maxTokens = maxTokens;
    this.minTokens = minTokens;
    this.ignoreEos = ignoreEos;
    this.seed = seed;
    this.lastUserText = lastUserText;
    this.textTokens = textTokens;
    this.media = media;
  }

  /**
   * Parses and checks a body.
   *
   * @throws ApiError 400 naming the field, or 404 for an unknown model
   */
  static ChatRequest parse(InputStream body, List<String> models, Tokenizer tokenizer) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiError.badRequest(null, "body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest(null, "body is not a JSON object");
    }

    String model = optionalText(root, "model");
    if (model == null) {
      model = models.get(0);
    } else if (!models.contains(model)) {
      throw ApiError.modelNotFound(model);
    }
    boolean stream = optionalBoolean(root, "stream", false);
    boolean includeUsage = false;
    JsonNode options = root.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        throw ApiError.badRequest("stream_options", options + " (expected: an object)");
      }
      if (!stream) {
        throw ApiError.badRequest(
            "stream_options", "can only be given when stream is true (expected: stream: true)");
      }
      includeUsage = optionalBoolean(options, "include_usage", "stream_options.include_usage");
    }
    Integer maxTokens = optionalInt(root, "max_completion_tokens", 1);
    if (maxTokens == null) {
      maxTokens = optionalInt(root, "max_tokens", 1);
    }
    Integer minTokens = optionalInt(root, "min_tokens", 0);
    if (minTokens == null) {
      minTokens = 0;
    }
    if (maxTokens != null && minTokens > maxTokens) {
      throw ApiError.badRequest(
          "min_tokens", minTokens + " (expected: <= max_tokens " + maxTokens + ")");
    }
    boolean ignoreEos = optionalBoolean(root, "ignore_eos", false);
    Long seed = null;
    JsonNode seedNode = root.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        throw ApiError.badRequest("seed", seedNode + " (expected: an integer)");
      }
      seed = seedNode.longValue();
    }
    Integer n = optionalInt(root, "n", 1);
    if (n != null && n != 1) {
      throw ApiError.badRequest("n", n + " (expected: 1; the simulator generates one choice)");
    }

    JsonNode messages = root.get("messages");
    if (messages == null || messages.isNull()) {
      throw ApiError.badRequest("messages", "missing (expected: an array of messages)");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw ApiError.badRequest("messages", messages + " (expected: a non-empty array)");
    }
    int textTokens = 0;
    String lastUserText = "";
    List<Media> media = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String path = "messages[" + i + "]";
      JsonNode message = messages.get(i);
      if (!message.isObject()) {
        throw ApiError.badRequest(path, abbreviate(message) + " (expected: an object)");
      }
      JsonNode roleNode = message.get("role");
      if (roleNode == null || !roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
        throw ApiError.badRequest(
            path + ".role",
            (roleNode == null ? "missing" : roleNode.toString())
                + " (expected: system, developer, user, assistant or tool)");
      }
      StringBuilder text = new StringBuilder();
      JsonNode content = message.get("content");
      if (content == null || content.isNull()) {
        if (roleNode.asText().equals("user") || roleNode.asText().equals("system")) {
          throw ApiError.badRequest(path + ".content", "missing (expected: a string or parts)");
        }
      } else if (content.isTextual()) {
        text.append(content.asText());
        textTokens += tokenizer.count(content.asText());
      } else if (content.isArray()) {
        for (int j = 0; j < content.size(); j++) {
          String partPath = path + ".content[" + j + "]";
          String partText = part(content.get(j), partPath, media);
          if (partText != null) {
            if (text.length() > 0) {
              text.append('\n');
            }
            text.append(partText);
            textTokens += tokenizer.count(partText);
          }
        }
      } else {
        throw ApiError.badRequest(
            path + ".content", abbreviate(content) + " (expected: a string or an array of parts)");
      }
      if (roleNode.asText().equals("user")) {
        lastUserText = text.toString();
      }
    }
    return new ChatRequest(
        model,
        stream,
        includeUsage,
        maxTokens,
        minTokens,
        ignoreEos,
        seed,
        lastUserText,
        textTokens,
        List.copyOf(media));
  }

  /** One content part: returns its text, or adds its medium and returns null. */
  private static String part(JsonNode part, String path, List<Media> media) {
    if (!part.isObject()) {
      throw ApiError.badRequest(path, abbreviate(part) + " (expected: an object)");
    }
    JsonNode typeNode = part.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw ApiError.badRequest(path + ".type", "missing (expected: a part type)");
    }
    String type = typeNode.asText();
    switch (type) {
      case "text" -> {
        JsonNode text = part.get("text");
        if (text == null || !text.isTextual()) {
          throw ApiError.badRequest(
              path + ".text",
              (text == null ? "missing" : abbreviate(text)) + " (expected: a string)");
        }
        return text.asText();
      }
      case "image_url" -> media.add(urlMedia(part, "image_url", path, MediaKind.IMAGE));
      case "audio_url" -> media.add(urlMedia(part, "audio_url", path, MediaKind.AUDIO));
      case "video_url" -> media.add(urlMedia(part, "video_url", path, MediaKind.VIDEO));
      case "input_audio" -> {
        JsonNode audio = part.get("input_audio");
        String audioPath = path + ".input_audio";
        if (audio == null || !audio.isObject()) {
          throw ApiError.badRequest(audioPath, "missing (expected: {data, format})");
        }
        JsonNode format = audio.get("format");
        if (format == null || !format.isTextual()) {
          throw ApiError.badRequest(audioPath + ".format", "missing (expected: wav or mp3)");
        }
        String fmt = format.asText().toLowerCase(Locale.ROOT);
        if (!fmt.equals("wav") && !fmt.equals("mp3")) {
          throw ApiError.badRequest(
              audioPath + ".format", "'" + format.asText() + "' (expected: wav or mp3)");
        }
        JsonNode data = audio.get("data");
        if (data == null || !data.isTextual() || data.asText().isEmpty()) {
          throw ApiError.badRequest(audioPath + ".data", "missing (expected: base64 audio)");
        }
        media.add(
            new Media(
                MediaKind.AUDIO,
                audioPath + ".data",
                base64(data.asText(), audioPath + ".data"),
                null,
                fmt));
      }
      default ->
          throw ApiError.badRequest(
              path + ".type",
              "'" + type + "' (expected: text, image_url, input_audio, audio_url or video_url)");
    }
    return null;
  }

  private static Media urlMedia(JsonNode part, String field, String path, MediaKind kind) {
    String fieldPath = path + "." + field;
    JsonNode holder = part.get(field);
    JsonNode url = holder != null && holder.isObject() ? holder.get("url") : holder;
    if (url == null || !url.isTextual() || url.asText().isEmpty()) {
      throw ApiError.badRequest(fieldPath + ".url", "missing (expected: a data: or http(s) URL)");
    }
    String value = url.asText();
    String urlPath = fieldPath + ".url";
    if (value.startsWith("data:")) {
      int comma = value.indexOf(',');
      if (comma < 0) {
        throw ApiError.badRequest(urlPath, "data URL has no ',' (expected: data:TYPE;base64,...)");
      }
      String header = value.substring(5, comma);
      if (!header.endsWith(";base64")) {
        throw ApiError.badRequest(
            urlPath, "data URL is not base64 (expected: data:TYPE;base64,...)");
      }
      String mime = header.substring(0, header.length() - ";base64".length());
      String format = mime.contains("/") ? mime.substring(mime.indexOf('/') + 1) : null;
      return new Media(kind, urlPath, base64(value.substring(comma + 1), urlPath), null, format);
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new Media(kind, urlPath, null, value, null);
    }
    throw ApiError.badRequest(
        urlPath, "'" + abbreviate(value) + "' (expected: a data: or http(s) URL)");
  }

  private static byte[] base64(String text, String path) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(path, "not valid base64: " + e.getMessage());
    }
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiError.badRequest(field, abbreviate(value) + " (expected: a string)");
    }
    return value.asText();
  }

  private static boolean optionalBoolean(JsonNode node, String field, boolean otherwise) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return otherwise;
    }
    if (!value.isBoolean()) {
      throw ApiError.badRequest(field, abbreviate(value) + " (expected: true or false)");
    }
    return value.booleanValue();
  }

  private static boolean optionalBoolean(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiError.badRequest(path, abbreviate(value) + " (expected: true or false)");
    }
    return value.booleanValue();
  }

  private static Integer optionalInt(JsonNode node, String field, int min) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw ApiError.badRequest(field, abbreviate(value) + " (expected: an integer)");
    }
    int number = value.intValue();
    if (number < min) {
      throw ApiError.badRequest(field, number + " (expected: >= " + min + ")");
    }
    return number;
  }

  private static String abbreviate(JsonNode node) {
    return abbreviate(node.toString());
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
