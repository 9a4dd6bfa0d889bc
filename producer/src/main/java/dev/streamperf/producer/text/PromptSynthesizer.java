package dev.streamperf.producer.text;

import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Synthetic prompts that are exactly {@code n} tokens long in a given tokenizer: a random slice of
 * the tokenized public-domain corpus shipped with streamperf (The World Factbook's country
 * profiles, see NOTICE.txt), decoded, then re-counted and lengthened or shortened until the decoded
 * text itself counts {@code n} tokens. Decoding a slice can merge or split tokens at its edges; the
 * re-count is what makes the length exact rather than approximate.
 */
public final class PromptSynthesizer {

  /** The corpus resource. */
  public static final String CORPUS = "/dev/streamperf/producer/corpus/world-factbook.txt";

  private static final int MAX_STARTS = 32;
  private static final int MAX_ADJUSTMENTS = 12;

  private final Tokenizer tokenizer;
  private final int[] corpus;

  private PromptSynthesizer(Tokenizer tokenizer, int[] corpus) {
    this.tokenizer = tokenizer;
    this.corpus = corpus;
  }

  /** Tokenizes the shipped corpus with the tokenizer, paragraph by paragraph. */
  public static PromptSynthesizer load(Tokenizer tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    String text;
    try (InputStream in = PromptSynthesizer.class.getResourceAsStream(CORPUS)) {
      if (in == null) {
        throw new IllegalStateException("corpus resource " + CORPUS + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CORPUS, e);
    }
    return of(tokenizer, text);
  }

  /** A synthesizer over any text (tests use small ones). */
  public static PromptSynthesizer of(Tokenizer tokenizer, String text) {
    String[] paragraphs = text.split("\n\n");
    int[] ids = new int[Math.max(16, text.length() / 3)];
    int size = 0;
    for (int i = 0; i < paragraphs.length; i++) {
      String paragraph = paragraphs[i].strip();
      if (paragraph.isEmpty()) {
        continue;
      }
      int[] encoded = tokenizer.encode(i + 1 < paragraphs.length ? paragraph + "\n\n" : paragraph);
      if (size + encoded.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + encoded.length));
      }
      System.arraycopy(encoded, 0, ids, size, encoded.length);
      size += encoded.length;
    }
    if (size == 0) {
      throw new IllegalArgumentException("corpus: no tokens");
    }
    return new PromptSynthesizer(tokenizer, Arrays.copyOf(ids, size));
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Tokens in the corpus. */
  public int corpusTokens() {
    return corpus.length;
  }

  /** A text of exactly {@code tokens} tokens, from a slice starting where {@code random} says. */
  public String prompt(SplittableRandom random, int tokens) {
    return prompt(random, tokens, "");
  }

  /**
   * A text {@code t} such that {@code count(before + t) == count(before) + tokens}: exact also when
   * it is appended to a prefix, where the join could otherwise merge two tokens into one.
   *
   * @throws IllegalStateException when no slice of the corpus decodes to exactly that many tokens
   *     (not seen with o200k_base or Hugging Face BPE tokenizers on the shipped corpus)
   */
  public String prompt(SplittableRandom random, int tokens, String before) {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 1)");
    }
    int baseline = before.isEmpty() ? 0 : tokenizer.count(before);
    for (int start = 0; start < MAX_STARTS; start++) {
      int offset = random.nextInt(corpus.length);
      int length = tokens;
      for (int attempt = 0; attempt < MAX_ADJUSTMENTS; attempt++) {
        String text = tokenizer.decode(slice(offset, length));
        int counted =
            before.isEmpty() ? tokenizer.count(text) : tokenizer.count(before + text) - baseline;
        if (counted == tokens) {
          return text;
        }
        int next = length + (tokens - counted);
        if (next < 1 || next == length) {
          break;
        }
        length = next;
      }
    }
    throw new IllegalStateException(
        "cannot synthesize a prompt of exactly "
            + tokens
            + " tokens of "
            + tokenizer.name()
            + " from the corpus");
  }

  private int[] slice(int offset, int length) {
    int[] out = new int[length];
    int filled = 0;
    int position = offset;
    while (filled < length) {
      int n = Math.min(length - filled, corpus.length - position);
      System.arraycopy(corpus, position, out, filled, n);
      filled += n;
      position = 0;
    }
    return out;
  }
}
