package dev.streamperf.evaluator.mlperf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * LoadGen's {@code mlperf_log_accuracy.json}: a JSON array with one object per logged response,
 * {@code { "seq_id" : 0, "qsl_idx" : 42, "data" : "7B22...", "token_count" : 17 }}, where {@code
 * data} is the response's bytes (UTF-8 text here) in upper-case hexadecimal and {@code token_count}
 * is present when the output token count is known. Written in LoadGen's layout, one entry per line;
 * read strictly, with errors that name the file, line, entry and field.
 */
public final class AccuracyLog {

  /** The file name LoadGen gives it. */
  public static final String FILE_NAME = "mlperf_log_accuracy.json";

  private static final HexFormat HEX = HexFormat.of().withUpperCase();
  private static final JsonFactory JSON = new JsonFactory();

  private AccuracyLog() {}

  /**
   * One logged response.
   *
   * @param seqId the query's sequence number
   * @param qslIndex the sample's index in the dataset
   * @param data the response bytes
   * @param tokenCount output tokens, or null when unknown
   */
  public record Entry(long seqId, int qslIndex, byte[] data, Integer tokenCount) {
    public Entry {
      Objects.requireNonNull(data, "data");
      if (seqId < 0 || qslIndex < 0) {
        throw new IllegalArgumentException(
            "seq_id " + seqId + ", qsl_idx " + qslIndex + " (expected: >= 0)");
      }
    }

    /** An entry of a text response. */
    public static Entry ofText(long seqId, int qslIndex, String text, Integer tokenCount) {
      return new Entry(seqId, qslIndex, text.getBytes(StandardCharsets.UTF_8), tokenCount);
    }

    /** The response as UTF-8 text, malformed sequences replaced, as the reference decodes it. */
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e
          && e.seqId == seqId
          && e.qslIndex == qslIndex
          && Arrays.equals(e.data, data)
          && Objects.equals(e.tokenCount, tokenCount);
    }

    @Override
    public int hashCode() {
      return Objects.hash(seqId, qslIndex, Arrays.hashCode(data), tokenCount);
    }

    @Override
    public String toString() {
      return "Entry[seq_id=" + seqId + ", qsl_idx=" + qslIndex + ", " + data.length + " bytes]";
    }
  }

  /** Writes the entries, in the given order, as LoadGen lays the file out. */
  public static void write(Path file, List<Entry> entries) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(out, entries);
    }
  }

  static void write(Writer out, List<Entry> entries) throws IOException {
    out.write('[');
    boolean first = true;
    for (Entry e : entries) {
      out.write(first ? "\n{ " : ",\n{ ");
      first = false;
      out.write("\"seq_id\" : " + e.seqId());
      out.write(", \"qsl_idx\" : " + e.qslIndex());
      out.write(", \"data\" : \"");
      out.write(HEX.formatHex(e.data()));
      out.write('"');
      if (e.tokenCount() != null) {
        out.write(", \"token_count\" : " + e.tokenCount());
      }
      out.write(" }");
    }
    out.write("\n]\n");
  }

  /**
   * Reads an accuracy log.
   *
   * @throws InvalidInputException naming the file, line, entry and field of the first problem
   */
  public static List<Entry> read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file.toString(), in);
    }
  }

  static List<Entry> read(String name, Reader in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new InvalidInputException(
            name, line(parser), "not an accuracy log (expected: a JSON array of entries)");
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        int index = entries.size();
        long line = line(parser);
        if (parser.currentToken() != JsonToken.START_OBJECT) {
          throw new InvalidInputException(name, line, "entry " + index + ": not an object");
        }
        entries.add(entry(name, parser, index, line));
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException(name, line(parser), "content after the array");
      }
    } catch (JsonParseException e) {
      throw new InvalidInputException(
          name,
          e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not JSON: " + e.getOriginalMessage());
    }
    return entries;
  }

  private static Entry entry(String name, JsonParser parser, int index, long line)
      throws IOException {
    Long seqId = null;
    Long qslIndex = null;
    byte[] data = null;
    Long tokenCount = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      String where = "entry " + index + ": field '" + field + "'";
      switch (field) {
        case "seq_id" -> seqId = nonNegative(name, parser, where, value);
        case "qsl_idx" -> qslIndex = nonNegative(name, parser, where, value);
        case "token_count" -> tokenCount = nonNegative(name, parser, where, value);
        case "data" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw new InvalidInputException(name, line(parser), where + ": not a string");
          }
          try {
            data = HexFormat.of().parseHex(parser.getText());
          } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                name, line(parser), where + ": not hexadecimal bytes (" + e.getMessage() + ")");
          }
        }
        default -> parser.skipChildren(); // fields a newer LoadGen may add
      }
    }
    for (String missing : new String[] {"seq_id", "qsl_idx", "data"}) {
      boolean absent =
          switch (missing) {
            case "seq_id" -> seqId == null;
            case "qsl_idx" -> qslIndex == null;
            default -> data == null;
          };
      if (absent) {
        throw new InvalidInputException(
            name, line, "entry " + index + ": field '" + missing + "': missing");
      }
    }
    if (qslIndex > Integer.MAX_VALUE || (tokenCount != null && tokenCount > Integer.MAX_VALUE)) {
      throw new InvalidInputException(name, line, "entry " + index + ": value out of range");
    }
    return new Entry(
        seqId, qslIndex.intValue(), data, tokenCount == null ? null : tokenCount.intValue());
  }

  private static long nonNegative(String name, JsonParser parser, String where, JsonToken value)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidInputException(name, line(parser), where + ": not an integer");
    }
    long v = parser.getLongValue();
    if (v < 0) {
      throw new InvalidInputException(name, line(parser), where + ": " + v + " (expected: >= 0)");
    }
    return v;
  }

  private static long line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }
}
