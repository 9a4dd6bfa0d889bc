package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expression: the reference answer is a Java regular expression; the response scores 1 when
 * it matches. {@code metadata.match} is {@code find} (default: anywhere in the response) or {@code
 * full} (the whole response); {@code metadata.flags} combines {@code i} (case-insensitive), {@code
 * m} (multi-line) and {@code s} (dot matches newlines). The extracted text is the match. Matching
 * is bounded: an expression that backtracks past {@value #MAX_STEPS} character reads on one
 * response is rejected as a bad reference instead of stalling the stream thread.
 */
public final class RegexScorer implements Scorer {

  public static final String NAME = "regex";

  static final long MAX_STEPS = 20_000_000L;

  private final BoundedCache<String, Pattern> patterns = new BoundedCache<>(1024);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException {
    String flags = ReferenceMetadata.string(reference, "flags");
    String mode = ReferenceMetadata.string(reference, "match");
    boolean full;
    if (mode == null || mode.equals("find")) {
      full = false;
    } else if (mode.equals("full")) {
      full = true;
    } else {
      throw new BadReferenceException(
          "reference.metadata.match: '" + mode + "' (expected: find or full)");
    }
    Pattern pattern = pattern(reference.getAnswer(), flags == null ? "" : flags);
    Matcher matcher = pattern.matcher(new BoundedCharSequence(response, MAX_STEPS));
    try {
      boolean matched = full ? matcher.matches() : matcher.find();
      return ScoreOutcome.binary(
          matched,
          true,
          matched ? matcher.group() : null,
          reference.getAnswer(),
          reference.getCategory());
    } catch (BoundedCharSequence.BudgetExceeded e) {
      throw new BadReferenceException(
          "reference.answer: regular expression '"
              + reference.getAnswer()
              + "' took more than "
              + MAX_STEPS
              + " steps on a "
              + response.length()
              + "-character response (catastrophic backtracking)");
    }
  }

  private Pattern pattern(String regex, String flags) throws BadReferenceException {
    if (regex == null) {
      throw new BadReferenceException("reference.answer: missing");
    }
    String key = flags + '\u0000' + regex;
    Pattern cached = patterns.get(key);
    if (cached != null) {
      return cached;
    }
    int bits = 0;
    for (char flag : flags.toCharArray()) {
      switch (flag) {
        case 'i' -> bits |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        case 'm' -> bits |= Pattern.MULTILINE;
        case 's' -> bits |= Pattern.DOTALL;
        default ->
            throw new BadReferenceException(
                "reference.metadata.flags: '" + flags + "' (expected: letters of i, m, s)");
      }
    }
    try {
      Pattern compiled = Pattern.compile(regex, bits);
      patterns.put(key, compiled);
      return compiled;
    } catch (PatternSyntaxException e) {
      throw new BadReferenceException(
          "reference.answer: not a regular expression: " + e.getDescription(), e);
    }
  }

  /** A char sequence that fails after a budget of reads, to bound regex backtracking. */
  static final class BoundedCharSequence implements CharSequence {
    static final class BudgetExceeded extends RuntimeException {
      BudgetExceeded() {
        super(null, null, false, false);
      }
    }

    private final CharSequence text;
    private final long[] remaining;

    BoundedCharSequence(CharSequence text, long budget) {
      this(text, new long[] {budget});
    }

    private BoundedCharSequence(CharSequence text, long[] remaining) {
      this.text = text;
      this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
      if (--remaining[0] < 0) {
        throw new BudgetExceeded();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BoundedCharSequence(text.subSequence(start, end), remaining);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
