package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Multiple choice (MMStar and the like): the reference answer is an option letter, {@code
 * Reference.metadata} holds the option texts under keys {@code A}, {@code B}, ...; the response
 * scores 1 when the letter {@link ChoiceExtractor} finds equals the answer, else 0. With no option
 * texts the choices are A to D (and the answer's letter).
 */
public final class MultipleChoiceScorer implements Scorer {

  public static final String NAME = "multiple_choice";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException {
    char answer = answerLetter(reference.getAnswer());
    Map<Character, String> options = options(reference);
    if (!options.containsKey(answer)) {
      throw new BadReferenceException(
          "reference.answer: '"
              + answer
              + "' is not one of the options "
              + options.keySet()
              + " in reference.metadata");
    }
    Optional<Character> chosen = new ChoiceExtractor(options).extract(response);
    return ScoreOutcome.binary(
        chosen.isPresent() && chosen.get() == answer,
        chosen.isPresent(),
        chosen.map(String::valueOf).orElse(null),
        String.valueOf(answer),
        reference.getCategory());
  }

  private static char answerLetter(String answer) throws BadReferenceException {
    String trimmed = answer == null ? "" : answer.strip();
    if (trimmed.length() != 1 || !isAsciiLetter(trimmed.charAt(0))) {
      throw new BadReferenceException(
          "reference.answer: '" + answer + "' (expected: one option letter A-Z)");
    }
    return Character.toUpperCase(trimmed.charAt(0));
  }

  private static Map<Character, String> options(Reference reference) {
    Map<Character, String> options = new TreeMap<>();
    if (reference.getMetadata() != null) {
      reference
          .getMetadata()
          .forEach(
              (key, text) -> {
                if (key.length() == 1 && key.charAt(0) >= 'A' && key.charAt(0) <= 'Z') {
                  options.put(key.charAt(0), text);
                }
              });
    }
    if (options.isEmpty()) {
      for (char c = 'A'; c <= 'D'; c++) {
        options.put(c, null);
      }
      String answer = reference.getAnswer() == null ? "" : reference.getAnswer().strip();
      if (answer.length() == 1 && isAsciiLetter(answer.charAt(0))) {
        options.put(Character.toUpperCase(answer.charAt(0)), null);
      }
    }
    return options;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
