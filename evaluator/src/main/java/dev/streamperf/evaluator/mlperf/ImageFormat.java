package dev.streamperf.evaluator.mlperf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The format of encoded image bytes, named as Pillow names it ({@code Image.format}): the reference
 * puts that name into the data URL, {@code data:image/JPEG;base64,...}.
 */
public enum ImageFormat {
  JPEG,
  PNG,
  WEBP,
  GIF,
  BMP;

  /** The format of these bytes, from their signature. */
  public static ImageFormat detect(byte[] bytes) {
    if (startsWith(bytes, 0, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
      return JPEG;
    }
    if (startsWith(bytes, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
      return PNG;
    }
    if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) {
      return WEBP;
    }
    if (startsWith(bytes, 0, ascii("GIF87a")) || startsWith(bytes, 0, ascii("GIF89a"))) {
      return GIF;
    }
    if (startsWith(bytes, 0, ascii("BM"))) {
      return BMP;
    }
    byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 8));
    throw new IllegalArgumentException(
        "product_image: unknown image format (first bytes "
            + java.util.HexFormat.ofDelimiter(" ").formatHex(head)
            + "; expected: JPEG, PNG, WEBP, GIF or BMP)");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    if (bytes.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
