package dev.streamperf.worker;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Requests and media for tests, built the way the producer builds them. */
public final class TestRequests {

  private TestRequests() {}

  public static ContentPart text(String text) {
    return ContentPart.newBuilder().setType(PartType.TEXT).setText(text).build();
  }

  public static ContentPart media(MediaBlob blob) {
    return ContentPart.newBuilder()
        .setType(blob.getType())
        .setMediaSha256(blob.getSha256())
        .setMimeType(blob.getMimeType())
        .build();
  }

  public static Message user(ContentPart... parts) {
    return Message.newBuilder().setRole("user").setParts(List.of(parts)).build();
  }

  public static Turn turn(String requestId, int maxTokens, long delayMs, Message... messages) {
    return Turn.newBuilder()
        .setRequestId(requestId)
        .setDelayMs(delayMs)
        .setMessages(List.of(messages))
        .setMaxTokens(maxTokens)
        .build();
  }

  /** A single-turn session whose request id is its session id. */
  public static InferenceRequest single(
      String runId, String id, long sequence, String model, int maxTokens, Message... messages) {
    return session(runId, id, sequence, model, null, List.of(turn(id, maxTokens, 0, messages)));
  }

  public static InferenceRequest session(
      String runId, String id, long sequence, String model, Long intendedSendUs, List<Turn> turns) {
    return InferenceRequest.newBuilder()
        .setRunId(runId)
        .setSessionId(id)
        .setSequence(sequence)
        .setPhase(Phase.PROFILING)
        .setIntendedSendUs(intendedSendUs)
        .setPublishedUs(System.currentTimeMillis() * 1000)
        .setModel(model)
        .setStream(true)
        .setTurns(turns)
        .setSampling(SamplingParameters.newBuilder().setTemperature(0.0).setSeed(42L).build())
        .build();
  }

  /** A small PNG with a gradient. */
  public static MediaBlob png(int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    for (int y = 0; y < size; y++) {
      g.setColor(new Color((y * 255) / size, 80, 255 - (y * 255) / size));
      g.drawLine(0, y, size, y);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return blob(PartType.IMAGE, "image/png", "png", out.toByteArray(), size, size, null);
  }

  /** A 16 kHz mono 16-bit WAV of a sine tone. */
  public static MediaBlob wav(int millis) {
    int rate = 16_000;
    int samples = rate * millis / 1000;
    byte[] pcm = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      short v = (short) (Math.sin(2 * Math.PI * 440 * i / rate) * 8000);
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AudioInputStream in =
        new AudioInputStream(new ByteArrayInputStream(pcm), format, samples)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return blob(PartType.AUDIO, "audio/wav", "wav", out.toByteArray(), null, null, (long) millis);
  }

  private static MediaBlob blob(
      PartType type,
      String mime,
      String format,
      byte[] data,
      Integer width,
      Integer height,
      Long durationMs) {
    return MediaBlob.newBuilder()
        .setSha256(sha256(data))
        .setType(type)
        .setMimeType(mime)
        .setFormat(format)
        .setData(ByteBuffer.wrap(data))
        .setWidth(width)
        .setHeight(height)
        .setDurationMs(durationMs)
        .setCreatedUs(System.currentTimeMillis() * 1000)
        .setSource("synthetic")
        .build();
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids r-0000 .. for n requests. */
  public static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("%s-%04d", prefix, i));
    }
    return ids;
  }
}
