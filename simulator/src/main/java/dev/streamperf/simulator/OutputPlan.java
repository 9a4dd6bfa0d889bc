package dev.streamperf.simulator;

import java.util.SplittableRandom;

/**
 * What one response says, decided when the request is admitted: how many reasoning and content
 * tokens, their text (a scripted answer, or words of the {@link Vocabulary}), and the finish
 * reason. Read front to back, one token-carrying chunk at a time.
 *
 * <p>Length: with {@code ignore_eos} exactly {@code max_tokens}; otherwise the reasoning tokens
 * plus the scripted answer's tokens, or a sample of the output length distribution, raised to
 * {@code min_tokens} and cut at {@code max_tokens} ({@code finish_reason: length} when cut).
 */
final class OutputPlan {

  private final Vocabulary vocabulary;
  private final SplittableRandom textRandom;
  private final TextPieces scripted;
  private final int reasoningTokens;
  private final int scriptedPieces;
  private final int fillerTokens;
  private final int completionTokens;
  private final String finishReason;

  private int reasoningLeft;
  private int scriptedNext;
  private int fillerLeft;
  private int contentLeft;

  private OutputPlan(
      Vocabulary vocabulary,
      SplittableRandom textRandom,
      TextPieces scripted,
      int reasoningTokens,
      int scriptedPieces,
      int fillerTokens,
      String finishReason) {
    this.vocabulary = vocabulary;
    this.textRandom = textRandom;
    this.scripted = scripted;
    this.reasoningTokens = reasoningTokens;
    this.scriptedPieces = scriptedPieces;
    this.fillerTokens = fillerTokens;
    this.finishReason = finishReason;
    int scriptedTokens = 0;
    for (int i = 0; i < scriptedPieces; i++) {
      scriptedTokens += scripted.get(i).tokens();
    }
    this.completionTokens = reasoningTokens + scriptedTokens + fillerTokens;
    this.reasoningLeft = reasoningTokens;
    this.fillerLeft = fillerTokens;
    this.contentLeft = scriptedTokens + fillerTokens;
  }

  /**
   * @param maxTokens the request's cap (already defaulted to what the context leaves)
   * @param scripted the scripted answer's pieces, or null for generated text
   * @param sampledLength a sample of the output length distribution (ignored when scripted)
   */
  static OutputPlan plan(
      Vocabulary vocabulary,
      SplittableRandom textRandom,
      int configuredReasoning,
      TextPieces scripted,
      int sampledLength,
      int maxTokens,
      int minTokens,
      boolean ignoreEos) {
    int contentNatural = scripted != null ? scripted.tokens() : sampledLength;
    int natural = ignoreEos ? maxTokens : configuredReasoning + contentNatural;
    int total;
    String finish;
    if (natural >= maxTokens) {
      total = maxTokens;
      finish = natural > maxTokens || ignoreEos ? "length" : "stop";
    } else {
      total = Math.max(natural, minTokens);
      finish = "stop";
    }
    int reasoning = Math.min(configuredReasoning, total);
    int content = total - reasoning;
    if (scripted == null) {
      return new OutputPlan(vocabulary, textRandom, null, reasoning, 0, content, finish);
    }
    int pieces = 0;
    int used = 0;
    while (pieces < scripted.size() && used + scripted.get(pieces).tokens() <= content) {
      used += scripted.get(pieces).tokens();
      pieces++;
    }
    // The whole answer fits: min_tokens or ignore_eos pad it with words. It does not: it is cut
    // at the last whole piece, and a multi-token piece that straddles the cap is left out.
    int filler = pieces == scripted.size() ? content - used : 0;
    return new OutputPlan(vocabulary, textRandom, scripted, reasoning, pieces, filler, finish);
  }

  int completionTokens() {
    return completionTokens;
  }

  int reasoningTokens() {
    return reasoningTokens;
  }

  String finishReason() {
    return finishReason;
  }

  boolean hasNext() {
    return reasoningLeft > 0 || scriptedNext < scriptedPieces || fillerLeft > 0;
  }

  /** Whether the next piece is reasoning. */
  boolean nextIsReasoning() {
    return reasoningLeft > 0;
  }

  /** Tokens left before the kind changes (reasoning to content) or the output ends. */
  int tokensLeftInSegment() {
    return reasoningLeft > 0 ? reasoningLeft : contentLeft;
  }

  /** The next piece; call only when {@link #hasNext()}. */
  TextPieces.Piece next() {
    if (reasoningLeft > 0) {
      reasoningLeft--;
      return vocabulary.next(textRandom);
    }
    TextPieces.Piece piece =
        scriptedNext < scriptedPieces ? scripted.get(scriptedNext++) : filler();
    contentLeft -= piece.tokens();
    return piece;
  }

  private TextPieces.Piece filler() {
    fillerLeft--;
    return vocabulary.next(textRandom);
  }
}
