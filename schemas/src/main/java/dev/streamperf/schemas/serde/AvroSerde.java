package dev.streamperf.schemas.serde;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka {@link Serde} of Avro records on the Confluent wire format. */
public final class AvroSerde<T> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** An unconfigured serde of a generated class; Kafka Streams configures it. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type) {
    return new AvroSerde<>(new AvroSerializer<>(), new AvroDeserializer<>(type));
  }

  /** A configured value serde of a generated class. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, Map<String, ?> configs) {
    AvroSerde<T> serde = specific(type);
    serde.configure(configs, false);
    return serde;
  }

  /** An unconfigured serde of generic records. */
  public static AvroSerde<GenericRecord> generic() {
    return new AvroSerde<>(new AvroSerializer<>(), new AvroDeserializer<>());
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
