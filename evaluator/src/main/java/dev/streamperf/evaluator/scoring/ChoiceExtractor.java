package dev.streamperf.evaluator.scoring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the option letter a model chose in a free-form answer, by the rules common VLM evaluation
 * kits apply (VLMEvalKit's option inference, lmms-eval's MMStar matching), strictest first:
 *
 * <ol>
 *   <li>the whole answer is a letter: {@code B}, {@code (B)}, {@code B.}, {@code [b]};
 *   <li>the whole answer is one option's text;
 *   <li>an answer statement: {@code Answer: B}, {@code the answer is (B)}, {@code **Answer:** B}
 *       (the last one wins), else {@code Option B} / {@code choice B};
 *   <li>a leading letter: {@code B. a dog}, {@code (B) a dog}, {@code B: ...};
 *   <li>exactly one option letter stands alone among the answer's words once punctuation is removed
 *       (a capital {@code A} that starts a sentence before a lower-case word, {@code A dog ...},
 *       reads as an article and does not count);
 *   <li>exactly one option's text occurs in the answer (a text contained in another matching
 *       option's text yields to it).
 * </ol>
 *
 * A reasoning model's {@code <think>...</think>} block is dropped first. When nothing matches, or a
 * rule finds more than one letter, there is no choice.
 */
public final class ChoiceExtractor {

