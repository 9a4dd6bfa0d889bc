package dev.streamperf.evaluator.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.streamperf.schemas.Reference;
import java.util.List;
import java.util.Map;

/**
 * JSON-schema validity: the reference answer is a JSON Schema (the dialect its {@code $schema}
 * names, draft 4 to 2020-12; 2020-12 when it names none); the response scores 1 when it is one JSON
 * document (nothing around it, no code fence) that the schema accepts, else 0. An unparseable
 * response has {@code parsed = false}; a parseable one that violates the schema has {@code parsed =
 * true} and the number of violations in component {@value #VIOLATIONS}. Remote {@code $ref}s are
 * not fetched: a schema must be self-contained.
 */
public final class JsonSchemaScorer implements Scorer {

  public static final String NAME = "json_schema";

  /** Component: schema violations of a parseable response. */
  public static final String VIOLATIONS = "violations";

  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final BoundedCache<String, Schema> schemas = new BoundedCache<>(256);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException {
    Schema schema = schema(reference.getAnswer());
    JsonNode document;
    try {
      document = STRICT.readTree(response);
    } catch (JsonProcessingException e) {
      document = null;
    }
    if (document == null || document.isMissingNode()) {
      return ScoreOutcome.binary(false, false, null, null, reference.getCategory());
    }
    List<Error> errors;
    try {
      errors = schema.validate(document);
    } catch (RuntimeException e) {
      throw new BadReferenceException(
          "reference.answer: the schema cannot be applied: " + e.getMessage(), e);
    }
    return new ScoreOutcome(
        errors.isEmpty() ? 1.0 : 0.0,
        true,
        null,
        null,
        reference.getCategory(),
        Map.of(VIOLATIONS, (double) errors.size()));
  }

  private Schema schema(String text) throws BadReferenceException {
    if (text == null) {
      throw new BadReferenceException("reference.answer: missing");
    }
    Schema cached = schemas.get(text);
    if (cached != null) {
      return cached;
    }
    JsonNode node;
    try {
      node = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadReferenceException(
          "reference.answer: not a JSON schema: " + e.getOriginalMessage(), e);
    }
    if (node == null || !(node.isObject() || node.isBoolean())) {
      throw new BadReferenceException(
          "reference.answer: not a JSON schema (expected: a JSON object or boolean)");
    }
    try {
      Schema schema = registry.getSchema(node);
      schema.initializeValidators();
      schemas.put(text, schema);
      return schema;
    } catch (RuntimeException e) {
      throw new BadReferenceException(
          "reference.answer: invalid JSON schema: " + e.getMessage(), e);
    }
  }
}
