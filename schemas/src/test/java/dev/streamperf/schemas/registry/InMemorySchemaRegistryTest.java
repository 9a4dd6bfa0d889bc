package dev.streamperf.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  static final Schema V1 =
      parse(
          "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
  static final Schema V2_DEFAULTED =
      parse(
          "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
              + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
  static final Schema V2_REQUIRED =
      parse(
          "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
              + "{\"name\":\"b\",\"type\":\"int\"}]}");

  private final String name = "test-" + System.nanoTime();
  private final SchemaRegistryClient registry =
      SchemaRegistries.connect("mock://" + name, Map.of());

  @AfterEach
  void drop() {
    InMemorySchemaRegistry.drop(name);
  }

  @Test
  void sameNameIsTheSameRegistryInTheJvm() {
    int id = registry.register("t-value", V1);
    SchemaRegistryClient other = SchemaRegistries.connect("mock://" + name, Map.of());
    assertThat(other.getById(id)).isEqualTo(V1);
    assertThat(SchemaRegistries.connect("mock://" + name + "-other", Map.of()).subjects())
        .isEmpty();
    InMemorySchemaRegistry.drop(name + "-other");
  }

  @Test
  void identicalSchemasShareAnIdAndVersionsCount() {
    int id = registry.register("a-value", V1);
    assertThat(registry.register("a-value", V1)).isEqualTo(id);
    assertThat(registry.register("b-value", V1)).isEqualTo(id);
    int id2 = registry.register("a-value", V2_DEFAULTED);
    assertThat(id2).isNotEqualTo(id);
    assertThat(registry.latest("a-value")).get().extracting(RegisteredSchema::version).isEqualTo(2);
    assertThat(registry.lookup("a-value", V1))
        .get()
        .extracting(RegisteredSchema::version)
        .isEqualTo(1);
    assertThat(registry.lookup("b-value", V2_DEFAULTED)).isEmpty();
    assertThat(registry.subjects()).containsExactly("a-value", "b-value");
  }

  @Test
  void backwardIsTheDefaultAndRejectsARequiredNewField() {
    registry.register("t-value", V1);
    CompatibilityResult result = registry.testCompatibility("t-value", V2_REQUIRED);
    assertThat(result.compatible()).isFalse();
    assertThat(result.messages()).anyMatch(m -> m.contains("b"));
    assertThatThrownBy(() -> registry.register("t-value", V2_REQUIRED))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("incompatible")
        .hasMessageContaining("mock://" + name)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(409));
    assertThat(registry.testCompatibility("t-value", V2_DEFAULTED).compatible()).isTrue();
  }

  @Test
  void noneAcceptsAnything() {
    registry.setSubjectCompatibility("t-value", CompatibilityLevel.NONE);
    registry.register("t-value", V1);
    assertThat(registry.subjectCompatibility("t-value")).contains(CompatibilityLevel.NONE);
    assertThat(registry.register("t-value", V2_REQUIRED)).isPositive();
  }

  @Test
  void unknownIdIsSchemaNotFound() {
    assertThatThrownBy(() -> registry.getById(999))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
  }

  static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }
}
