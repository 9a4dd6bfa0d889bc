package dev.streamperf.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rules that fix the answer to a prompt, so accuracy scoring can be tested end to end with known
 * right and wrong answers. Loaded from a JSONL file, one rule per line:
 *
 * <pre>
 * {"contains": "capital of France", "answer": "Paris"}
 * {"regex": "(?i)which letter", "answer": "B"}
 * </pre>
 *
 * <p>A rule matches when the text of the request's last user message contains the substring
 * (case-sensitive) or the regular expression finds a match in it; the first matching rule wins.
 * Blank lines are skipped. Unmatched prompts get generated text.
 */
public final class ScriptedAnswers {

  /** No rules: every prompt gets generated text. */
  public static final ScriptedAnswers NONE = new ScriptedAnswers(List.of(), null);

  /** One rule; {@code source} is {@code FILE:LINE}. */
  public record Rule(String contains, Pattern regex, String answer, String source) {
    public Rule {
      Objects.requireNonNull(answer, "answer");
      if ((contains == null) == (regex == null)) {
        throw new IllegalArgumentException(
            source + ": exactly one of 'contains' and 'regex' (expected: one)");
      }
    }

    boolean matches(String prompt) {
      return contains != null ? prompt.contains(contains) : regex.matcher(prompt).find();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Rule> rules;
  private final Path file;

  private ScriptedAnswers(List<Rule> rules, Path file) {
    this.rules = List.copyOf(rules);
    this.file = file;
  }

  /** Rules given in code, in order. */
  public static ScriptedAnswers of(List<Rule> rules) {
    return new ScriptedAnswers(rules, null);
  }

  /**
   * Reads a rules file.
   *
   * @throws IllegalArgumentException naming the file, the line and the field of the first bad rule
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ScriptedAnswers load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("scripted answers " + file + ": cannot read", e);
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      rules.add(parse(line, file + ":" + (i + 1)));
    }
    return new ScriptedAnswers(rules, file);
  }

  private static Rule parse(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + ": not a JSON object: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("contains") && !name.equals("regex") && !name.equals("answer")) {
        throw new IllegalArgumentException(
            where + ": field '" + name + "': unknown (expected: contains, regex, answer)");
      }
    }
    String answer = text(node, "answer", where);
    if (answer == null) {
      throw new IllegalArgumentException(where + ": field 'answer': missing");
    }
    String contains = text(node, "contains", where);
    String regex = text(node, "regex", where);
    if (contains == null && regex == null) {
      throw new IllegalArgumentException(
          where + ": field 'contains' or 'regex': missing (expected: one of them)");
    }
    if (contains != null && regex != null) {
      throw new IllegalArgumentException(
          where + ": fields 'contains' and 'regex' both given (expected: one of them)");
    }
    if (contains != null && contains.isEmpty()) {
      throw new IllegalArgumentException(where + ": field 'contains': empty");
    }
    Pattern pattern = null;
    if (regex != null) {
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            where + ": field 'regex': invalid regular expression: " + e.getDescription(), e);
      }
    }
    return new Rule(contains, pattern, answer, where);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(
          where + ": field '" + field + "': " + value + " (expected: a string)");
    }
    return value.asText();
  }

  /** The first rule matching the prompt text. */
  public Optional<Rule> match(String promptText) {
    for (Rule rule : rules) {
      if (rule.matches(promptText)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The file the rules came from, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
