package dev.streamperf.worker.commit;

import java.util.Arrays;

/**
 * What a worker commits with a partition's offset ({@code OffsetAndMetadata.metadata}) so that the
 * partition's next owner knows the fate of each request from the committed offset on: done (its
 * results are committed: skip it) or started {@code k} times (re-execute it as attempt {@code
 * k+1}). Offsets past the encoded window were never started.
 *
 * <p>Format {@code spw1:RUNS}, each run a count (omitted when 1) and a code: {@code X} done, {@code
 * a} never started, {@code b} started once, ... {@code z} 25 times or more. For example {@code
 * spw1:b3Xa2b} means: offset C started once, C+1..C+3 done, C+4 never started, C+5 and C+6 started
 * once.
 */
public final class CommitMetadata {

  /** Code of a done request. */
  public static final byte DONE = -1;

  /** Most starts a code can say. */
  public static final int MAX_STARTS = 25;

  static final String PREFIX = "spw1:";

  private CommitMetadata() {}

  /** The result of encoding: the text and how many codes it covers. */
  public record Encoded(String text, int covered) {}

  /**
   * Encodes {@code codes[0..length)} (a code is {@link #DONE} or a start count), trailing
   * never-started codes left implicit, in at most {@code maxChars} characters: when they do not
   * fit, only a prefix is encoded, and {@link Encoded#covered()} says how long.
   */
  public static Encoded encode(byte[] codes, int length, int maxChars) {
    int end = length;
    while (end > 0 && codes[end - 1] == 0) {
      end--;
    }
    StringBuilder text = new StringBuilder(PREFIX);
    int covered = 0;
    int i = 0;
    while (i < end) {
      byte code = codes[i];
      int run = 1;
      while (i + run < end && codes[i + run] == code) {
        run++;
      }
      int mark = text.length();
      if (run > 1) {
        text.append(run);
      }
      text.append(symbol(code));
      if (text.length() > maxChars) {
        text.setLength(mark);
        // a shorter run of the same code may still fit
        int available = maxChars - mark;
        int fit = 0;
        if (available == 1) {
          fit = 1;
        } else if (available > 1) {
          fit = Math.min(run - 1, maxRunFitting(available - 1));
        }
        if (fit >= 1) {
          if (fit > 1) {
            text.append(fit);
          }
          text.append(symbol(code));
          covered += fit;
        }
        return new Encoded(text.toString(), covered);
      }
      covered += run;
      i += run;
    }
    return new Encoded(text.toString(), length);
  }

  private static int maxRunFitting(int digits) {
    if (digits >= 9) {
      return Integer.MAX_VALUE;
    }
    int max = 1;
    for (int d = 0; d < digits; d++) {
      max *= 10;
    }
    return max - 1;
  }

  private static char symbol(byte code) {
    if (code == DONE) {
      return 'X';
    }
    return (char) ('a' + Math.min(MAX_STARTS, Math.max(0, code)));
  }

  /**
   * Decodes committed metadata into codes from the committed offset on.
   *
   * @return the codes; empty when the metadata is empty or not ours
   * @throws IllegalArgumentException when it has our prefix but is malformed
   */
  public static byte[] decode(String metadata) {
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return new byte[0];
    }
    byte[] codes = new byte[Math.max(16, metadata.length())];
    int length = 0;
    int i = PREFIX.length();
    while (i < metadata.length()) {
      int count = 0;
      boolean counted = false;
      char c;
      while ((c = metadata.charAt(i)) >= '0' && c <= '9') {
        count = Math.addExact(Math.multiplyExact(count, 10), c - '0');
        counted = true;
        i++;
        if (i == metadata.length()) {
          throw new IllegalArgumentException("commit metadata: '" + metadata + "' ends in a count");
        }
      }
      if (!counted) {
        count = 1;
      }
      byte code;
      if (c == 'X') {
        code = DONE;
      } else if (c >= 'a' && c <= 'z') {
        code = (byte) (c - 'a');
      } else {
        throw new IllegalArgumentException(
            "commit metadata: '" + metadata + "' has code '" + c + "' at " + i);
      }
      if (count <= 0 || length + count > 50_000_000) {
        throw new IllegalArgumentException(
            "commit metadata: '" + metadata + "' bad count " + count);
      }
      if (length + count > codes.length) {
        codes = Arrays.copyOf(codes, Math.max(codes.length * 2, length + count));
      }
      Arrays.fill(codes, length, length + count, code);
      length += count;
      i++;
    }
    return Arrays.copyOf(codes, length);
  }
}
