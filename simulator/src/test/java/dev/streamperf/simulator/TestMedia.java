package dev.streamperf.simulator;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Real media made in the test: images by ImageIO, WAV by javax.sound, MP3 and MP4 headers. */
final class TestMedia {

  private TestMedia() {}

  static byte[] image(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A 16 kHz mono 16-bit WAV of a 440 Hz tone. */
  static byte[] wav(double seconds) {
    float rate = 16_000;
    int frames = (int) Math.round(seconds * rate);
    byte[] pcm = new byte[frames * 2];
    for (int i = 0; i < frames; i++) {
      short sample = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
      pcm[2 * i] = (byte) sample;
      pcm[2 * i + 1] = (byte) (sample >> 8);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AudioSystem.write(
          new AudioInputStream(new ByteArrayInputStream(pcm), format, frames),
          AudioFileFormat.Type.WAVE,
          out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * An MP3 stream of {@code frames} MPEG-1 layer III frames at 128 kbit/s, 44.1 kHz (1152 samples
   * each), behind an ID3v2 tag: headers are real, payloads silent.
   */
  static byte[] mp3(int frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] id3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 10};
    out.writeBytes(id3);
    out.writeBytes(new byte[10]);
    for (int i = 0; i < frames; i++) {
      int padding = i % 3 == 0 ? 1 : 0;
      byte[] frame = new byte[417 + padding];
      frame[0] = (byte) 0xFF;
      frame[1] = (byte) 0xFB; // MPEG-1, layer III, no CRC
      frame[2] = (byte) (0x90 | padding << 1); // 128 kbit/s, 44.1 kHz
      frame[3] = (byte) 0xC4; // mono
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  /** An MP4 with an ftyp box and a moov holding mvhd (duration) and a video track's tkhd. */
  static byte[] mp4(int width, int height, int durationMs) {
    byte[] mvhd =
        box(
            "mvhd",
            fullBox(0, concat(int32(0), int32(0), int32(1000), int32(durationMs), new byte[80])));
    byte[] tkhd =
        box(
            "tkhd",
            fullBox(
                0,
                concat(
                    int32(0),
                    int32(0),
                    int32(1),
                    int32(0),
                    int32(durationMs),
                    new byte[8],
                    new byte[8],
                    new byte[36],
                    int32(width << 16),
                    int32(height << 16))));
    byte[] trak = box("trak", tkhd);
    byte[] moov = box("moov", concat(mvhd, trak));
    byte[] ftyp =
        box(
            "ftyp",
            concat(
                "isom".getBytes(StandardCharsets.US_ASCII),
                int32(512),
                "isomiso2avc1mp41".getBytes(StandardCharsets.US_ASCII)));
    return concat(ftyp, box("free", new byte[4]), moov);
  }

  private static byte[] box(String type, byte[] payload) {
    return concat(int32(8 + payload.length), type.getBytes(StandardCharsets.US_ASCII), payload);
  }

  private static byte[] fullBox(int version, byte[] payload) {
    return concat(new byte[] {(byte) version, 0, 0, 0}, payload);
  }

  private static byte[] int32(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static String dataUrl(String mime, byte[] bytes) {
    return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
