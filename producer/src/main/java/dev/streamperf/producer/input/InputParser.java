package dev.streamperf.producer.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.producer.input.InputTurn.MediaRef;
import dev.streamperf.schemas.PartType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an input file into sessions, checking every line's shape and field types: the first bad
 * line fails the whole file with its line number and field ({@link InputException}). JSON Lines for
 * AIPerf's and GenAI-Perf's formats (blank lines skipped), CSV with a header for BurstGPT.
 */
public final class InputParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> TURN_FIELDS =
      Set.of(
          "type",
          "role",
          "text",
          "texts",
          "image",
          "images",
          "audio",
          "audios",
          "video",
          "videos",
          "timestamp",
          "delay",
          "session_id",
          "output_length",
          "extra");
  private static final Set<String> POOL_FIELDS =
      Set.of("type", "text", "texts", "image", "images", "audio", "audios", "video", "videos");
  private static final Set<String> TRACE_FIELDS =
      Set.of(
          "type",
          "input_length",
          "hash_ids",
          "text_input",
          "messages",
          "output_length",
          "timestamp",
          "delay",
          "session_id",
          "extra");
  private static final Set<String> GENAI_PERF_FIELDS = Set.of("text_input", "text", "image");

  private final Path file;
  private final InputFormat format;

  private InputParser(Path file, InputFormat format) {
    this.file = file;
    this.format = format;
  }

  /**
   * The sessions of a file in the given format (null: inferred). A random pool's entries come back
   * as single-turn sessions, one list per pool file: use {@link #pools}.
   */
  public static List<InputSession> parse(Path file, InputFormat format) {
    InputFormat f = format != null ? format : InputFormat.infer(file, firstLine(file));
    if (f == InputFormat.RANDOM_POOL) {
      List<InputSession> all = new ArrayList<>();
      pools(file).forEach(all::addAll);
      return all;
    }
    return new InputParser(file, f).read();
  }

  /** The pools of a random-pool input: one per file (a directory's files in name order). */
  public static List<List<InputSession>> pools(Path path) {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (var stream = Files.list(path)) {
        stream.filter(Files::isRegularFile).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException("--input-file " + path + ": cannot list", e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("--input-file " + path + ": an empty directory");
      }
    } else {
      files.add(path);
    }
    List<List<InputSession>> pools = new ArrayList<>();
    for (Path f : files) {
      List<InputSession> pool = new InputParser(f, InputFormat.RANDOM_POOL).read();
      if (pool.isEmpty()) {
        throw new InputException(f, 1, null, "no entries");
      }
      pools.add(pool);
    }
    return pools;
  }

  /** The format a file would be read as. */
  public static InputFormat formatOf(Path file, InputFormat given) {
    return given != null ? given : InputFormat.infer(file, firstLine(file));
  }

  private static String firstLine(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--input-file " + file + ": no such file or directory");
    }
    if (Files.isDirectory(file)) {
      return null;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          return line;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("--input-file " + file + ": cannot read", e);
    }
  }

  private List<String> lines() {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--input-file " + file + ": no such file");
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("--input-file " + file + ": cannot read", e);
    }
  }

  private List<InputSession> read() {
    List<String> lines = lines();
    if (format == InputFormat.BURST_GPT_TRACE) {
      return BurstGptCsv.read(file, lines);
    }
    List<InputSession> sessions = new ArrayList<>();
    Map<String, List<InputTurn>> traceSessions = new LinkedHashMap<>();
    Map<String, Integer> traceLines = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      int line = i + 1;
      ObjectNode node = object(text, line);
      switch (format) {
        case SINGLE_TURN -> {
          InputTurn turn = turn(node, line, "", TURN_FIELDS);
          sessions.add(new InputSession(string(node, "session_id", line), line, List.of(turn)));
        }
        case MULTI_TURN -> sessions.add(multiTurn(node, line));
        case RANDOM_POOL ->
            sessions.add(new InputSession(null, line, List.of(turn(node, line, "", POOL_FIELDS))));
        case GENAI_PERF ->
            sessions.add(new InputSession(null, line, List.of(genaiPerf(node, line))));
        case MOONCAKE_TRACE -> {
          InputTurn turn = trace(node, line);
          String id = string(node, "session_id", line);
          if (id == null) {
            sessions.add(new InputSession(null, line, List.of(turn)));
          } else {
            if (!traceSessions.containsKey(id)) {
              traceLines.put(id, line);
              sessions.add(null); // placeholder: the session's place is its first line's
              traceSessions.put(id, new ArrayList<>());
              placeholders.put(id, sessions.size() - 1);
            }
            traceSessions.get(id).add(turn);
          }
        }
        default -> throw new IllegalStateException(format.toString());
      }
    }
    for (Map.Entry<String, List<InputTurn>> e : traceSessions.entrySet()) {
      sessions.set(
          placeholders.get(e.getKey()),
          new InputSession(e.getKey(), traceLines.get(e.getKey()), e.getValue()));
    }
    return sessions;
  }

  private final Map<String, Integer> placeholders = new LinkedHashMap<>();

  private ObjectNode object(String text, int line) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InputException(
          file,
          line,
          null,
          "invalid JSON"
              + (at == null ? "" : " at column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new InputException(file, line, null, "expected a JSON object, not " + kind(node));
    }
    return object;
  }

  private InputSession multiTurn(ObjectNode node, int line) {
    checkFields(node, line, "", Set.of("type", "session_id", "turns"));
    String id = string(node, "session_id", line);
    JsonNode turns = node.get("turns");
    if (turns == null || turns.isNull()) {
      throw new InputException(file, line, "turns", "missing (expected: a list of turns)");
    }
    if (!turns.isArray() || turns.isEmpty()) {
      throw new InputException(
          file, line, "turns", "expected a non-empty list of turns, not " + kind(turns));
    }
    List<InputTurn> out = new ArrayList<>();
    for (int t = 0; t < turns.size(); t++) {
      String prefix = "turns[" + t + "].";
      if (!(turns.get(t) instanceof ObjectNode turn)) {
        throw new InputException(
            file, line, "turns[" + t + "]", "expected an object, not " + kind(turns.get(t)));
      }
      Set<String> allowed = new java.util.HashSet<>(TURN_FIELDS);
      allowed.remove("session_id");
      out.add(turn(turn, line, prefix, allowed));
    }
    return new InputSession(id, line, out);
  }

  private InputTurn turn(ObjectNode node, int line, String prefix, Set<String> allowed) {
    checkFields(node, line, prefix, allowed);
    List<String> texts = new ArrayList<>();
    one(node, line, prefix, "text", texts);
    many(node, line, prefix, "texts", texts);
    List<MediaRef> media = new ArrayList<>();
    media(node, line, prefix, "image", "images", PartType.IMAGE, media);
    media(node, line, prefix, "audio", "audios", PartType.AUDIO, media);
    media(node, line, prefix, "video", "videos", PartType.VIDEO, media);
    if (texts.isEmpty() && media.isEmpty()) {
      throw new InputException(
          file,
          line,
          prefix + "text",
          "missing (expected: at least one of text, texts, image, images, audio, audios, video,"
              + " videos)");
    }
    Double timestamp = number(node, "timestamp", line, prefix);
    Double delay = number(node, "delay", line, prefix);
    if (timestamp != null && delay != null) {
      throw new InputException(
          file, line, prefix + "delay", "not with timestamp (AIPerf makes them exclusive)");
    }
    String role = string(node, "role", line, prefix);
    return new InputTurn(
        line,
        role == null ? "user" : role,
        texts,
        media,
        timestamp,
        delay,
        positiveInt(node, "output_length", line, prefix),
        extra(node, line, prefix),
        null,
        null,
        null);
  }

  private InputTurn genaiPerf(ObjectNode node, int line) {
    checkFields(node, line, "", GENAI_PERF_FIELDS);
    List<String> texts = new ArrayList<>();
    one(node, line, "", "text_input", texts);
    one(node, line, "", "text", texts);
    List<MediaRef> media = new ArrayList<>();
    media(node, line, "", "image", null, PartType.IMAGE, media);
    if (texts.isEmpty()) {
      throw new InputException(file, line, "text_input", "missing (expected: text_input or text)");
    }
    return new InputTurn(line, "user", texts, media, null, null, null, null, null, null, null);
  }

  private InputTurn trace(ObjectNode node, int line) {
    checkFields(node, line, "", TRACE_FIELDS);
    Integer inputLength = positiveInt(node, "input_length", line, "");
    List<String> texts = new ArrayList<>();
    one(node, line, "", "text_input", texts);
    JsonNode messages = node.get("messages");
    if (messages != null && messages.isNull()) {
      messages = null;
    }
    int modes = (inputLength != null ? 1 : 0) + texts.size() + (messages != null ? 1 : 0);
    if (modes == 0) {
      throw new InputException(
          file, line, "input_length", "missing (expected: input_length, text_input or messages)");
    }
    if (modes > 1) {
      throw new InputException(
          file,
          line,
          inputLength != null ? "input_length" : "text_input",
          "not with "
              + (messages != null ? "messages" : "text_input")
              + " (expected: exactly one of input_length, text_input, messages)");
    }
    if (messages != null) {
      checkMessages(messages, line);
    }
    List<Long> hashIds = null;
    JsonNode hashes = node.get("hash_ids");
    if (hashes != null && !hashes.isNull()) {
      if (inputLength == null) {
        throw new InputException(file, line, "hash_ids", "only with input_length");
      }
      if (!hashes.isArray()) {
        throw new InputException(
            file, line, "hash_ids", "expected a list of integers, not " + kind(hashes));
      }
      hashIds = new ArrayList<>();
      for (int i = 0; i < hashes.size(); i++) {
        if (!hashes.get(i).canConvertToLong() || !hashes.get(i).isIntegralNumber()) {
          throw new InputException(
              file, line, "hash_ids[" + i + "]", "expected an integer, not " + kind(hashes.get(i)));
        }
        hashIds.add(hashes.get(i).asLong());
      }
      int blocks = hashIds.size();
      if (blocks == 0
          || inputLength <= (long) (blocks - 1) * InputLoader.BLOCK_TOKENS
          || inputLength > (long) blocks * InputLoader.BLOCK_TOKENS) {
        throw new InputException(
            file,
            line,
            "hash_ids",
            blocks
                + " blocks of "
                + InputLoader.BLOCK_TOKENS
                + " tokens do not make input_length "
                + inputLength
                + " (expected: "
                + ((inputLength + InputLoader.BLOCK_TOKENS - 1) / InputLoader.BLOCK_TOKENS)
                + " hash ids)");
      }
    }
    Double timestamp = number(node, "timestamp", line, "");
    Double delay = number(node, "delay", line, "");
    if (timestamp != null && delay != null) {
      throw new InputException(file, line, "delay", "not with timestamp");
    }
    return new InputTurn(
        line,
        "user",
        texts,
        List.of(),
        timestamp,
        delay,
        positiveInt(node, "output_length", line, ""),
        extra(node, line, ""),
        messages,
        inputLength,
        hashIds);
  }

  private void checkMessages(JsonNode messages, int line) {
    if (!messages.isArray() || messages.isEmpty()) {
      throw new InputException(
          file, line, "messages", "expected a non-empty list of messages, not " + kind(messages));
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject() || !m.path("role").isTextual()) {
        throw new InputException(file, line, at + ".role", "missing (expected: a role string)");
      }
      JsonNode content = m.get("content");
      if (content == null || !(content.isTextual() || content.isArray() || content.isNull())) {
        throw new InputException(
            file,
            line,
            at + ".content",
            "expected a string or a list of content parts, not " + kind(content));
      }
    }
  }

  private void checkFields(ObjectNode node, int line, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new InputException(
            file,
            line,
            prefix + name,
            "unknown field for " + format.label() + " (expected one of: " + sorted(allowed) + ")");
      }
    }
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", names.stream().filter(n -> !n.equals("type")).sorted().toList());
  }

  private void one(ObjectNode node, int line, String prefix, String name, List<String> out) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isTextual()) {
      throw new InputException(file, line, prefix + name, "expected a string, not " + kind(v));
    }
    out.add(v.asText());
  }

  /** A list of strings, or of AIPerf's {name, contents: [...]} objects. */
  private void many(ObjectNode node, int line, String prefix, String name, List<String> out) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return;
    }
    if (node.hasNonNull(singular(name))) {
      throw new InputException(
          file, line, prefix + name, "not with " + singular(name) + " (one or the other)");
    }
    if (!v.isArray()) {
      throw new InputException(file, line, prefix + name, "expected a list, not " + kind(v));
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String at = prefix + name + "[" + i + "]";
      if (item.isTextual()) {
        out.add(item.asText());
      } else if (item.isObject() && item.path("contents").isArray()) {
        JsonNode contents = item.get("contents");
        for (int j = 0; j < contents.size(); j++) {
          if (!contents.get(j).isTextual()) {
            throw new InputException(
                file,
                line,
                at + ".contents[" + j + "]",
                "expected a string, not " + kind(contents.get(j)));
          }
          out.add(contents.get(j).asText());
        }
      } else {
        throw new InputException(
            file, line, at, "expected a string or {name, contents}, not " + kind(item));
      }
    }
  }

  private static String singular(String plural) {
    return plural.substring(0, plural.length() - 1);
  }

  private void media(
      ObjectNode node,
      int line,
      String prefix,
      String single,
      String plural,
      PartType type,
      List<MediaRef> out) {
    List<String> values = new ArrayList<>();
    one(node, line, prefix, single, values);
    for (String v : values) {
      out.add(new MediaRef(type, v, prefix + single));
    }
    if (plural == null) {
      return;
    }
    List<String> many = new ArrayList<>();
    many(node, line, prefix, plural, many);
    for (int i = 0; i < many.size(); i++) {
      out.add(new MediaRef(type, many.get(i), prefix + plural + "[" + i + "]"));
    }
  }

  private String string(ObjectNode node, String name, int line) {
    return string(node, name, line, "");
  }

  private String string(ObjectNode node, String name, int line, String prefix) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() && !v.isIntegralNumber()) {
      throw new InputException(file, line, prefix + name, "expected a string, not " + kind(v));
    }
    return v.asText();
  }

  private Double number(ObjectNode node, String name, int line, String prefix) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new InputException(
          file, line, prefix + name, "expected a number of milliseconds, not " + kind(v));
    }
    if (v.asDouble() < 0 || !Double.isFinite(v.asDouble())) {
      throw new InputException(
          file, line, prefix + name, v.asText() + " (expected: milliseconds >= 0)");
    }
    return v.asDouble();
  }

  private Integer positiveInt(ObjectNode node, String name, int line, String prefix) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InputException(file, line, prefix + name, "expected an integer, not " + kind(v));
    }
    if (v.asInt() < 1) {
      throw new InputException(file, line, prefix + name, v.asInt() + " (expected: >= 1)");
    }
    return v.asInt();
  }

  private ObjectNode extra(ObjectNode node, int line, String prefix) {
    JsonNode v = node.get("extra");
    if (v == null || v.isNull()) {
      return null;
    }
    if (!(v instanceof ObjectNode object)) {
      throw new InputException(file, line, prefix + "extra", "expected an object, not " + kind(v));
    }
    return object;
  }

  static String kind(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    String type = v.getNodeType().name().toLowerCase(Locale.ROOT);
    String text = v.toString();
    return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }
}
