package dev.streamperf.simulator;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text split at token boundaries, each piece already JSON-escaped as UTF-8 so that writing a chunk
 * copies bytes and encodes nothing. A piece holds one token, or several when a token alone would be
 * an incomplete UTF-8 character (llama.cpp merges those too).
 */
final class TextPieces {

  /** One piece: its escaped UTF-8 bytes and how many tokens it holds. */
  record Piece(String text, byte[] json, int tokens) {}

  private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

  private final List<Piece> pieces;
  private final int tokens;

  private TextPieces(List<Piece> pieces) {
    this.pieces = List.copyOf(pieces);
    int sum = 0;
    for (Piece piece : pieces) {
      sum += piece.tokens();
    }
    this.tokens = sum;
  }

  /** The text tokenized, with pieces cut only where the decoded prefix is a prefix of the text. */
  static TextPieces of(String text, Tokenizer tokenizer) {
    int[] ids = tokenizer.encode(text);
    List<Piece> pieces = new ArrayList<>();
    int emittedChars = 0;
    int pieceStart = 0;
    for (int end = 1; end <= ids.length; end++) {
      String prefix = tokenizer.decode(Arrays.copyOf(ids, end));
      boolean boundary =
          end == ids.length
              || (prefix.length() > emittedChars
                  && text.startsWith(prefix)
                  && !prefix.endsWith("\uFFFD"));
      if (boundary) {
        String piece =
            end == ids.length ? text.substring(emittedChars) : prefix.substring(emittedChars);
        pieces.add(piece(piece, end - pieceStart));
        emittedChars += piece.length();
        pieceStart = end;
      }
    }
    return new TextPieces(pieces);
  }

  static Piece piece(String text, int tokens) {
    return new Piece(text, ESCAPE.quoteAsUTF8(text), tokens);
  }

  List<Piece> pieces() {
    return pieces;
  }

  int size() {
    return pieces.size();
  }

  Piece get(int index) {
    return pieces.get(index);
  }

  /** Tokens in all pieces. */
  int tokens() {
    return tokens;
  }
}