  private static final Pattern WHOLE_LETTER =
      Pattern.compile("^[(\\[]?\\s*([A-Za-z])\\s*[)\\]]?\\s*[.:)]?$");
  private static final Pattern ANSWER_STATEMENT =
      Pattern.compile(
          "(?iu)\\banswer\\b(?:\\s*\\*+)?(?:\\s+(?:is|would\\s+be|should\\s+be))?\\s*[:\\-=]?"
              + "\\s*(?:\\*+\\s*)?(?:(?:option|choice)\\s+)?[(\\[]?\\s*(?-i:([A-Za-z]))"
              + "(?![A-Za-z0-9])");
  private static final Pattern OPTION_STATEMENT =
      Pattern.compile(
          "(?iu)\\b(?:option|choice)\\s*[:\\-]?\\s*[(\\[]?\\s*(?-i:([A-Z]))(?![A-Za-z0-9])");
  private static final Pattern LEADING_LETTER =
      Pattern.compile("^[*\\s]*[(\\[]?\\s*([A-Z])\\s*(?:[)\\].:]|\\s*[)\\]]\\s*[.:]?)(?:\\s|$)");
  private static final Pattern PUNCTUATION = Pattern.compile("[.()\\[\\],:;!?*#{}\"'`]");
  private static final Pattern WORDS = Pattern.compile("\\s+");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?:]$");

  private final SortedMap<Character, String> options;

  /**
   * @param options option letter (upper case) to option text; a null or blank text means the letter
   *     is a valid choice whose text is unknown
   */
  public ChoiceExtractor(Map<Character, String> options) {
    if (options.isEmpty()) {
      throw new IllegalArgumentException("options: none (expected: at least one letter)");
    }
    this.options = new TreeMap<>(options);
  }

  /** The chosen letter, if the answer names exactly one option. */
  public Optional<Character> extract(String answer) {
    String text = withoutReasoning(answer).strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Character> found = wholeLetter(text);
    if (found.isEmpty()) {
      found = wholeOptionText(text);
    }
    if (found.isEmpty()) {
      found = lastStatement(ANSWER_STATEMENT, text);
    }
    if (found.isEmpty()) {
      found = lastStatement(OPTION_STATEMENT, text);
    }
    if (found.isEmpty()) {
      found = leadingLetter(text);
    }
    if (found.isEmpty()) {
      found = singleStandaloneLetter(text);
    }
    if (found.isEmpty()) {
      found = singleOptionTextMentioned(text);
    }
    return found;
  }

  private static String withoutReasoning(String answer) {
    int end = answer.lastIndexOf("</think>");
    return end < 0 ? answer : answer.substring(end + "</think>".length());
  }

  private Optional<Character> option(char letter) {
    char upper = Character.toUpperCase(letter);
    return options.containsKey(upper) ? Optional.of(upper) : Optional.empty();
  }

  private Optional<Character> wholeLetter(String text) {
    Matcher m = WHOLE_LETTER.matcher(text);
    return m.matches() ? option(m.group(1).charAt(0)) : Optional.empty();
  }

  private Optional<Character> wholeOptionText(String text) {
    String normalized = normalizeText(text);
    for (Map.Entry<Character, String> e : options.entrySet()) {
      if (hasText(e.getValue()) && normalizeText(e.getValue()).equals(normalized)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  private Optional<Character> lastStatement(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    Optional<Character> last = Optional.empty();
    while (m.find()) {
      char letter = m.group(1).charAt(0);
      if (Character.isLowerCase(letter) && !closesLetter(text, m.end(1))) {
        continue; // "the answer is a cat": an article, not option a
      }
      Optional<Character> candidate = option(letter);
      if (candidate.isPresent()) {
        last = candidate;
      }
    }
    return last;
  }

  /** A lower-case letter counts only when a bracket, period or the end of the text follows it. */
  private static boolean closesLetter(String text, int after) {
    int i = after;
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    return i == text.length() || ").]:".indexOf(text.charAt(i)) >= 0;
  }

  private Optional<Character> leadingLetter(String text) {
    Matcher m = LEADING_LETTER.matcher(text);
    return m.find() ? option(m.group(1).charAt(0)) : Optional.empty();
  }

  private Optional<Character> singleStandaloneLetter(String text) {
    String[] raw = WORDS.split(text);
    Set<Character> letters = new LinkedHashSet<>();
    for (int i = 0; i < raw.length; i++) {
      String word = PUNCTUATION.matcher(raw[i]).replaceAll("");
      if (word.length() != 1 || !options.containsKey(word.charAt(0))) {
        continue;
      }
      if (!isArticle(raw, i)) {
        letters.add(word.charAt(0));
      }
    }
    return letters.size() == 1 ? Optional.of(letters.iterator().next()) : Optional.empty();
  }

  /** A bare "A" that starts a sentence and is followed by a lower-case word: "A dog sits." */
  private static boolean isArticle(String[] raw, int i) {
    boolean sentenceStart = i == 0 || SENTENCE_END.matcher(raw[i - 1]).find();
    return raw[i].equals("A")
        && sentenceStart
        && i + 1 < raw.length
        && Character.isLowerCase(raw[i + 1].charAt(0));
  }

  private Optional<Character> singleOptionTextMentioned(String text) {
    String haystack = normalizeText(text);
    List<Map.Entry<Character, String>> mentioned = new ArrayList<>();
    for (Map.Entry<Character, String> e : options.entrySet()) {
      if (hasText(e.getValue()) && haystack.contains(normalizeText(e.getValue()))) {
        mentioned.add(Map.entry(e.getKey(), normalizeText(e.getValue())));
      }
    }
    List<Character> maximal = new ArrayList<>();
    for (Map.Entry<Character, String> candidate : mentioned) {
      boolean containedInAnother =
          mentioned.stream()
              .anyMatch(
                  other ->
                      other != candidate
                          && other.getValue().length() > candidate.getValue().length()
                          && other.getValue().contains(candidate.getValue()));
      if (!containedInAnother) {
        maximal.add(candidate.getKey());
      }
    }
    return maximal.size() == 1 ? Optional.of(maximal.get(0)) : Optional.empty();
  }

  private static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }

  private static String normalizeText(String text) {
    String collapsed = WORDS.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    while (collapsed.endsWith(".")) {
      collapsed = collapsed.substring(0, collapsed.length() - 1);
    }
    return collapsed;
  }
}
