package dev.streamperf.evaluator.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The answer the MLPerf VLM benchmark asks for: a JSON object with exactly the keys {@code
 * category}, {@code brand} and {@code is_secondhand}. {@link #parse} accepts what the reference
 * implementation's model ({@code ProductMetadata.model_validate_json}, extra keys forbidden)
 * accepts: the bare object with optional surrounding whitespace, strings for the two text fields,
 * and for {@code is_secondhand} a boolean or its lax forms (0/1, "true"/"false", "yes"/"no", ...).
 * A code fence, prose around the object, a missing or extra key, or a wrong type is unparsable.
 *
 * @param category the category path, levels separated by {@code " > "}
 * @param brand the brand
 * @param isSecondhand whether the product is second-hand
 */
public record ProductMetadata(String category, String brand, boolean isSecondhand) {

  /** The keys, in the order the reference schema lists them. */
  public static final List<String> KEYS = List.of("category", "brand", "is_secondhand");

  private static final Set<String> TRUE_WORDS = Set.of("1", "on", "t", "true", "y", "yes");
  private static final Set<String> FALSE_WORDS = Set.of("0", "off", "f", "false", "n", "no");
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** The object as the benchmark expects it, e.g. for a scripted simulator answer. */
  public String toJson() {
    return STRICT
        .createObjectNode()
        .put("category", category)
        .put("brand", brand)
        .put("is_secondhand", isSecondhand)
        .toString();
  }

  /** The result of parsing a response: the metadata, or why it is unparsable. */
  public record Parse(ProductMetadata value, String error) {
    public boolean ok() {
      return value != null;
    }
  }

  /** Parses a model response; never throws. */
  public static Parse parse(String json) {
    JsonNode node;
    try {
      node = STRICT.readTree(json);
    } catch (JsonProcessingException e) {
      return new Parse(null, "not a JSON document: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return new Parse(null, "not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        return new Parse(null, "extra key '" + name + "'");
      }
    }
    for (String key : KEYS) {
      if (!node.has(key)) {
        return new Parse(null, "missing key '" + key + "'");
      }
    }
    JsonNode category = node.get("category");
    JsonNode brand = node.get("brand");
    if (!category.isTextual()) {
      return new Parse(null, "'category' is not a string");
    }
    if (!brand.isTextual()) {
      return new Parse(null, "'brand' is not a string");
    }
    Boolean secondhand = laxBoolean(node.get("is_secondhand"));
    if (secondhand == null) {
      return new Parse(null, "'is_secondhand' is not a boolean");
    }
    return new Parse(
        new ProductMetadata(category.textValue(), brand.textValue(), secondhand), null);
  }

  private static Boolean laxBoolean(JsonNode node) {
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber() || node.isFloatingPointNumber()) {
      double v = node.doubleValue();
      if (v == 0.0) {
        return false;
      }
      if (v == 1.0) {
        return true;
      }
      return null;
    }
    if (node.isTextual()) {
      String word = node.textValue().strip().toLowerCase(Locale.ROOT);
      if (TRUE_WORDS.contains(word)) {
        return true;
      }
      if (FALSE_WORDS.contains(word)) {
        return false;
      }
    }
    return null;
  }
}
