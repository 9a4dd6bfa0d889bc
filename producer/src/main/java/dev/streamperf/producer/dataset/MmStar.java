package dev.streamperf.producer.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.producer.input.InputException;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * MMStar (Lin-Chen/MMStar, config and split {@code val}, 1,500 vision-indispensable multiple-choice
 * questions): each row is one request, its question (which lists the options) with the answer
 * instruction and its image, carrying the answer letter as the reference for the {@code
 * multiple_choice} scorer, with the row's category and the option texts.
 */
public final class MmStar {

  public static final String DATASET = "Lin-Chen/MMStar";
  public static final String CONFIG = "val";
  public static final String SPLIT = "val";

  /** Appended to every question, as VLMEvalKit prompts multiple-choice benchmarks. */
  public static final String INSTRUCTION =
      "Answer with the option's letter from the given choices directly.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OPTION = Pattern.compile("(?:^|,\\s*|\\n)([A-F])[:.]\\s*");

  private MmStar() {}

  /** The dataset from the hub through the rows API (cached). */
  public static List<SessionTemplate> fromHub(HfRows hub, Tokenizer tokenizer) {
    List<SessionTemplate> out = new ArrayList<>();
    List<JsonNode> rows = hub.rows(DATASET, CONFIG, SPLIT, null);
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      String where = DATASET + " row " + i;
      JsonNode image = row.path("image");
      String src = image.isTextual() ? image.asText() : image.path("src").asText(null);
      if (src == null) {
        throw new IllegalStateException(where + ": image: no src URL");
      }
      out.add(session(row, hub.file(src), where, src, tokenizer, null, i + 1));
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(DATASET + ": no rows");
    }
    return out;
  }

  /**
   * The dataset from a local copy: JSON Lines, one row a line (a directory holds it as {@code
   * rows.jsonl}); {@code image} is a path relative to the file, an http(s) URL (fetched through the
   * cache), {@code {"src": ...}}, {@code {"path": ...}} or the datasets library's {@code {"bytes":
   * BASE64}}.
   */
  public static List<SessionTemplate> fromFile(Path path, HfRows hub, Tokenizer tokenizer) {
    Path file = Files.isDirectory(path) ? path.resolve("rows.jsonl") : path;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--dataset-path " + path + ": no such file");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("--dataset-path " + file + ": cannot read", e);
    }
    List<SessionTemplate> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      int line = i + 1;
      JsonNode row;
      try {
        row = JSON.readTree(lines.get(i));
      } catch (JsonProcessingException e) {
        throw new InputException(file, line, null, "invalid JSON: " + e.getOriginalMessage());
      }
      JsonNode image = row.path("image");
      byte[] data;
      String source;
      if (image.has("bytes") && image.get("bytes").isTextual()) {
        data = Base64.getDecoder().decode(image.get("bytes").asText());
        source = file + ":" + line;
      } else {
        String ref =
            image.isTextual()
                ? image.asText()
                : image.has("src") ? image.path("src").asText() : image.path("path").asText(null);
        if (ref == null || ref.isEmpty()) {
          throw new InputException(file, line, "image", "missing (expected: a path, URL or bytes)");
        }
        if (ref.startsWith("http://") || ref.startsWith("https://")) {
          data = hub.file(ref);
        } else {
          Path p = file.toAbsolutePath().getParent().resolve(ref);
          if (!Files.isRegularFile(p)) {
            throw new InputException(file, line, "image", "no such file: " + p);
          }
          try {
            data = Files.readAllBytes(p);
          } catch (IOException e) {
            throw new InputException(file, line, "image", "cannot read " + p + ": " + e, e);
          }
        }
        source = ref;
      }
      out.add(session(row, data, file.getFileName() + ":" + line, source, tokenizer, file, line));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--dataset-path " + file + ": no rows");
    }
    return out;
  }

  private static SessionTemplate session(
      JsonNode row,
      byte[] image,
      String where,
      String imageSource,
      Tokenizer tokenizer,
      Path file,
      int line) {
    String question = text(row, "question", where, file, line);
    String answer = text(row, "answer", where, file, line).trim().toUpperCase(Locale.ROOT);
    BufferedImage decoded;
    try {
      decoded = ImageIO.read(new ByteArrayInputStream(image));
    } catch (IOException e) {
      decoded = null;
    }
    if (decoded == null) {
      if (file != null) {
        throw new InputException(file, line, "image", "not a readable image");
      }
      throw new IllegalStateException(where + ": image: not a readable image");
    }
    String mime = mimeOf(image);
    Medium medium =
        Medium.image(
            mime, mime.substring(6), image, decoded.getWidth(), decoded.getHeight(), imageSource);
    String prompt = question + "\n" + INSTRUCTION;
    List<ContentPart> parts =
        List.of(
            ContentPart.newBuilder().setType(PartType.TEXT).setText(prompt).build(), medium.part());
    String category = row.hasNonNull("category") ? row.get("category").asText() : null;
    Reference reference =
        Reference.newBuilder()
            .setScorer("multiple_choice")
            .setAnswer(answer)
            .setCategory(category)
            .setMetadata(new LinkedHashMap<>(options(question)))
            .build();
    TurnTemplate turn =
        new TurnTemplate(
            List.of(new Message("user", parts)),
            List.of(medium),
            null,
            null,
            null,
            tokenizer.count(prompt),
            0,
            reference);
    String index = row.hasNonNull("index") ? " index " + row.get("index").asText() : "";
    return new SessionTemplate(List.of(turn), null, "mmstar:" + where + index);
  }

  private static String text(JsonNode row, String field, String where, Path file, int line) {
    JsonNode v = row.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      if (file != null) {
        throw new InputException(file, line, field, "missing (expected: a string)");
      }
      throw new IllegalStateException(where + ": " + field + ": missing");
    }
    return v.asText();
  }

  /** The option texts a question lists after "Options:" (A: ..., B: ...), by letter. */
  static Map<String, String> options(String question) {
    Map<String, String> out = new LinkedHashMap<>();
    int at = question.lastIndexOf("Options:");
    if (at < 0) {
      return out;
    }
    String tail = question.substring(at + "Options:".length()).trim();
    Matcher m = OPTION.matcher(tail);
    List<int[]> starts = new ArrayList<>();
    List<String> letters = new ArrayList<>();
    while (m.find()) {
      starts.add(new int[] {m.start(), m.end()});
      letters.add(m.group(1));
    }
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : tail.length();
      out.put(letters.get(i), tail.substring(starts.get(i)[1], end).trim());
    }
    return out;
  }

  private static String mimeOf(byte[] data) {
    if (data.length > 3 && (data[0] & 0xff) == 0xFF && (data[1] & 0xff) == 0xD8) {
      return "image/jpeg";
    }
    if (data.length > 12 && data[8] == 'W' && data[9] == 'E' && data[10] == 'B') {
      return "image/webp";
    }
    if (data.length > 3 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F') {
      return "image/gif";
    }
    return "image/png";
  }
}
