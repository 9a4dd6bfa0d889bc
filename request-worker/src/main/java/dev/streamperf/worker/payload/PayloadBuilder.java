package dev.streamperf.worker.payload;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import dev.streamperf.worker.media.ResolvedMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the JSON body of one turn's {@code POST /v1/chat/completions}: the conversation so far
 * (earlier turns' messages, each followed by the live assistant reply), this turn's messages,
 * streaming and usage options, token limits, sampling parameters, and the request's extra body
 * merged last (its members win). Media parts become OpenAI content parts: {@code image_url} and
 * {@code video_url} with data URLs, {@code input_audio} with base64 data and format; URL parts pass
 * through ({@code audio_url} for an http(s) audio URL, as vLLM accepts). Thread-safe.
 */
public final class PayloadBuilder {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JsonFactory factory;
  private final boolean useLegacyMaxTokens;
  private final boolean includeUsage;

  public PayloadBuilder(JsonFactory factory, boolean useLegacyMaxTokens, boolean includeUsage) {
    this.factory = factory;
    this.useLegacyMaxTokens = useLegacyMaxTokens;
    this.includeUsage = includeUsage;
  }

  /**
   * Parses a request's {@code extraBody}.
   *
   * @return the object, or null when there is none
   * @throws IllegalArgumentException when it is not a JSON object
   */
  public static ObjectNode parseExtraBody(String extraBody) {
    if (extraBody == null || extraBody.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(extraBody);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("extraBody: not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          "extraBody: " + node.getNodeType() + " (expected: an object)");
    }
    return object;
  }

  /**
   * The body of turn {@code turnIndex}.
   *
   * @param request the session
   * @param turnIndex which turn
   * @param replies the assistant replies of turns 0..turnIndex-1
   * @param extraBody the parsed extra body, or null
   * @param media resolved media by SHA-256
   * @throws MissingMediaException when a part references a medium not in {@code media}
   */
  public byte[] build(
      InferenceRequest request,
      int turnIndex,
      List<String> replies,
      ObjectNode extraBody,
      Map<String, ResolvedMedia> media)
      throws MissingMediaException {
    Turn turn = request.getTurns().get(turnIndex);
    Set<String> overridden = extraBody == null ? Set.of() : fieldNames(extraBody);
    ByteArrayBuilder out = new ByteArrayBuilder(1024);
    try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!overridden.contains("model")) {
        g.writeStringField("model", request.getModel());
      }
      if (!overridden.contains("messages")) {
        g.writeArrayFieldStart("messages");
        for (int t = 0; t < turnIndex; t++) {
          for (Message message : request.getTurns().get(t).getMessages()) {
            writeMessage(g, message, media);
          }
          g.writeStartObject();
          g.writeStringField("role", "assistant");
          g.writeStringField("content", replies.get(t));
          g.writeEndObject();
        }
        for (Message message : turn.getMessages()) {
          writeMessage(g, message, media);
        }
        g.writeEndArray();
      }
      boolean stream = request.getStream();
      if (!overridden.contains("stream")) {
        g.writeBooleanField("stream", stream);
      }
      if (stream && includeUsage && !overridden.contains("stream_options")) {
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      String maxTokensField = useLegacyMaxTokens ? "max_tokens" : "max_completion_tokens";
      if (turn.getMaxTokens() != null && !overridden.contains(maxTokensField)) {
        g.writeNumberField(maxTokensField, turn.getMaxTokens());
      }
      if (turn.getMinTokens() != null && !overridden.contains("min_tokens")) {
        g.writeNumberField("min_tokens", turn.getMinTokens());
      }
      if (turn.getIgnoreEos() != null && !overridden.contains("ignore_eos")) {
        g.writeBooleanField("ignore_eos", turn.getIgnoreEos());
      }
      writeSampling(g, request.getSampling(), overridden);
      if (extraBody != null) {
        for (Map.Entry<String, JsonNode> field : extraBody.properties()) {
          g.writeFieldName(field.getKey());
          MAPPER.writeTree(g, field.getValue());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing a request body to memory", e);
    }
    return out.toByteArray();
  }

  private static Set<String> fieldNames(ObjectNode node) {
    Set<String> names = new HashSet<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      names.add(field.getKey());
    }
    return names;
  }

  private static void writeSampling(JsonGenerator g, SamplingParameters s, Set<String> overridden)
      throws IOException {
    if (s == null) {
      return;
    }
    if (s.getTemperature() != null && !overridden.contains("temperature")) {
      g.writeNumberField("temperature", s.getTemperature());
    }
    if (s.getTopP() != null && !overridden.contains("top_p")) {
      g.writeNumberField("top_p", s.getTopP());
    }
    if (s.getTopK() != null && !overridden.contains("top_k")) {
      g.writeNumberField("top_k", s.getTopK());
    }
    if (s.getSeed() != null && !overridden.contains("seed")) {
      g.writeNumberField("seed", s.getSeed());
    }
    if (!s.getStop().isEmpty() && !overridden.contains("stop")) {
      g.writeArrayFieldStart("stop");
      for (String stop : s.getStop()) {
        g.writeString(stop);
      }
      g.writeEndArray();
    }
  }

  private void writeMessage(JsonGenerator g, Message message, Map<String, ResolvedMedia> media)
      throws IOException, MissingMediaException {
    g.writeStartObject();
    g.writeStringField("role", message.getRole());
    List<ContentPart> parts = message.getParts();
    if (parts.size() == 1 && parts.get(0).getType() == PartType.TEXT) {
      g.writeStringField("content", textOf(parts.get(0)));
    } else {
      g.writeArrayFieldStart("content");
      for (ContentPart part : parts) {
        writePart(g, part, media);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static String textOf(ContentPart part) {
    return part.getText() == null ? "" : part.getText();
  }

  private void writePart(JsonGenerator g, ContentPart part, Map<String, ResolvedMedia> media)
      throws IOException, MissingMediaException {
    g.writeStartObject();
    PartType type = part.getType();
    if (type == PartType.TEXT) {
      g.writeStringField("type", "text");
      g.writeStringField("text", textOf(part));
      g.writeEndObject();
      return;
    }
    if (part.getMediaSha256() != null) {
      ResolvedMedia resolved = media.get(part.getMediaSha256());
      if (resolved == null) {
        throw new MissingMediaException(
            "medium " + part.getMediaSha256() + " (" + type + ") was not resolved");
      }
      switch (type) {
        case IMAGE -> urlPart(g, "image_url", resolved.encoded());
        case VIDEO -> urlPart(g, "video_url", resolved.encoded());
        case AUDIO -> {
          g.writeStringField("type", "input_audio");
          g.writeObjectFieldStart("input_audio");
          g.writeFieldName("data");
          g.writeRawUTF8String(resolved.encoded(), 0, resolved.encoded().length);
          g.writeStringField("format", resolved.format());
          g.writeEndObject();
        }
        default -> throw new IllegalStateException("unexpected part type " + type);
      }
    } else if (part.getUrl() != null) {
      String url = part.getUrl();
      switch (type) {
        case IMAGE -> urlPart(g, "image_url", url.getBytes(StandardCharsets.UTF_8));
        case VIDEO -> urlPart(g, "video_url", url.getBytes(StandardCharsets.UTF_8));
        case AUDIO -> audioUrl(g, url);
        default -> throw new IllegalStateException("unexpected part type " + type);
      }
    } else {
      throw new MissingMediaException(type + " part has neither mediaSha256 nor url");
    }
    g.writeEndObject();
  }

  private static void urlPart(JsonGenerator g, String field, byte[] url) throws IOException {
    g.writeStringField("type", field);
    g.writeObjectFieldStart(field);
    g.writeFieldName("url");
    if (isPlainAscii(url)) {
      g.writeRawUTF8String(url, 0, url.length);
    } else {
      g.writeString(new String(url, StandardCharsets.UTF_8));
    }
    g.writeEndObject();
  }

  /** Whether the bytes need no JSON escaping: printable ASCII without quote or backslash. */
  private static boolean isPlainAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b == '"' || b == '\\' || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static void audioUrl(JsonGenerator g, String url) throws IOException {
    String lower = url.toLowerCase(Locale.ROOT);
    int comma = url.indexOf(',');
    if (lower.startsWith("data:") && lower.contains(";base64,") && comma > 0) {
      String mime = url.substring(5, url.indexOf(';'));
      String format = mime.contains("/") ? mime.substring(mime.indexOf('/') + 1) : mime;
      if (format.equals("mpeg")) {
        format = "mp3";
      } else if (format.equals("x-wav") || format.equals("wave")) {
        format = "wav";
      }
      g.writeStringField("type", "input_audio");
      g.writeObjectFieldStart("input_audio");
      g.writeStringField("data", url.substring(comma + 1));
      g.writeStringField("format", format);
      g.writeEndObject();
    } else {
      g.writeStringField("type", "audio_url");
      g.writeObjectFieldStart("audio_url");
      g.writeStringField("url", url);
      g.writeEndObject();
    }
  }

  /** Images, audio clips and videos among a turn's own messages. */
  public static int[] mediaCounts(Turn turn) {
    int[] counts = new int[3];
    for (Message message : turn.getMessages()) {
      for (ContentPart part : message.getParts()) {
        switch (part.getType()) {
          case IMAGE -> counts[0]++;
          case AUDIO -> counts[1]++;
          case VIDEO -> counts[2]++;
          default -> {}
        }
      }
    }
    return counts;
  }

  /**
   * The text a tokenizer counts as the turn's input when the server reports no usage: every text
   * part and earlier assistant reply of the conversation sent, joined by newlines.
   */
  public static String promptText(InferenceRequest request, int turnIndex, List<String> replies) {
    StringBuilder text = new StringBuilder();
    for (int t = 0; t <= turnIndex; t++) {
      for (Message message : request.getTurns().get(t).getMessages()) {
        for (ContentPart part : message.getParts()) {
          if (part.getType() == PartType.TEXT && part.getText() != null) {
            if (text.length() > 0) {
              text.append('\n');
            }
            text.append(part.getText());
          }
        }
      }
      if (t < turnIndex && t < replies.size()) {
        text.append('\n').append(replies.get(t));
      }
    }
    return text.toString();
  }
}
