package dev.streamperf.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.SampleRecords;
import dev.streamperf.schemas.registry.InMemorySchemaRegistry;
import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final String name = "serde-" + System.nanoTime();
  private final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + name);

  @AfterEach
  void drop() {
    InMemorySchemaRegistry.drop(name);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void everyContractRoundTripsAndUsesTheWireFormat() {
    for (SpecificRecord sample : SampleRecords.all()) {
      AvroSerde serde = AvroSerde.specific(sample.getClass(), config);
      String topic = sample.getSchema().getName();
      byte[] bytes = serde.serializer().serialize(topic, sample);
      assertThat(bytes[0]).isEqualTo((byte) 0);
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      SchemaRegistryClient registry = SchemaRegistries.connect("mock://" + name, Map.of());
      assertThat(registry.getById(id)).isEqualTo(sample.getSchema());
      assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(sample);
    }
  }

  @Test
  void subjectIsTopicValueAndGetsBackwardCompatibility() {
    AvroSerde<RequestResult> serde = AvroSerde.specific(RequestResult.class, config);
    serde.serializer().serialize("streamperf.results", SampleRecords.requestResult());
    SchemaRegistryClient registry = SchemaRegistries.connect("mock://" + name, Map.of());
    assertThat(registry.subjects()).containsExactly("streamperf.results-value");
    assertThat(registry.subjectCompatibility("streamperf.results-value"))
        .contains(dev.streamperf.schemas.registry.CompatibilityLevel.BACKWARD);
  }

  @Test
  void genericDeserializerReadsGenericOrSpecific() {
    byte[] bytes =
        AvroSerde.specific(RequestResult.class, config)
            .serializer()
            .serialize("t", SampleRecords.requestResult());
    AvroDeserializer<Object> generic = new AvroDeserializer<>();
    generic.configure(config, false);
    Object read = generic.deserialize("t", bytes);
    assertThat(read).isInstanceOf(GenericRecord.class);
    assertThat(((GenericRecord) read).get("requestId").toString()).isEqualTo("run-1/s-7/0");

    AvroDeserializer<Object> specific = new AvroDeserializer<>();
    specific.configure(
        Map.of("schema.registry.url", "mock://" + name, "specific.avro.reader", true), false);
    assertThat(specific.deserialize("t", bytes)).isEqualTo(SampleRecords.requestResult());
  }

  @Test
  void olderWriterSchemaIsResolvedAgainstTheReaderSchema() {
    // A producer still on an old version of TokenEvent-like schema: the reader fills defaults.
    Schema v1 =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"x\",\"fields\":["
                    + "{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema v2 =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"x\",\"fields\":["
                    + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":7}]}");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(config, false);
    GenericRecord old = new GenericData.Record(v1);
    old.put("a", "x");
    byte[] oldBytes = serializer.serialize("p", old);
    GenericRecord current = new GenericData.Record(v2);
    current.put("a", "y");
    current.put("b", 3);
    byte[] newBytes = serializer.serialize("p", current);
    assertThat(ByteBuffer.wrap(newBytes, 1, 4).getInt())
        .isNotEqualTo(ByteBuffer.wrap(oldBytes, 1, 4).getInt());
    AvroDeserializer<GenericRecord> reader = new AvroDeserializer<>();
    reader.configure(config, false);
    assertThat(reader.deserialize("p", oldBytes).get("a").toString()).isEqualTo("x");
    assertThat(reader.deserialize("p", newBytes).get("b")).isEqualTo(3);
  }

  @Test
  void badBytesNameTheTopicAndTheProblem() {
    AvroSerde<RequestResult> serde = AvroSerde.specific(RequestResult.class, config);
    assertThatThrownBy(
            () ->
                serde
                    .deserializer()
                    .deserialize("streamperf.results", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("streamperf.results")
        .hasMessageContaining("unknown magic byte 0x01");
    assertThatThrownBy(
            () -> serde.deserializer().deserialize("streamperf.results", new byte[] {0, 0}))
        .hasMessageContaining("too short");
    assertThatThrownBy(
            () ->
                serde
                    .deserializer()
                    .deserialize("streamperf.results", new byte[] {0, 0, 0, 0, 99, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 99");
  }

  @Test
  void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTheSubject() {
    AvroSerde<RequestResult> serde =
        AvroSerde.specific(
            RequestResult.class,
            Map.of("schema.registry.url", "mock://" + name, "auto.register.schemas", false));
    assertThatThrownBy(
            () -> serde.serializer().serialize("streamperf.results", SampleRecords.requestResult()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not registered under subject streamperf.results-value");
    // once registered, the same serde finds it
    SchemaRegistries.connect("mock://" + name, Map.of())
        .register("streamperf.results-value", RequestResult.getClassSchema());
    AvroSerde<RequestResult> again =
        AvroSerde.specific(
            RequestResult.class,
            Map.of("schema.registry.url", "mock://" + name, "auto.register.schemas", false));
    assertThat(again.serializer().serialize("streamperf.results", SampleRecords.requestResult()))
        .isNotEmpty();
  }

  @Test
  void missingRegistryUrlIsAConfigError() {
    assertThatThrownBy(() -> AvroSerde.specific(RequestResult.class, Map.of()))
        .hasMessageContaining("schema.registry.url");
  }
}
