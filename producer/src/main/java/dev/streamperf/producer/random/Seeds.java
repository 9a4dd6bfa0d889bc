package dev.streamperf.producer.random;

import java.util.SplittableRandom;

/**
 * Independent, reproducible random streams derived from one run seed. Each purpose (a {@link
 * Stream}) and each index within it gets its own generator, so what request {@code i} contains is a
 * pure function of {@code (seed, i)}: a producer that resumes at sequence {@code i} draws exactly
 * what an uninterrupted one would have. The generator is {@link SplittableRandom} (SplitMix64,
 * whose output is specified), so runs are reproducible across JVMs.
 */
public final class Seeds {

  /** What a stream is for; the ordinal is part of the derivation, so never reorder. */
  public enum Stream {
    /** Arrival gaps of the open-loop schedule (one sequential stream). */
    ARRIVALS,
    /** Dataset entries of the synthetic pool, one stream per entry. */
    ENTRY,
    /** The shuffle permutation of the entry pool, one stream per cycle. */
    SHUFFLE,
    /** The prefix-prompt pool, one stream per prefix. */
    PREFIX,
    /** The shared system prompt. */
    SYSTEM_PROMPT,
    /** Model selection, one stream per session. */
    MODEL,
    /** Run-level choices (a seed drawn when none was given is not one of these). */
    RUN,
    /** Prompts an input file asks for by length, one stream per line. */
    INPUT,
    /** Prefix blocks of a trace's hash ids, one stream per hash id. */
    INPUT_BLOCK,
    /** Entries drawn from a random pool, one stream per session. */
    POOL
  }

  private final long seed;

  public Seeds(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** The generator of one index of one stream. */
  public SplittableRandom random(Stream stream, long index) {
    return new SplittableRandom(
        mix(mix(seed ^ 0x9E3779B97F4A7C15L * (stream.ordinal() + 1)) + index));
  }

  /** The sequential generator of a whole stream. */
  public SplittableRandom random(Stream stream) {
    return random(stream, -1L);
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer, as in SplitMix64. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
