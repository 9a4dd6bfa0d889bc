package dev.streamperf.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the value.
 */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Reads the schema id from the header, checking the magic byte. */
  public static int schemaId(String topic, byte[] data) {
    if (data.length < HEADER_SIZE) {
      throw new SerializationException(
          "topic "
              + topic
              + ": record of "
              + data.length
              + " bytes is too short for the"
              + " Confluent wire format (expected: at least "
              + HEADER_SIZE
              + ")");
    }
    if (data[0] != MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "topic %s: unknown magic byte 0x%02x (expected: 0x00, the Confluent wire format)",
              topic, data[0]));
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }

  static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }
}
