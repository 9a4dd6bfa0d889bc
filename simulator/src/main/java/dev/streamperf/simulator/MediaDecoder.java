package dev.streamperf.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads just enough of a medium to charge prompt tokens for it: an image's width and height (from
 * its header: PNG, JPEG, GIF, BMP, TIFF through ImageIO; WebP parsed here), an audio clip's
 * duration (WAV through javax.sound; MP3 by walking its frame headers) and a video's frame size and
 * duration (MP4's {@code mvhd} and {@code tkhd} boxes). Throws {@link IllegalArgumentException}
 * saying what is wrong with the bytes.
 */
final class MediaDecoder {

  record ImageSize(int width, int height) {}

  record VideoInfo(int width, int height, double seconds) {}

  private MediaDecoder() {}

  static ImageSize imageSize(byte[] data) {
    if (data.length >= 30 && ascii(data, 0, 4).equals("RIFF") && ascii(data, 8, 4).equals("WEBP")) {
      return webpSize(data);
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IllegalArgumentException(
            "not an image this server decodes (expected: PNG, JPEG, WebP, GIF, BMP or TIFF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new IllegalArgumentException("image has no pixels: " + width + "x" + height);
        }
        return new ImageSize(width, height);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("cannot read the image header: " + e.getMessage(), e);
    }
  }

  private static ImageSize webpSize(byte[] d) {
    String chunk = ascii(d, 12, 4);
    int width;
    int height;
    switch (chunk) {
      case "VP8 " -> {
        if ((d[23] & 0xff) != 0x9d || (d[24] & 0xff) != 0x01 || (d[25] & 0xff) != 0x2a) {
          throw new IllegalArgumentException("WebP VP8 frame has no start code");
        }
        width = le16(d, 26) & 0x3fff;
        height = le16(d, 28) & 0x3fff;
      }
      case "VP8L" -> {
        if ((d[20] & 0xff) != 0x2f) {
          throw new IllegalArgumentException("WebP VP8L frame has no signature");
        }
        int bits =
            (d[21] & 0xff) | (d[22] & 0xff) << 8 | (d[23] & 0xff) << 16 | (d[24] & 0xff) << 24;
        width = (bits & 0x3fff) + 1;
        height = ((bits >>> 14) & 0x3fff) + 1;
      }
      case "VP8X" -> {
        width = ((d[24] & 0xff) | (d[25] & 0xff) << 8 | (d[26] & 0xff) << 16) + 1;
        height = ((d[27] & 0xff) | (d[28] & 0xff) << 8 | (d[29] & 0xff) << 16) + 1;
      }
      default -> throw new IllegalArgumentException("WebP with unknown chunk '" + chunk + "'");
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image has no pixels: " + width + "x" + height);
    }
    return new ImageSize(width, height);
  }

  /**
   * The duration in seconds.
   *
   * @param format {@code wav}, {@code mp3}, or null to tell by the bytes
   */
  static double audioSeconds(byte[] data, String format) {
    String kind = format == null ? sniffAudio(data) : format.toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "wav", "wave", "x-wav" -> wavSeconds(data);
      case "mp3", "mpeg" -> mp3Seconds(data);
      default ->
          throw new IllegalArgumentException(
              "audio format '" + kind + "' not supported (expected: wav or mp3)");
    };
  }

  private static String sniffAudio(byte[] data) {
    if (data.length >= 12 && ascii(data, 0, 4).equals("RIFF") && ascii(data, 8, 4).equals("WAVE")) {
      return "wav";
    }
    if (data.length >= 3 && ascii(data, 0, 3).equals("ID3")
        || data.length >= 2 && (data[0] & 0xff) == 0xff && (data[1] & 0xe0) == 0xe0) {
      return "mp3";
    }
    throw new IllegalArgumentException("audio is neither WAV nor MP3");
  }

  private static double wavSeconds(byte[] data) {
    try {
      AudioFileFormat file = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(data));
      AudioFormat format = file.getFormat();
      if (!"WAVE".equals(file.getType().toString())) {
        throw new IllegalArgumentException("audio is " + file.getType() + ", not WAV");
      }
      long frames = file.getFrameLength();
      if (frames == AudioSystem.NOT_SPECIFIED && format.getFrameSize() > 0) {
        frames = (data.length - 44L) / format.getFrameSize();
      }
      if (frames < 0 || format.getFrameRate() <= 0) {
        throw new IllegalArgumentException("WAV header gives no length or frame rate");
      }
      return frames / (double) format.getFrameRate();
    } catch (UnsupportedAudioFileException | IOException e) {
      throw new IllegalArgumentException("not a readable WAV file: " + e.getMessage(), e);
    }
  }

  private static final int[] MPEG1_L3_KBPS = {
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1
  };
  private static final int[] MPEG2_L3_KBPS = {
    0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1
  };
  private static final int[][] SAMPLE_RATES = {
    {11025, 12000, 8000}, // MPEG 2.5
    null,
    {22050, 24000, 16000}, // MPEG 2
    {44100, 48000, 32000} // MPEG 1
  };

  /** Sums the samples of every MPEG audio layer III frame, found by walking frame headers. */
  private static double mp3Seconds(byte[] d) {
    int pos = 0;
    if (d.length >= 10 && ascii(d, 0, 3).equals("ID3")) {
      int size = (d[6] & 0x7f) << 21 | (d[7] & 0x7f) << 14 | (d[8] & 0x7f) << 7 | (d[9] & 0x7f);
      pos = 10 + size + ((d[5] & 0x10) != 0 ? 10 : 0);
    }
    double seconds = 0;
    int frames = 0;
    while (pos + 4 <= d.length) {
      int b1 = d[pos + 1] & 0xff;
      int b2 = d[pos + 2] & 0xff;
      if ((d[pos] & 0xff) != 0xff || (b1 & 0xe0) != 0xe0) {
        if (frames > 0) {
          break; // trailing tag (ID3v1 "TAG", APE) or junk after the last frame
        }
        throw new IllegalArgumentException("no MPEG audio frame at byte " + pos);
      }
      int version = (b1 >> 3) & 0x3;
      int layer = (b1 >> 1) & 0x3;
      int bitrateIndex = b2 >> 4;
      int rateIndex = (b2 >> 2) & 0x3;
      int padding = (b2 >> 1) & 0x1;
      if (version == 1 || layer != 1 || rateIndex == 3) {
        if (frames > 0) {
          break;
        }
        throw new IllegalArgumentException(
            "MPEG audio frame at byte " + pos + " is not layer III (not MP3)");
      }
      int kbps = (version == 3 ? MPEG1_L3_KBPS : MPEG2_L3_KBPS)[bitrateIndex];
      if (kbps <= 0) {
        throw new IllegalArgumentException(
            "MP3 frame at byte " + pos + " has bitrate index " + bitrateIndex + " (unsupported)");
      }
      int sampleRate = SAMPLE_RATES[version][rateIndex];
      int samples = version == 3 ? 1152 : 576;
      int length = (samples / 8) * kbps * 1000 / sampleRate + padding;
      seconds += samples / (double) sampleRate;
      frames++;
      pos += length;
    }
    if (frames == 0) {
      throw new IllegalArgumentException("MP3 has no frames");
    }
    return seconds;
  }

  /** Frame size and duration of an MP4 (ISO BMFF) video, from its moov box. */
  static VideoInfo video(byte[] d) {
    if (d.length < 8 || !ascii(d, 4, 4).equals("ftyp")) {
      throw new IllegalArgumentException("video is not MP4 (expected: an ftyp box first)");
    }
    long[] moov = findBox(d, 0, d.length, "moov");
    if (moov == null) {
      throw new IllegalArgumentException("MP4 has no moov box");
    }
    long[] mvhd = findBox(d, (int) moov[0], (int) moov[1], "mvhd");
    if (mvhd == null) {
      throw new IllegalArgumentException("MP4 has no mvhd box");
    }
    int p = (int) mvhd[0];
    int version = d[p] & 0xff;
    long timescale;
    long duration;
    if (version == 1) {
      timescale = be32(d, p + 20);
      duration = be64(d, p + 24);
    } else {
      timescale = be32(d, p + 12);
      duration = be32(d, p + 16);
    }
    if (timescale <= 0) {
      throw new IllegalArgumentException("MP4 mvhd has timescale " + timescale);
    }
    int pos = (int) moov[0];
    while (true) {
      long[] trak = findBox(d, pos, (int) moov[1], "trak");
      if (trak == null) {
        throw new IllegalArgumentException("MP4 has no video track (no tkhd with a frame size)");
      }
      long[] tkhd = findBox(d, (int) trak[0], (int) trak[1], "tkhd");
      if (tkhd != null) {
        int t = (int) tkhd[0];
        int sizeAt = t + ((d[t] & 0xff) == 1 ? 88 : 76);
        if (sizeAt + 8 <= tkhd[1]) {
          int width = (int) (be32(d, sizeAt) >>> 16);
          int height = (int) (be32(d, sizeAt + 4) >>> 16);
          if (width > 0 && height > 0) {
            return new VideoInfo(width, height, duration / (double) timescale);
          }
        }
      }
      pos = (int) trak[1];
    }
  }

  /** The payload [start, end) of the first box of this type in [from, to), or null. */
  private static long[] findBox(byte[] d, int from, int to, String type) {
    int pos = from;
    while (pos + 8 <= to) {
      long size = be32(d, pos);
      int header = 8;
      if (size == 1) {
        if (pos + 16 > to) {
          break;
        }
        size = be64(d, pos + 8);
        header = 16;
      } else if (size == 0) {
        size = to - pos;
      }
      if (size < header || pos + size > to) {
        throw new IllegalArgumentException("MP4 box at byte " + pos + " has a bad size " + size);
      }
      if (ascii(d, pos + 4, 4).equals(type)) {
        return new long[] {pos + header, pos + size};
      }
      pos += (int) size;
    }
    return null;
  }

  private static String ascii(byte[] d, int from, int length) {
    if (from + length > d.length) {
      return "";
    }
    return new String(d, from, length, StandardCharsets.ISO_8859_1);
  }

  private static int le16(byte[] d, int at) {
    return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8;
  }

  private static long be32(byte[] d, int at) {
    if (at + 4 > d.length) {
      throw new IllegalArgumentException("MP4 truncated at byte " + at);
    }
    return (d[at] & 0xffL) << 24
        | (d[at + 1] & 0xffL) << 16
        | (d[at + 2] & 0xffL) << 8
        | (d[at + 3] & 0xffL);
  }

  private static long be64(byte[] d, int at) {
    return be32(d, at) << 32 | be32(d, at + 4);
  }
}
