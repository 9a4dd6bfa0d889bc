package dev.streamperf.evaluator.scoring;

import java.nio.charset.StandardCharsets;

/**
 * For an unparsable response the reference implementation draws {@code is_secondhand} at random
 * (from a seeded generator) so an unparsable answer scores like a coin flip on that side metric.
 * This draws the same fair coin, deterministically from a seed and the sample's key (its {@code
 * qsl_idx}, or the request id), so a live score and a later {@code mlperf evaluate} of the same
 * answer agree. The coin is not NumPy's stream: individual draws differ from the reference's, the
 * distribution does not.
 */
public final class SecondhandGuess {

  /** The reference implementation's default seed. */
  public static final long DEFAULT_SEED = 12345L;

  private SecondhandGuess() {}

  public static boolean draw(long seed, String sampleKey) {
    long h = seed;
    for (byte b : sampleKey.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return (mix(h) & 1L) == 1L;
  }

  /** SplitMix64's finalizer. */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
