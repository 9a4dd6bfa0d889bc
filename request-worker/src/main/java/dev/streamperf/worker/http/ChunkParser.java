package dev.streamperf.worker.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads OpenAI chat completion chunks (and whole non-streaming completions) with Jackson's
 * streaming parser, keeping only what {@link ChatChunk} holds and skipping everything else without
 * building a tree. Understands {@code delta} and {@code message}, {@code reasoning_content} and
 * {@code reasoning}, {@code usage} with its details, and errors as {@code {"error": ...}} or {@code
 * {"object": "error", "message": ...}}. Thread-safe.
 */
public final class ChunkParser {

  private final JsonFactory factory;

  public ChunkParser(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * Parses {@code json} into {@code out}, which it resets first.
   *
   * @throws IOException when the data is not one JSON object
   */
  public void parse(byte[] json, ChatChunk out) throws IOException {
    parse(json, 0, json.length, out);
  }

  /** Parses {@code length} bytes of {@code json} from {@code offset} into {@code out}. */
  public void parse(byte[] json, int offset, int length, ChatChunk out) throws IOException {
    out.reset();
    try (JsonParser p = factory.createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "expected a JSON object");
      }
      String object = null;
      String message = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "choices" -> choices(p, value, out);
          case "usage" -> usage(p, value, out);
          case "error" -> out.error = error(p, value);
          case "object" -> object = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
          case "message" -> message = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
          default -> p.skipChildren();
        }
      }
      if ("error".equals(object) && out.error == null) {
        out.error = message != null ? message : "error object without a message";
      }
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "trailing data after the JSON object");
      }
    }
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static void choices(JsonParser p, JsonToken value, ChatChunk out) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int index = 0;
      String content = null;
      String reasoning = null;
      boolean role = false;
      String finish = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken token = p.nextToken();
        switch (name) {
          case "index" -> index = token == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
          case "finish_reason" -> finish = token == JsonToken.VALUE_STRING ? p.getText() : null;
          case "delta", "message" -> {
            if (token != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken t = p.nextToken();
              switch (field) {
                case "content" -> content = nonEmpty(p, t, content);
                case "reasoning_content", "reasoning" -> reasoning = nonEmpty(p, t, reasoning);
                case "role" -> role = t == JsonToken.VALUE_STRING;
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (index == 0) {
        out.content = content;
        out.reasoning = reasoning;
        out.role = role;
        out.finishReason = finish;
      }
    }
  }

  private static String nonEmpty(JsonParser p, JsonToken token, String previous)
      throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      String text = p.getText();
      return text.isEmpty() ? previous : text;
    }
    p.skipChildren();
    return previous;
  }

  private static void usage(JsonParser p, JsonToken value, ChatChunk out) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    out.usage = true;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "prompt_tokens" -> out.promptTokens = intOr(p, token);
        case "completion_tokens" -> out.completionTokens = intOr(p, token);
        case "completion_tokens_details" ->
            out.reasoningTokens = nested(p, token, "reasoning_tokens");
        case "prompt_tokens_details" -> out.cachedTokens = nested(p, token, "cached_tokens");
        default -> p.skipChildren();
      }
    }
  }

  private static int intOr(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    p.skipChildren();
    return -1;
  }

  private static int nested(JsonParser p, JsonToken token, String wanted) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      p.skipChildren();
      return -1;
    }
    int found = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals(wanted)) {
        found = intOr(p, t);
      } else {
        p.skipChildren();
      }
    }
    return found;
  }

  private static String error(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return value == JsonToken.VALUE_NULL ? null : "error";
    }
    String message = null;
    String type = null;
    String code = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "message" -> message = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
        case "type" -> type = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
        case "code" ->
            code = t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : skip(p);
        default -> p.skipChildren();
      }
    }
    StringBuilder text = new StringBuilder(message != null ? message : "error");
    if (type != null || code != null) {
      text.append(" (");
      if (type != null) {
        text.append(type);
      }
      if (code != null) {
        text.append(type != null ? ", " : "").append("code ").append(code);
      }
      text.append(')');
    }
    return text.toString();
  }
}
