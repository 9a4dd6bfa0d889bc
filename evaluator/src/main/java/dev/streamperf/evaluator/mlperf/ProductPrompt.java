package dev.streamperf.evaluator.mlperf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.evaluator.scoring.CategoryPath;
import dev.streamperf.evaluator.scoring.HierarchicalF1Scorer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chat request of one product sample, as the MLPerf reference ({@code ShopifyGlobalCatalogue.
 * formulate_loaded_sample}) builds it: a system message asking for the JSON object and quoting its
 * JSON schema; a user message whose text gives the title, the description and the candidate
 * categories in fenced blocks, followed by the image as a base64 data URL. The texts below are the
 * benchmark's prompt, kept character for character (its typos included) so scores compare with the
 * reference's.
 *
 * <p>One difference: the reference re-encodes the image through Pillow before base64 (for a JPEG,
 * at Pillow's default quality), while this sends the dataset's own bytes.
 */
public final class ProductPrompt {

  /** {@code ProductMetadata.model_json_schema()} as {@code json.dumps(..., indent=2)} prints it. */
  public static final String RESPONSE_SCHEMA =
      """
      {
        "additionalProperties": false,
        "description": "Json format for the expected responses from the VLM.",
        "properties": {
          "category": {
            "description": "The complete category of the product, e.g.,\\n\\"Clothing & \
      Accessories > Clothing > Shirts > Polo Shirts\\".\\nEach categorical level is separated by \
      \\" > \\".",
            "title": "Category",
            "type": "string"
          },
          "brand": {
            "description": "The brand of the product, e.g., \\"giorgio armani\\".",
            "title": "Brand",
            "type": "string"
          },
          "is_secondhand": {
            "description": "True if the product is second-hand, False otherwise.",
            "title": "Is Secondhand",
            "type": "boolean"
          }
        },
        "required": [
          "category",
          "brand",
          "is_secondhand"
        ],
        "title": "ProductMetadata",
        "type": "object"
      }""";

  /** The system message. */
  public static final String SYSTEM_PROMPT =
      """
      Please analyze the product from the user prompt
      and provide the following fields in a valid JSON object:
      - category
      - brand
      - is_secondhand

      You must choose only one, which is the most appropriate, correct, and specifc
      category out of the list of possible product categories.

      The description of the product sometimes contains various types of source code
      (e.g., JavaScript, CSS, HTML, etc.), where useful product information is embedded
      somewhere inside the source code. For this task, you should extract the useful
      product information from the source code and leverage it, and discard the
      programmatic parts of the source code.

      Your response should only contain a valid JSON object and nothing more, e.g.,
      you should not fence the JSON object inside a ```json code block.
      The JSON object should match the followng JSON schema:
      ```json
      """
          + RESPONSE_SCHEMA
          + "\n```\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProductPrompt() {}

  /** The user message's text part. */
  public static String userText(ProductSample sample) {
    return "The title of the product is the following:\n```text\n"
        + sample.productTitle()
        + "\n```\n\nThe description of the product is the following:\n```text\n"
        + sample.productDescription()
        + "\n```\n\nThe following are the possible product categories:\n```json\n"
        + PythonRepr.listOfStrings(sample.potentialProductCategories())
        + "\n```\n";
  }

  /** The image as the reference sends it: {@code data:image/<Pillow format>;base64,...}. */
  public static String imageDataUrl(ProductSample sample) {
    return "data:image/"
        + ImageFormat.detect(sample.productImage()).name()
        + ";base64,"
        + Base64.getEncoder().encodeToString(sample.productImage());
  }

  /**
   * The turn's messages: the system message, then the user's text and the given image part (a
   * {@code media} reference, or the data URL of {@link #imageDataUrl} as a {@code url}).
   */
  public static List<Message> messages(ProductSample sample, ContentPart image) {
    if (image.getType() != PartType.IMAGE) {
      throw new IllegalArgumentException("image part: " + image.getType() + " (expected: IMAGE)");
    }
    Message system =
        Message.newBuilder().setRole("system").setParts(List.of(text(SYSTEM_PROMPT))).build();
    Message user =
        Message.newBuilder()
            .setRole("user")
            .setParts(List.of(text(userText(sample)), image))
            .build();
    return List.of(system, user);
  }

  /** The image part carrying the data URL, for requests that inline the image. */
  public static ContentPart inlineImage(ProductSample sample) {
    return ContentPart.newBuilder()
        .setType(PartType.IMAGE)
        .setUrl(imageDataUrl(sample))
        .setMimeType(
            "image/" + ImageFormat.detect(sample.productImage()).name().toLowerCase(Locale.ROOT))
        .setSizeBytes((long) sample.productImage().length)
        .build();
  }

  /**
   * The reference the request carries for the evaluator: the ground truth for {@value
   * HierarchicalF1Scorer#NAME}, the true path's top level as the category, and the sample's index
   * as {@code metadata.qsl_idx}.
   */
  public static Reference reference(ProductSample sample) {
    return Reference.newBuilder()
        .setScorer(HierarchicalF1Scorer.NAME)
        .setAnswer(sample.truth().toJson())
        .setCategory(CategoryPath.levels(sample.groundTruthCategory()).get(0))
        .setMetadata(Map.of(HierarchicalF1Scorer.QSL_INDEX, Integer.toString(sample.index())))
        .build();
  }

  /**
   * The request-body members that turn on guided decoding as the reference does when asked to
   * ({@code response_format} with the strict JSON schema; the benchmark's rules run without it).
   */
  public static String guidedDecodingExtraBody() {
    try {
      ObjectNode body = JSON.createObjectNode();
      ObjectNode format = body.putObject("response_format");
      format.put("type", "json_schema");
      ObjectNode schema = format.putObject("json_schema");
      schema.put("name", "product_metadata");
      schema.set("schema", JSON.readTree(RESPONSE_SCHEMA));
      schema.put("strict", true);
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ContentPart text(String text) {
    return ContentPart.newBuilder().setType(PartType.TEXT).setText(text).build();
  }
}
