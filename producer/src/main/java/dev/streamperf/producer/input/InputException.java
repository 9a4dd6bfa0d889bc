package dev.streamperf.producer.input;

import java.nio.file.Path;

/**
 * A bad input: the message names the file, the line (1-based) and the field, e.g. {@code
 * prompts.jsonl:7: images[1]: no such file: cat.png}. Thrown before anything is published.
 */
public final class InputException extends IllegalArgumentException {

  private final transient Path file;
  private final int line;
  private final String field;

  public InputException(Path file, int line, String field, String problem) {
    this(file, line, field, problem, null);
  }

  public InputException(Path file, int line, String field, String problem, Throwable cause) {
    super(file + ":" + line + ": " + (field == null ? "" : field + ": ") + problem, cause);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public Path file() {
    return file;
  }

  /** The 1-based line (a CSV row counts its header as line 1). */
  public int line() {
    return line;
  }

  /** The field, or null when the line as a whole is bad (not JSON, wrong column count). */
  public String field() {
    return field;
  }
}
