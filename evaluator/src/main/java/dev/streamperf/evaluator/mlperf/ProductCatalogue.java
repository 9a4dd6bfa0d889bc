package dev.streamperf.evaluator.mlperf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The product catalogue's rows ({@link ProductSample}) from a local copy: JSON Lines, one row per
 * line in the dataset's order (train then test), so line {@code n} (1-based) is {@code qsl_idx n −
 * 1}. Each row has the dataset's columns {@code product_title}, {@code product_description}, {@code
 * product_image}, {@code potential_product_categories}, {@code ground_truth_category}, {@code
 * ground_truth_brand} and {@code ground_truth_is_secondhand}; other columns are ignored.
 *
 * <p>{@code product_image} is the encoded image (JPEG, PNG, WEBP, GIF or BMP) as one of: a base64
 * string; a {@code data:image/...;base64,} URL; or the {@code datasets} library's image object
 * {@code {"bytes": BASE64, "path": ...}}, whose {@code path}, when {@code bytes} is null, names the
 * image file relative to the JSONL file's folder.
 */
public final class ProductCatalogue {

  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private ProductCatalogue() {}

  /**
   * Reads the first {@code limit} rows (all when {@code limit} is 0), in order.
   *
   * @throws InvalidInputException naming the file, line and field of the first bad row, or when the
   *     file has fewer than {@code limit} rows
   */
  public static List<ProductSample> readJsonLines(Path file, int limit) throws IOException {
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
    }
    List<ProductSample> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      long line = 0;
      while ((limit == 0 || rows.size() < limit) && (text = in.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          throw new InvalidInputException(
              file.toString(), line, "empty line (expected: one JSON object per line)");
        }
        rows.add(row(file, line, rows.size(), text));
      }
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException(file.toString(), 0, "no rows");
    }
    if (limit > 0 && rows.size() < limit) {
      throw new InvalidInputException(
          file.toString(),
          rows.size(),
          "only " + rows.size() + " rows (expected: at least " + limit + ", the sample count)");
    }
    return rows;
  }

  private static ProductSample row(Path file, long line, int index, String text)
      throws InvalidInputException {
    String name = file.toString();
    JsonNode node;
    try {
      node = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(name, line, "not JSON: " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      throw new InvalidInputException(name, line, "not a JSON object");
    }
    JsonNode candidates = node.get("potential_product_categories");
    if (candidates == null || !candidates.isArray()) {
      throw new InvalidInputException(
          name,
          line,
          "field 'potential_product_categories': "
              + (candidates == null ? "missing" : "not an array")
              + " (expected: a list of category paths)");
    }
    List<String> categories = new ArrayList<>();
    for (JsonNode c : candidates) {
      if (!c.isTextual()) {
        throw new InvalidInputException(
            name, line, "field 'potential_product_categories': an element is not a string");
      }
      categories.add(c.textValue());
    }
    JsonNode secondhand = node.get("ground_truth_is_secondhand");
    if (secondhand == null || !secondhand.isBoolean()) {
      throw new InvalidInputException(
          name,
          line,
          "field 'ground_truth_is_secondhand': "
              + (secondhand == null ? "missing" : "not a boolean")
              + " (expected: true or false)");
    }
    byte[] image = image(file, line, node.get("product_image"));
    try {
      ImageFormat.detect(image);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          name,
          line,
          "field 'product_image': " + e.getMessage().replaceFirst("^product_image: ", ""));
    }
    return new ProductSample(
        index,
        text(name, line, node, "product_title"),
        text(name, line, node, "product_description"),
        image,
        categories,
        text(name, line, node, "ground_truth_category"),
        text(name, line, node, "ground_truth_brand"),
        secondhand.booleanValue());
  }

  private static byte[] image(Path file, long line, JsonNode value) throws InvalidInputException {
    String name = file.toString();
    String where = "field 'product_image'";
    if (value == null || value.isNull()) {
      throw new InvalidInputException(name, line, where + ": missing");
    }
    if (value.isTextual()) {
      return base64(name, line, where, value.textValue());
    }
    if (!value.isObject()) {
      throw new InvalidInputException(
          name, line, where + ": expected a base64 string, a data URL or {\"bytes\", \"path\"}");
    }
    JsonNode bytes = value.get("bytes");
    if (bytes != null && bytes.isTextual()) {
      return base64(name, line, where + ".bytes", bytes.textValue());
    }
    JsonNode path = value.get("path");
    if (path == null || !path.isTextual()) {
      throw new InvalidInputException(
          name, line, where + ": neither 'bytes' (base64) nor 'path' (an image file) given");
    }
    Path imageFile = file.toAbsolutePath().resolveSibling(path.textValue());
    try {
      return Files.readAllBytes(imageFile);
    } catch (IOException e) {
      throw new InvalidInputException(
          name, line, where + ".path: cannot read " + imageFile + " (" + e + ")");
    }
  }

  private static byte[] base64(String name, long line, String where, String text)
      throws InvalidInputException {
    String data = text;
    if (data.startsWith("data:")) {
      int comma = data.indexOf(',');
      if (comma < 0 || !data.substring(0, comma).endsWith(";base64")) {
        throw new InvalidInputException(
            name, line, where + ": a data URL that is not base64 (expected: data:...;base64,...)");
      }
      data = data.substring(comma + 1);
    }
    try {
      return Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(name, line, where + ": not base64 (" + e.getMessage() + ")");
    }
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
