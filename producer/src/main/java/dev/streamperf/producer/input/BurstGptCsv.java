package dev.streamperf.producer.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * BurstGPT's CSV traces ({@code Timestamp,Model,Request tokens,Response tokens,Total tokens,Log
 * Type}): one single-turn session per row, sent at {@code Timestamp} seconds, with a prompt of
 * {@code Request tokens} tokens and {@code Response tokens} as max_tokens (none when 0, as for the
 * trace's failed requests). Columns are found by their header names, so other columns may be there.
 */
final class BurstGptCsv {

  static final String TIMESTAMP = "Timestamp";
  static final String REQUEST_TOKENS = "Request tokens";
  static final String RESPONSE_TOKENS = "Response tokens";

  private BurstGptCsv() {}

  static List<InputSession> read(Path file, List<String> lines) {
    int headerLine = 0;
    while (headerLine < lines.size() && lines.get(headerLine).isBlank()) {
      headerLine++;
    }
    if (headerLine == lines.size()) {
      throw new InputException(file, 1, null, "empty (expected: a header line)");
    }
    List<String> header = split(lines.get(headerLine));
    int ts = column(file, headerLine + 1, header, TIMESTAMP);
    int req = column(file, headerLine + 1, header, REQUEST_TOKENS);
    int resp = column(file, headerLine + 1, header, RESPONSE_TOKENS);
    List<InputSession> out = new ArrayList<>();
    for (int i = headerLine + 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      int line = i + 1;
      List<String> row = split(lines.get(i));
      if (row.size() != header.size()) {
        throw new InputException(
            file,
            line,
            null,
            row.size() + " columns (expected: " + header.size() + ", as in the header)");
      }
      double seconds = number(file, line, TIMESTAMP, row.get(ts));
      long request = count(file, line, REQUEST_TOKENS, row.get(req), 1);
      long response = count(file, line, RESPONSE_TOKENS, row.get(resp), 0);
      out.add(
          new InputSession(
              null,
              line,
              List.of(
                  new InputTurn(
                      line,
                      "user",
                      List.of(),
                      List.of(),
                      seconds * 1000,
                      null,
                      response == 0 ? null : (int) response,
                      null,
                      null,
                      (int) request,
                      null))));
    }
    return out;
  }

  private static int column(Path file, int line, List<String> header, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new InputException(
        file, line, name, "missing column (header: " + String.join(",", header) + ")");
  }

  private static double number(Path file, int line, String field, String raw) {
    try {
      double v = Double.parseDouble(raw.trim());
      if (v >= 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InputException(file, line, field, "'" + raw + "' (expected: seconds, a number >= 0)");
  }

  private static long count(Path file, int line, String field, String raw, long min) {
    try {
      double v = Double.parseDouble(raw.trim());
      if (v == Math.rint(v) && v >= min && v <= Integer.MAX_VALUE) {
        return (long) v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InputException(
        file, line, field, "'" + raw + "' (expected: an integer >= " + min + ")");
  }

  /** Splits one CSV line; double quotes group, "" is a quote. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
