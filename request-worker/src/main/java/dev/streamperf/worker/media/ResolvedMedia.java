package dev.streamperf.worker.media;

import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.PartType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A medium ready to go into a request body: for images and videos the whole {@code data:} URL, for
 * audio the base64 payload of {@code input_audio.data}, as ASCII bytes written into the JSON
 * without another copy into a String.
 *
 * @param sha256 the medium's key in the media topic
 * @param type image, audio or video
 * @param mimeType e.g. image/png
 * @param format short format name for {@code input_audio.format}, e.g. wav
 * @param encoded the data URL (image, video) or base64 data (audio), ASCII
 */
public record ResolvedMedia(
    String sha256, PartType type, String mimeType, String format, byte[] encoded) {

  /** Encodes a blob from the media topic. */
  public static ResolvedMedia of(MediaBlob blob) {
    ByteBuffer data = blob.getData().duplicate();
    byte[] raw = new byte[data.remaining()];
    data.get(raw);
    byte[] base64 = Base64.getEncoder().encode(raw);
    byte[] encoded;
    if (blob.getType() == PartType.AUDIO) {
      encoded = base64;
    } else {
      byte[] prefix =
          ("data:" + blob.getMimeType() + ";base64,").getBytes(StandardCharsets.US_ASCII);
      encoded = new byte[prefix.length + base64.length];
      System.arraycopy(prefix, 0, encoded, 0, prefix.length);
      System.arraycopy(base64, 0, encoded, prefix.length, base64.length);
    }
    return new ResolvedMedia(
        blob.getSha256(), blob.getType(), blob.getMimeType(), blob.getFormat(), encoded);
  }

  /** Bytes it occupies in a cache. */
  public long sizeBytes() {
    return encoded.length + 128L;
  }
}
