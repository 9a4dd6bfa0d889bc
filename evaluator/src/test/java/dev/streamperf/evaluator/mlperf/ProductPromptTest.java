package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.evaluator.scoring.JsonSchemaScorer;
import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Reference;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProductPromptTest {

  static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F'};

  static ProductSample sample(int index) {
    return new ProductSample(
        index,
        "Trail Runner 2",
        "<div class=\"desc\">Lightweight <b>trail</b> shoe.</div>\n<script>var x = 1;</script>",
        JPEG,
        List.of("Apparel & Accessories > Shoes > Athletic Shoes", "Kids' Toys > Outdoor"),
        "Apparel & Accessories > Shoes > Athletic Shoes",
        "Acme",
        false);
  }

  @Test
  void theSystemPromptAsksForTheObjectAndQuotesItsSchema() {
    assertThat(ProductPrompt.SYSTEM_PROMPT)
        .startsWith(
            "Please analyze the product from the user prompt\n"
                + "and provide the following fields in a valid JSON object:\n"
                + "- category\n- brand\n- is_secondhand\n\n"
                + "You must choose only one, which is the most appropriate, correct, and specifc\n")
        .contains(
            "you should not fence the JSON object inside a ```json code block.\n"
                + "The JSON object should match the followng JSON schema:\n```json\n{\n"
                + "  \"additionalProperties\": false,\n")
        .contains(
            "    \"category\": {\n      \"description\": \"The complete category of the product,"
                + " e.g.,\\n\\\"Clothing & Accessories > Clothing > Shirts > Polo Shirts\\\".\\n"
                + "Each categorical level is separated by \\\" > \\\".\",\n"
                + "      \"title\": \"Category\",\n")
        .endsWith("  \"title\": \"ProductMetadata\",\n  \"type\": \"object\"\n}\n```\n");
  }

  @Test
  void theQuotedSchemaAcceptsExactlyWhatTheScorerParses() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(ProductPrompt.RESPONSE_SCHEMA);
    assertThat(schema.get("required"))
        .extracting(JsonNode::asText)
        .containsExactly("category", "brand", "is_secondhand");
    Reference reference =
        Reference.newBuilder()
            .setScorer("json_schema")
            .setAnswer(ProductPrompt.RESPONSE_SCHEMA)
            .build();
    JsonSchemaScorer validator = new JsonSchemaScorer();
    String good = new ProductMetadata("A > B", "x", true).toJson();
    String extra = "{\"category\": \"A\", \"brand\": \"x\", \"is_secondhand\": true, \"y\": 1}";
    assertThat(validator.score(good, reference, "r").value()).isEqualTo(1.0);
    assertThat(ProductMetadata.parse(good).ok()).isTrue();
    assertThat(validator.score(extra, reference, "r").value()).isZero();
    assertThat(ProductMetadata.parse(extra).ok()).isFalse();
  }

  @Test
  void theUserTextFencesTitleDescriptionAndCandidatesLikeThePythonFString() {
    assertThat(ProductPrompt.userText(sample(3)))
        .isEqualTo(
            "The title of the product is the following:\n```text\nTrail Runner 2\n```\n\n"
                + "The description of the product is the following:\n```text\n"
                + "<div class=\"desc\">Lightweight <b>trail</b> shoe.</div>\n"
                + "<script>var x = 1;</script>\n```\n\n"
                + "The following are the possible product categories:\n```json\n"
                + "['Apparel & Accessories > Shoes > Athletic Shoes', \"Kids' Toys > Outdoor\"]\n"
                + "```\n");
  }

  @Test
  void candidatesArePrintedAsPythonReprPrintsThem() {
    assertThat(PythonRepr.listOfStrings(List.of())).isEqualTo("[]");
    assertThat(PythonRepr.string("plain")).isEqualTo("'plain'");
    assertThat(PythonRepr.string("it's")).isEqualTo("\"it's\"");
    assertThat(PythonRepr.string("both ' and \"")).isEqualTo("'both \\' and \"'");
    assertThat(PythonRepr.string("a\\b\tc\nd\re")).isEqualTo("'a\\\\b\\tc\\nd\\re'");
    assertThat(PythonRepr.string("\u0001\u007f")).isEqualTo("'\\x01\\x7f'");
    assertThat(PythonRepr.string("caf\u00e9 \u00a0x")).isEqualTo("'caf\u00e9 \\xa0x'");
    assertThat(PythonRepr.string("zero\u200bwidth")).isEqualTo("'zero\\u200bwidth'");
    assertThat(PythonRepr.string("\u65e5\u672c \uD83D\uDC5F"))
        .isEqualTo("'\u65e5\u672c \uD83D\uDC5F'");
  }

  @Test
  void theImageIsADataUrlNamedWithPillowsFormat() {
    assertThat(ProductPrompt.imageDataUrl(sample(0)))
        .isEqualTo("data:image/JPEG;base64," + Base64.getEncoder().encodeToString(JPEG));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0};
    assertThat(ImageFormat.detect(png)).isEqualTo(ImageFormat.PNG);
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(ImageFormat.detect(webp)).isEqualTo(ImageFormat.WEBP);
    assertThatThrownBy(() -> ImageFormat.detect(new byte[] {1, 2, 3}))
        .hasMessage(
            "product_image: unknown image format (first bytes 01 02 03; expected: JPEG, PNG, WEBP,"
                + " GIF or BMP)");
  }

  @Test
  void theMessagesAreTheSystemPromptThenTextAndImage() {
    ContentPart image = ProductPrompt.inlineImage(sample(0));
    List<Message> messages = ProductPrompt.messages(sample(0), image);
    assertThat(messages).extracting(Message::getRole).containsExactly("system", "user");
    assertThat(messages.get(0).getParts())
        .singleElement()
        .satisfies(p -> assertThat(p.getText()).isEqualTo(ProductPrompt.SYSTEM_PROMPT));
    assertThat(messages.get(1).getParts())
        .extracting(ContentPart::getType)
        .containsExactly(PartType.TEXT, PartType.IMAGE);
    assertThat(messages.get(1).getParts().get(1).getUrl()).startsWith("data:image/JPEG;base64,");
    assertThat(image.getMimeType()).isEqualTo("image/jpeg");
    assertThat(image.getSizeBytes()).isEqualTo(JPEG.length);
  }

  @Test
  void theReferenceCarriesTheTruthTheTopLevelAndTheQslIndex() {
    Reference reference = ProductPrompt.reference(sample(17));
    assertThat(reference.getScorer()).isEqualTo("hierarchical_f1");
    assertThat(ProductMetadata.parse(reference.getAnswer()).value())
        .isEqualTo(
            new ProductMetadata("Apparel & Accessories > Shoes > Athletic Shoes", "Acme", false));
    assertThat(reference.getCategory()).isEqualTo("Apparel & Accessories");
    assertThat(reference.getMetadata()).isEqualTo(Map.of("qsl_idx", "17"));
  }

  @Test
  void guidedDecodingAsksForTheStrictSchema() throws Exception {
    JsonNode body = new ObjectMapper().readTree(ProductPrompt.guidedDecodingExtraBody());
    JsonNode format = body.get("response_format");
    assertThat(format.get("type").asText()).isEqualTo("json_schema");
    assertThat(format.at("/json_schema/name").asText()).isEqualTo("product_metadata");
    assertThat(format.at("/json_schema/strict").asBoolean()).isTrue();
    assertThat(format.at("/json_schema/schema/additionalProperties").asBoolean()).isFalse();
  }
}
