package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.schemas.RunEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary forms of the internal topics and changelogs: a version byte, then fields. Run events
 * travel in Avro's single-object encoding (schema fingerprint included).
 */
final class Codecs {

  private static final byte DELTA = 1;
  private static final byte PROGRESS = 2;
  private static final byte ANNOUNCEMENT = 3;

  private Codecs() {}

  interface Writer<T> {
    void write(T value, DataOutputStream out) throws IOException;
  }

  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  static <T> Serde<T> serde(String what, Writer<T> writer, Reader<T> reader) {
    Serializer<T> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
          try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(value, out);
          } catch (IOException e) {
            throw new SerializationException(what + ": cannot write for " + topic, e);
          }
          return bytes.toByteArray();
        };
    Deserializer<T> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            return reader.read(in);
          } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                what + ": corrupt record in " + topic + ": " + e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }

  static Serde<Aggregate> aggregates() {
    return serde("aggregate", (a, out) -> a.writeTo(out), Aggregate::readFrom);
  }

  static Serde<PartialMessage> messages() {
    return serde("partial message", Codecs::writeMessage, Codecs::readMessage);
  }

  static void writeRunEvent(RunEvent e, DataOutputStream out) throws IOException {
    ByteBuffer encoded = RunEvent.getEncoder().encode(e);
    out.writeInt(encoded.remaining());
    out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
  }

  static RunEvent readRunEvent(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return RunEvent.getDecoder().decode(bytes);
  }

  static void writeScope(Scope s, DataOutputStream out) throws IOException {
    out.writeUTF(s.runId());
    out.writeUTF(s.model());
    out.writeUTF(s.endpoint());
  }

  static Scope readScope(DataInputStream in) throws IOException {
    return new Scope(in.readUTF(), in.readUTF(), in.readUTF());
  }

  private static void writeMessage(PartialMessage m, DataOutputStream out) throws IOException {
    if (m instanceof PartialMessage.Delta d) {
      out.writeByte(DELTA);
      writeScope(d.scope(), out);
      out.writeLong(d.windowStartUs());
      out.writeInt(d.source());
      for (long o : d.offsets()) {
        out.writeLong(o);
      }
      d.aggregate().writeTo(out);
    } else if (m instanceof PartialMessage.Progress p) {
      out.writeByte(PROGRESS);
      out.writeInt(p.source());
      out.writeLong(p.watermarkUs());
      out.writeBoolean(p.idle());
    } else if (m instanceof PartialMessage.Announcement a) {
      out.writeByte(ANNOUNCEMENT);
      writeRunEvent(a.event(), out);
    } else {
      throw new IOException("unknown message " + m.getClass().getName());
    }
  }

  private static PartialMessage readMessage(DataInputStream in) throws IOException {
    byte type = in.readByte();
    return switch (type) {
      case DELTA -> {
        Scope scope = readScope(in);
        long start = in.readLong();
        int source = in.readInt();
        long[] offsets = new long[6];
        for (int i = 0; i < offsets.length; i++) {
          offsets[i] = in.readLong();
        }
        yield new PartialMessage.Delta(scope, start, source, offsets, Aggregate.readFrom(in));
      }
      case PROGRESS -> new PartialMessage.Progress(in.readInt(), in.readLong(), in.readBoolean());
      case ANNOUNCEMENT -> new PartialMessage.Announcement(readRunEvent(in));
      default -> throw new IOException("unknown message type " + type);
    };
  }
}
