package dev.streamperf.producer.input;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The formats of {@code --input-file}, named as AIPerf's {@code --custom-dataset-type} names them,
 * plus GenAI-Perf's BYOD lines and BurstGPT's CSV traces.
 */
public enum InputFormat {
  /** One request per line: {@code text}/{@code texts}, {@code image}/{@code images}, ... */
  SINGLE_TURN("single_turn"),
  /** One session per line: {@code session_id}, {@code turns} (single-turn objects). */
  MULTI_TURN("multi_turn"),
  /** Entries sampled at random; a directory makes each file a pool, one entry of each per turn. */
  RANDOM_POOL("random_pool"),
  /** Mooncake traces: {@code input_length} with {@code hash_ids}, or text, or messages. */
  MOONCAKE_TRACE("mooncake_trace"),
  /** GenAI-Perf's BYOD lines: {@code text_input} or {@code text}, and {@code image}. */
  GENAI_PERF("genai_perf"),
  /** BurstGPT's CSV: {@code Timestamp} (s), {@code Request tokens}, {@code Response tokens}. */
  BURST_GPT_TRACE("burst_gpt_trace");

  private final String label;

  InputFormat(String label) {
    this.label = label;
  }

  /** The name on the command line. */
  public String label() {
    return label;
  }

  /**
   * Whether the format carries a session's schedule as a trace does (fixed schedule by default).
   */
  public boolean trace() {
    return this == MOONCAKE_TRACE || this == BURST_GPT_TRACE;
  }

  /**
   * A format by its name ({@code single_turn}, {@code single-turn}, ...).
   *
   * @throws IllegalArgumentException naming {@code --custom-dataset-type} and the choices
   */
  public static InputFormat of(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (InputFormat f : values()) {
      if (f.label.equals(key) || (f == BURST_GPT_TRACE && key.equals("burstgpt"))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--custom-dataset-type: '"
            + name
            + "' (expected: "
            + Arrays.stream(values()).map(InputFormat::label).collect(Collectors.joining(", "))
            + ")");
  }

  /**
   * The format of a file given without {@code --custom-dataset-type}: a directory is a random pool,
   * a {@code .csv} a BurstGPT trace; a JSON Lines file by its first object's fields.
   */
  static InputFormat infer(Path path, String firstLine) {
    if (Files.isDirectory(path)) {
      return RANDOM_POOL;
    }
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      return BURST_GPT_TRACE;
    }
    String line = firstLine == null ? "" : firstLine;
    if (line.contains("\"turns\"")) {
      return MULTI_TURN;
    }
    if (line.contains("\"input_length\"")
        || line.contains("\"hash_ids\"")
        || line.contains("\"messages\"")) {
      return MOONCAKE_TRACE;
    }
    if (line.contains("\"text_input\"")) {
      return GENAI_PERF;
    }
    return SINGLE_TURN;
  }
}
