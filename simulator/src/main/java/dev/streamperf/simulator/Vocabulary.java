package dev.streamperf.simulator;

import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The words generated text is made of: common English words that the configured tokenizer encodes
 * as exactly one token with their leading space, so a run of n of them is n tokens and a client
 * that counts the content with the same tokenizer agrees with the server's {@code usage}.
 */
final class Vocabulary {

  private static final String[] CANDIDATES = {
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "she",
    "other",
    "its",
    "may",
    "these",
    "what",
    "them",
    "than",
    "some",
    "him",
    "time",
    "into",
    "only",
    "do",
    "could",
    "new",
    "about",
    "two",
    "first",
    "then",
    "also",
    "any",
    "like",
    "my",
    "now",
    "over",
    "such",
    "our",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "many",
    "must",
    "before",
    "years",
    "where",
    "through",
    "back",
    "much",
    "should",
    "well",
    "people",
    "down",
    "own",
    "just",
    "because",
    "good",
    "each",
    "those",
    "how",
    "work",
    "life",
    "very",
    "still",
    "way",
    "world",
    "long",
    "great",
    "day",
    "same",
    "might",
    "part",
    "under",
    "small",
    "never",
    "house",
    "water",
    "light",
    "river",
    "stone",
    "city",
    "market",
    "garden",
    "window",
    "paper",
    "music",
    "table",
    "morning",
    "evening",
    "summer",
    "winter",
    "number",
    "system",
    "model",
    "value",
    "signal",
    "stream",
    "token",
    "answer",
    "question",
    "image",
    "sound",
    "color",
    "green",
    "blue",
    "red",
    "black",
    "white",
    "bright",
    "quiet",
    "quick",
    "slow",
    "open",
    "close",
    "near",
    "far",
    "high",
    "low",
    "young",
    "old",
    "strong",
    "simple",
    "clear",
    "early",
    "late",
    "true",
    "real",
    "whole",
    "free",
    "full",
    "ready",
    "local",
    "common",
    "public",
    "human",
    "social",
    "natural",
    "general",
    "special",
    "certain",
    "possible",
    "important",
    "different",
    "large",
    "little"
  };

  private final List<TextPieces.Piece> words;

  private Vocabulary(List<TextPieces.Piece> words) {
    this.words = List.copyOf(words);
  }

  /**
   * The candidate words that are one token each for this tokenizer.
   *
   * @throws IllegalArgumentException when fewer than 16 are, since generated text would then not
   *     count as the tokens it claims
   */
  static Vocabulary forTokenizer(Tokenizer tokenizer) {
    List<TextPieces.Piece> words = new ArrayList<>();
    for (String candidate : CANDIDATES) {
      String word = " " + candidate;
      if (tokenizer.count(word) == 1) {
        words.add(TextPieces.piece(word, 1));
      }
    }
    if (words.size() < 16) {
      throw new IllegalArgumentException(
          "tokenizer "
              + tokenizer.name()
              + ": only "
              + words.size()
              + " of the simulator's words are single tokens (expected: >= 16)");
    }
    return new Vocabulary(words);
  }

  TextPieces.Piece next(SplittableRandom random) {
    return words.get(random.nextInt(words.size()));
  }

  int size() {
    return words.size();
  }
}
