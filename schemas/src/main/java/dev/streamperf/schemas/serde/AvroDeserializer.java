package dev.streamperf.schemas.serde;

import dev.streamperf.schemas.registry.SchemaRegistries;
import dev.streamperf.schemas.registry.SchemaRegistryClient;
import dev.streamperf.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: looks the writer schema up by the id in the header (cached) and
 * resolves it against the reader schema, so records written with an older or newer compatible
 * schema read fine. With a target class it returns that generated class; without one it returns
 * {@code GenericRecord}s (or generated classes when {@code specific.avro.reader} is true).
 * Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Class<T> type;
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;
  private AvroSerdeConfig config;

  /** A generic deserializer, for Kafka's reflective construction; {@link #configure} follows. */
  public AvroDeserializer() {
    this((Class<T>) null);
  }

  /** A deserializer returning instances of a generated class; {@link #configure} follows. */
  public AvroDeserializer(Class<T> type) {
    this.type = type;
  }

  /** A deserializer on an existing registry client, configured with {@code configs}. */
  public AvroDeserializer(Class<T> type, SchemaRegistryClient registry, Map<String, ?> configs) {
    this.type = type;
    this.registry = registry;
    this.config = new AvroSerdeConfig(configs);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.config = new AvroSerdeConfig(configs);
    if (registry == null) {
      registry = SchemaRegistries.connect(config.registryUrl(), config.registryClientConfig());
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, data);
    DatumReader<T> reader = readers.computeIfAbsent(id, i -> readerFor(topic, i));
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    try {
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "topic "
              + topic
              + ": cannot decode a record written with schema id "
              + id
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private DatumReader<T> readerFor(String topic, int id) {
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "topic " + topic + ": cannot fetch schema id " + id + ": " + e.getMessage(), e);
    }
    if (type != null) {
      AvroTrust.trustContractPackage();
      Schema reader = SpecificData.get().getSchema(type);
      return new SpecificDatumReader<>(writer, reader);
    }
    if (config.specificReader()) {
      AvroTrust.trustContractPackage();
      Class<?> generated = SpecificData.get().getClass(writer);
      if (generated == null) {
        throw new SerializationException(
            "topic "
                + topic
                + ": no generated class for "
                + writer.getFullName()
                + " on the class path, and specific.avro.reader is true");
      }
      return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated));
    }
    return new GenericDatumReader<>(writer);
  }

  @Override
  public void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
