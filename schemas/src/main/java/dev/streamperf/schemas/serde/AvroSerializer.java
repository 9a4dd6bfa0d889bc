package dev.streamperf.schemas.serde;

import dev.streamperf.schemas.registry.RegisteredSchema;
import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.registry.SchemaRegistryClient;
import dev.streamperf.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (generated or generic) to the Confluent wire format, with subjects named
 * by {@link TopicNameStrategy}. Schema ids and datum writers are cached per topic and schema, so
 * the registry is asked once per schema, not per record. Thread-safe.
 */
public final class AvroSerializer<T> implements Serializer<T> {

  private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;
  private AvroSerdeConfig config;
  private boolean isKey;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroSerializer() {}

  /** A serializer on an existing registry client, configured with {@code configs}. */
  public AvroSerializer(SchemaRegistryClient registry, Map<String, ?> configs, boolean isKey) {
    this.registry = registry;
    this.config = new AvroSerdeConfig(configs);
    this.isKey = isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.config = new AvroSerdeConfig(configs);
    this.isKey = isKey;
    if (registry == null) {
      registry = SchemaRegistries.connect(config.registryUrl(), config.registryClientConfig());
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof IndexedRecord record)) {
      throw new SerializationException(
          "topic "
              + topic
              + ": cannot serialize "
              + data.getClass().getName()
              + " (expected: an Avro record)");
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = record.getSchema();
    int id =
        idsByTopic
            .computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
            .computeIfAbsent(schema, s -> schemaId(topic, s));
    DatumWriter<Object> writer = writers.computeIfAbsent(schema, s -> writerFor(record, s));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] header = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(header, id);
    out.writeBytes(header);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "topic " + topic + ": cannot encode " + schema.getFullName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private int schemaId(String topic, Schema schema) {
    String subject = TopicNameStrategy.subject(topic, isKey);
    try {
      if (config.autoRegister()) {
        if (registry.latest(subject).isEmpty()
            && registry.subjectCompatibility(subject).isEmpty()) {
          registry.setSubjectCompatibility(subject, config.subjectCompatibility());
        }
        return registry.register(subject, schema);
      }
      if (config.useLatestVersion()) {
        return registry
            .latest(subject)
            .map(RegisteredSchema::id)
            .orElseThrow(() -> notRegistered(topic, subject, schema));
      }
      return registry
          .lookup(subject, schema)
          .map(RegisteredSchema::id)
          .orElseThrow(() -> notRegistered(topic, subject, schema));
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "topic "
              + topic
              + ": registering "
              + schema.getFullName()
              + " under subject "
              + subject
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private SerializationException notRegistered(String topic, String subject, Schema schema) {
    return new SerializationException(
        "topic "
            + topic
            + ": schema "
            + schema.getFullName()
            + " is not registered under subject "
            + subject
            + " at "
            + registry.url()
            + " and auto.register.schemas is false");
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> writerFor(IndexedRecord sample, Schema schema) {
    if (sample instanceof SpecificRecord) {
      AvroTrust.trustContractPackage();
      return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema);
    }
    return (DatumWriter<Object>) (DatumWriter<?>) new GenericDatumWriter<>(schema);
  }

  @Override
  public void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
