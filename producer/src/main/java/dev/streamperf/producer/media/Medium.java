package dev.streamperf.producer.media;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.PartType;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One encoded image or audio clip, addressed by the SHA-256 of its bytes: published once to the
 * media topic as a {@link MediaBlob}, referenced from requests by a {@link ContentPart}.
 */
public record Medium(
    String sha256,
    PartType type,
    String mimeType,
    String format,
    byte[] data,
    Integer width,
    Integer height,
    Long durationMs,
    Integer sampleRate,
    Integer channels,
    Integer bitDepth,
    String source) {

  public Medium {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(data, "data");
  }

  /** An image. */
  public static Medium image(
      String mimeType, String format, byte[] data, int width, int height, String source) {
    return new Medium(
        sha256(data),
        PartType.IMAGE,
        mimeType,
        format,
        data,
        width,
        height,
        null,
        null,
        null,
        null,
        source);
  }

  /** An audio clip; bitDepth null for compressed formats. */
  public static Medium audio(
      String mimeType,
      String format,
      byte[] data,
      long durationMs,
      int sampleRate,
      int channels,
      Integer bitDepth,
      String source) {
    return new Medium(
        sha256(data),
        PartType.AUDIO,
        mimeType,
        format,
        data,
        null,
        null,
        durationMs,
        sampleRate,
        channels,
        bitDepth,
        source);
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The reference a request carries. */
  public ContentPart part() {
    return ContentPart.newBuilder()
        .setType(type)
        .setMediaSha256(sha256)
        .setMimeType(mimeType)
        .setWidth(width)
        .setHeight(height)
        .setDurationMs(durationMs)
        .setSizeBytes((long) data.length)
        .build();
  }

  /** The record of the media topic. */
  public MediaBlob blob(long createdUs) {
    return MediaBlob.newBuilder()
        .setSha256(sha256)
        .setType(type)
        .setMimeType(mimeType)
        .setFormat(format)
        .setData(ByteBuffer.wrap(data))
        .setWidth(width)
        .setHeight(height)
        .setDurationMs(durationMs)
        .setSampleRate(sampleRate)
        .setChannels(channels)
        .setBitDepth(bitDepth)
        .setCreatedUs(createdUs)
        .setSource(source)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Medium m && m.sha256.equals(sha256);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return type + " " + format + " " + data.length + " B " + sha256.substring(0, 12);
  }
}
