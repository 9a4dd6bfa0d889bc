package dev.streamperf.evaluator.mlperf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The product catalogue's ground truth from a local copy: JSON Lines, one row per line in the
 * dataset's order (train then test), so line {@code n} (1-based) is {@code qsl_idx n − 1}. Each row
 * needs {@code ground_truth_category}, {@code ground_truth_brand} and {@code
 * ground_truth_is_secondhand}; other columns are ignored. The {@code datasets} library writes such
 * a file: {@code load_dataset("Shopify/product-catalogue", split="train+test")
 * .remove_columns("product_image").to_json("ground_truth.jsonl")}.
 */
public final class GroundTruth {

  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private GroundTruth() {}

  /**
   * Reads the rows' ground truth, in order.
   *
   * @throws InvalidInputException naming the file, line and field of the first bad row
   */
  public static List<ProductMetadata> readJsonLines(Path file) throws IOException {
    List<ProductMetadata> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      long line = 0;
      while ((text = in.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          throw new InvalidInputException(
              file.toString(), line, "empty line (expected: one JSON object per line)");
        }
        rows.add(row(file.toString(), line, text));
      }
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException(file.toString(), 0, "no rows");
    }
    return rows;
  }

  private static ProductMetadata row(String name, long line, String text)
      throws InvalidInputException {
    JsonNode node;
    try {
      node = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(name, line, "not JSON: " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      throw new InvalidInputException(name, line, "not a JSON object");
    }
    String category = text(name, line, node, "ground_truth_category");
    String brand = text(name, line, node, "ground_truth_brand");
    JsonNode secondhand = node.get("ground_truth_is_secondhand");
    if (secondhand == null || !secondhand.isBoolean()) {
      throw new InvalidInputException(
          name,
          line,
          "field 'ground_truth_is_secondhand': "
              + (secondhand == null ? "missing" : "not a boolean")
              + " (expected: true or false)");
    }
    return new ProductMetadata(category, brand, secondhand.booleanValue());
  }

  private static String text(String name, long line, JsonNode node, String field)
      throws InvalidInputException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidInputException(
          name, line, "field '" + field + "': " + (value == null ? "missing" : "not a string"));
    }
    return value.textValue();
  }
}
