package dev.streamperf.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.SampleRecords;
import dev.streamperf.schemas.registry.CompatibilityLevel;
import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.registry.SchemaRegistryClient;
import dev.streamperf.schemas.registry.SchemaRegistryException;
import dev.streamperf.schemas.serde.AvroDeserializer;
import dev.streamperf.schemas.serde.AvroSerializer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our serde and REST client against a real Confluent-API registry (Apicurio Registry 3.0.9, its
 * ccompat API), checked with plain Avro and plain HTTP so that neither side is ours alone.
 */
class ApicurioRegistryIT {

  static ApicurioRegistry apicurio;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    Path cache = Path.of(System.getProperty("streamperf.apicurio.cache", "target/apicurio-home"));
    apicurio =
        ApicurioRegistry.start(
            ApicurioRegistry.locateDistribution(), cache, 0, null, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  @Test
  void bytesFromOurSerializerReadWithPlainAvroAndTheSchemaFetchedById() throws Exception {
    AvroSerializer<RequestResult> serializer = new AvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", apicurio.url()), false);
    RequestResult sample = SampleRecords.requestResult();
    byte[] bytes = serializer.serialize("ours.results", sample);
    serializer.close();

    assertThat(bytes[0]).isZero();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    String reply = get("/schemas/ids/" + id);
    Schema writer = new Schema.Parser().parse(JSON.readTree(reply).path("schema").asText());
    GenericRecord read =
        new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

    assertThat(read.get("requestId").toString()).isEqualTo("run-1/s-7/0");
    assertThat(read.get("errorKind").toString()).isEqualTo("HTTP_STATUS");
    assertThat(read.get("lastContentNs")).isEqualTo(90_000_000L);
    // and every other field: converted to the generated class, it equals what was written
    assertThat(SpecificData.get().deepCopy(RequestResult.getClassSchema(), read)).isEqualTo(sample);
  }

  @Test
  void bytesFromPlainAvroWithAnIdRegisteredOverRestReadWithOurDeserializer() throws Exception {
    RequestResult sample = SampleRecords.requestResult();
    String body =
        JSON.createObjectNode().put("schema", RequestResult.getClassSchema().toString()).toString();
    String reply = post("/subjects/theirs.results-value/versions", body);
    int id = JSON.readTree(reply).path("id").asInt();
    assertThat(id).isPositive();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<RequestResult>(RequestResult.getClassSchema()).write(sample, encoder);
    encoder.flush();

    AvroDeserializer<RequestResult> deserializer = new AvroDeserializer<>(RequestResult.class);
    deserializer.configure(Map.of("schema.registry.url", apicurio.url()), false);
    assertThat(deserializer.deserialize("theirs.results", out.toByteArray())).isEqualTo(sample);
    deserializer.close();
  }

  @Test
  void anIncompatibleChangeIsRejectedAndACompatibleOneAccepted() {
    Schema v1 = probe("{\"name\":\"a\",\"type\":\"string\"}");
    Schema incompatible =
        probe("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    Schema compatible =
        probe(
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");

    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", apicurio.url()), false);
    serializer.serialize("evolving", record(v1));

    SchemaRegistryClient client = SchemaRegistries.connect(apicurio.url(), Map.of());
    // Apicurio's global default is NONE; our serializer made the new subject BACKWARD.
    assertThat(client.subjectCompatibility("evolving-value")).contains(CompatibilityLevel.BACKWARD);
    assertThat(client.testCompatibility("evolving-value", incompatible).compatible()).isFalse();
    assertThat(client.testCompatibility("evolving-value", compatible).compatible()).isTrue();

    assertThatThrownBy(() -> client.register("evolving-value", incompatible))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.getMessage())
                  .contains(apicurio.url() + "/subjects/evolving-value/versions");
            });
    assertThatThrownBy(() -> serializer.serialize("evolving", record(incompatible)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("subject evolving-value");

    byte[] evolved = serializer.serialize("evolving", record(compatible));
    assertThat(client.latest("evolving-value"))
        .get()
        .satisfies(r -> assertThat(r.version()).isEqualTo(2));
    assertThat(ByteBuffer.wrap(evolved, 1, 4).getInt())
        .isEqualTo(client.latest("evolving-value").get().id());
    serializer.close();
  }

  @Test
  void lookupAndLatestMatchWhatWasRegistered() {
    SchemaRegistryClient client = SchemaRegistries.connect(apicurio.url(), Map.of());
    Schema schema = probe("{\"name\":\"x\",\"type\":\"long\"}");
    int id = client.register("lookup-value", schema);
    assertThat(client.lookup("lookup-value", schema))
        .get()
        .satisfies(r -> assertThat(r.id()).isEqualTo(id));
    assertThat(client.lookup("lookup-value", probe("{\"name\":\"y\",\"type\":\"long\"}")))
        .isEmpty();
    assertThat(client.lookup("no-such-subject", schema)).isEmpty();
    assertThat(client.getById(id)).isEqualTo(schema);
    assertThat(client.subjects()).contains("lookup-value");
  }

  private static Schema probe(String fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"it\",\"fields\":["
                + fields
                + "]}");
  }

  private static GenericRecord record(Schema schema) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("a", "value");
    if (schema.getField("b") != null) {
      record.put("b", 1);
    }
    return record;
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(apicurio.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  private static String post(String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(apicurio.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }
}
