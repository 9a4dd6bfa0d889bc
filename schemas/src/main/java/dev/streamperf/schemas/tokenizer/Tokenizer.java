package dev.streamperf.schemas.tokenizer;

/**
 * Counts, encodes and decodes tokens the way one model family does. What a "token" is for ISL and
 * OSL when the server reports no usage, and what the producer synthesizes prompts in, so the
 * producer, the worker and the simulator count alike. Implementations are thread-safe.
 */
public interface Tokenizer {

  /**
   * What it is: {@code builtin:o200k_base} or the tokenizer file or model id it was loaded from.
   */
  String name();

  /** Tokens in the text, without special tokens. */
  int count(String text);

  /** Token ids of the text, without special tokens. */
  int[] encode(String text);

  /** The text of token ids. */
  String decode(int[] ids);
}
