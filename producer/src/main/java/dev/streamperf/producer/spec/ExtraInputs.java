package dev.streamperf.producer.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * AIPerf's {@code --extra-inputs}: {@code key:value} pairs or JSON objects merged into every
 * request body. The keys the contract has fields for are lifted out of the body into them, so the
 * worker can name them the way each server expects: {@code max_tokens}/{@code
 * max_completion_tokens}, {@code min_tokens}, {@code ignore_eos} into the turn, {@code
 * temperature}, {@code top_p}, {@code top_k}, {@code seed}, {@code stop} into the sampling
 * parameters. Everything else stays in {@link #body()}.
 */
public final class ExtraInputs {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode all;
  private final ObjectNode body;
  private final Integer maxTokens;
  private final Integer minTokens;
  private final Boolean ignoreEos;
  private final Double temperature;
  private final Double topP;
  private final Integer topK;
  private final Long seed;
  private final List<String> stop;

  private ExtraInputs(ObjectNode all) {
    this.all = all;
    ObjectNode rest = all.deepCopy();
    Integer max = intField(rest, "max_completion_tokens");
    Integer legacyMax = intField(rest, "max_tokens");
    this.maxTokens = max != null ? max : legacyMax;
    this.minTokens = intField(rest, "min_tokens");
    this.ignoreEos = boolField(rest, "ignore_eos");
    this.temperature = doubleField(rest, "temperature");
    this.topP = doubleField(rest, "top_p");
    this.topK = intField(rest, "top_k");
    JsonNode seedNode = rest.get("seed");
    if (seedNode != null && !seedNode.canConvertToLong()) {
      throw bad("seed", seedNode, "an integer");
    }
    this.seed = seedNode == null ? null : rest.remove("seed").asLong();
    this.stop = stopField(rest);
    this.body = rest;
  }

  /** No extra inputs. */
  public static ExtraInputs none() {
    return new ExtraInputs(JSON.createObjectNode());
  }

  /**
   * Parses the option's values: each is a JSON object or {@code key:value}, where the value is
   * taken as JSON when it parses (numbers, true, false, null, arrays, objects) and as a string
   * otherwise. Later values win.
   *
   * @throws IllegalArgumentException naming the value that is neither
   */
  public static ExtraInputs parse(List<String> values) {
    ObjectNode merged = JSON.createObjectNode();
    for (String value : values) {
      String trimmed = value.trim();
      if (trimmed.startsWith("{")) {
        try {
          JsonNode node = JSON.readTree(trimmed);
          if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(
                "--extra-inputs: " + value + " (expected: a JSON object or key:value)");
          }
          merged.setAll(object);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(
              "--extra-inputs: " + value + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        continue;
      }
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "--extra-inputs: " + value + " (expected: key:value or a JSON object)");
      }
      String key = trimmed.substring(0, colon).trim();
      String raw = trimmed.substring(colon + 1).trim();
      merged.set(key, scalar(raw));
    }
    return new ExtraInputs(merged);
  }

  /** From a JSON object, e.g. the one a run's configuration recorded. */
  public static ExtraInputs of(Map<String, ?> values) {
    return new ExtraInputs(JSON.valueToTree(values));
  }

  private static JsonNode scalar(String raw) {
    try {
      return JSON.readTree(raw);
    } catch (JsonProcessingException | RuntimeException e) {
      return JSON.getNodeFactory().textNode(raw);
    }
  }

  /** Every input as given, for the run's recorded configuration. */
  public ObjectNode asJson() {
    return all.deepCopy();
  }

  /** The members merged into the body as they are: null when there are none. */
  public String bodyJson() {
    return body.isEmpty() ? null : body.toString();
  }

  public ObjectNode body() {
    return body.deepCopy();
  }

  public Integer maxTokens() {
    return maxTokens;
  }

  public Integer minTokens() {
    return minTokens;
  }

  public Boolean ignoreEos() {
    return ignoreEos;
  }

  public Double temperature() {
    return temperature;
  }

  public Double topP() {
    return topP;
  }

  public Integer topK() {
    return topK;
  }

  public Long seed() {
    return seed;
  }

  public List<String> stop() {
    return stop;
  }

  private static Integer intField(ObjectNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null) {
      return null;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw bad(key, value, "an integer");
    }
    node.remove(key);
    return value.asInt();
  }

  private static Double doubleField(ObjectNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      throw bad(key, value, "a number");
    }
    node.remove(key);
    return value.asDouble();
  }

  private static Boolean boolField(ObjectNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      throw bad(key, value, "true or false");
    }
    node.remove(key);
    return value.asBoolean();
  }

  private static List<String> stopField(ObjectNode node) {
    JsonNode value = node.get("stop");
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (value.isTextual()) {
      out.add(value.asText());
    } else if (value.isArray()) {
      for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
        JsonNode element = it.next();
        if (!element.isTextual()) {
          throw bad("stop", value, "a string or an array of strings");
        }
        out.add(element.asText());
      }
    } else {
      throw bad("stop", value, "a string or an array of strings");
    }
    node.remove("stop");
    return List.copyOf(out);
  }

  private static IllegalArgumentException bad(String key, JsonNode value, String expected) {
    return new IllegalArgumentException(
        "--extra-inputs " + key + ": " + value + " (expected: " + expected + ")");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtraInputs other && other.all.equals(all);
  }

  @Override
  public int hashCode() {
    return all.hashCode();
  }

  @Override
  public String toString() {
    return all.toString();
  }
}
