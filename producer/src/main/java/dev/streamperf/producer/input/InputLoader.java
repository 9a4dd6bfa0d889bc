package dev.streamperf.producer.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.producer.input.InputTurn.MediaRef;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads and resolves a whole input before the run starts: every line parsed and checked, every
 * medium read (and decoded) or fetched, every length-only prompt synthesized exact in tokens. The
 * first problem fails the load with the file, line and field, so a bad input publishes nothing.
 *
 * <p>A trace's {@code input_length} with {@code hash_ids} is made of {@value #BLOCK_TOKENS}-token
 * blocks, one per hash id, the last one shorter: the same hash id always gives the same block text
 * (made from its own random stream, exact in tokens after the blocks before it), so requests that
 * share leading hash ids share their prompt prefix, as the trace's KV-cache reuse means.
 */
public final class InputLoader {

  /** Tokens per hash id of a Mooncake trace. */
  public static final int BLOCK_TOKENS = 512;

  private final Path file;
  private final PromptSynthesizer prompts;
  private final Seeds seeds;
  private final MediaResolver media;
  private final Map<Long, String> blocks = new HashMap<>();

  /**
   * A loaded input.
   *
   * @param format the format it was read as
   * @param sessions its sessions in file order, or in schedule order with a fixed schedule
   * @param offsetsNanos with a fixed schedule, each session's send time from the anchor; else null
   * @param pools a random pool's entries, one list per pool file; else null
   */
  public record Loaded(
      InputFormat format,
      List<SessionTemplate> sessions,
      long[] offsetsNanos,
      List<List<SessionTemplate>> pools) {}

  private InputLoader(Path file, PromptSynthesizer prompts, Seeds seeds, MediaUrls urls) {
    this.file = file;
    this.prompts = prompts;
    this.seeds = seeds;
    Path dir = Files.isDirectory(file) ? file : file.toAbsolutePath().getParent();
    this.media = new MediaResolver(dir, urls);
  }

  /**
   * Loads an input file.
   *
   * @throws InputException naming the file, line and field of the first problem
   */
  public static Loaded load(InputSpec.File spec, PromptSynthesizer prompts, Seeds seeds) {
    InputFormat format = InputParser.formatOf(spec.path(), spec.format());
    InputLoader loader = new InputLoader(spec.path(), prompts, seeds, spec.mediaUrls());
    if (format == InputFormat.RANDOM_POOL) {
      if (spec.schedule() != null) {
        throw new IllegalArgumentException(
            "--fixed-schedule: expected not with a random pool (" + spec.path() + ")");
      }
      List<List<SessionTemplate>> pools = new ArrayList<>();
      for (List<InputSession> pool : InputParser.pools(spec.path())) {
        pools.add(loader.templates(pool));
      }
      return new Loaded(format, List.of(), null, pools);
    }
    List<InputSession> sessions = InputParser.parse(spec.path(), format);
    if (sessions.isEmpty()) {
      throw new InputException(spec.path(), 1, null, "no requests in the file");
    }
    List<SessionTemplate> templates = loader.templates(sessions);
    if (spec.schedule() == null) {
      return new Loaded(format, templates, null, null);
    }
    double[] timestamps = loader.timestamps(sessions);
    long[] offsets = spec.schedule().offsetsNanos(timestamps);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < offsets.length; i++) {
      if (offsets[i] >= 0) {
        order.add(i);
      }
    }
    if (order.isEmpty()) {
      throw new IllegalArgumentException(
          "--fixed-schedule-start-offset/--fixed-schedule-end-offset: no timestamp of "
              + spec.path()
              + " is inside the window");
    }
    order.sort((a, b) -> Long.compare(offsets[a], offsets[b]));
    List<SessionTemplate> scheduled = new ArrayList<>(order.size());
    long[] kept = new long[order.size()];
    for (int i = 0; i < order.size(); i++) {
      scheduled.add(templates.get(order.get(i)));
      kept[i] = offsets[order.get(i)];
    }
    return new Loaded(format, scheduled, kept, null);
  }

  /** Each session's timestamp: its first turn's, or the previous session's plus its delay. */
  private double[] timestamps(List<InputSession> sessions) {
    double[] out = new double[sessions.size()];
    double previous = 0;
    for (int i = 0; i < out.length; i++) {
      InputTurn first = sessions.get(i).turns().get(0);
      if (first.timestampMs() != null) {
        out[i] = first.timestampMs();
      } else if (first.delayMs() != null) {
        out[i] = previous + first.delayMs();
      } else {
        throw new InputException(
            file,
            first.line(),
            "timestamp",
            "missing (expected with a fixed schedule: a timestamp or delay in ms on every line)");
      }
      previous = out[i];
    }
    return out;
  }

  private List<SessionTemplate> templates(List<InputSession> sessions) {
    List<SessionTemplate> out = new ArrayList<>(sessions.size());
    for (InputSession session : sessions) {
      out.add(template(session));
    }
    return out;
  }

  private SessionTemplate template(InputSession session) {
    List<TurnTemplate> turns = new ArrayList<>();
    ObjectNode extra = null;
    Double previousTimestamp = null;
    for (InputTurn turn : session.turns()) {
      long delay = 0;
      if (!turns.isEmpty()) {
        if (turn.delayMs() != null) {
          delay = Math.round(turn.delayMs());
        } else if (turn.timestampMs() != null && previousTimestamp != null) {
          delay = Math.max(0, Math.round(turn.timestampMs() - previousTimestamp));
        }
      }
      if (turn.timestampMs() != null) {
        previousTimestamp = turn.timestampMs();
      }
      turns.add(turn(turn, delay));
      if (turn.extra() != null) {
        extra = extra == null ? turn.extra().deepCopy() : extra;
        extra.setAll(turn.extra());
      }
    }
    String source =
        file.getFileName()
            + ":"
            + session.line()
            + (session.id() == null ? "" : " session " + session.id());
    return new SessionTemplate(turns, null, source, extra == null ? null : extra.toString(), null);
  }

  private TurnTemplate turn(InputTurn turn, long delayMs) {
    List<Message> messages = new ArrayList<>();
    LinkedHashSet<Medium> published = new LinkedHashSet<>();
    int tokens = 0;
    if (turn.messages() != null) {
      for (int i = 0; i < turn.messages().size(); i++) {
        JsonNode m = turn.messages().get(i);
        List<ContentPart> parts = new ArrayList<>();
        tokens +=
            messageParts(turn, m.get("content"), "messages[" + i + "].content", parts, published);
        messages.add(new Message(m.get("role").asText(), parts));
      }
    } else {
      List<ContentPart> parts = new ArrayList<>();
      if (turn.inputLength() != null) {
        parts.add(text(synthesize(turn)));
        tokens += turn.inputLength();
      }
      for (String text : turn.texts()) {
        parts.add(text(text));
        tokens += prompts.tokenizer().count(text);
      }
      for (MediaRef ref : turn.media()) {
        parts.add(resolve(turn.line(), ref, published));
      }
      messages.add(new Message(turn.role(), parts));
    }
    return new TurnTemplate(
        messages,
        new ArrayList<>(published),
        turn.outputLength(),
        null,
        null,
        tokens,
        delayMs,
        null);
  }

  private int messageParts(
      InputTurn turn,
      JsonNode content,
      String field,
      List<ContentPart> parts,
      LinkedHashSet<Medium> published) {
    if (content == null || content.isNull()) {
      return 0;
    }
    if (content.isTextual()) {
      parts.add(text(content.asText()));
      return prompts.tokenizer().count(content.asText());
    }
    int tokens = 0;
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String at = field + "[" + j + "]";
      String type = part.path("type").asText("");
      switch (type) {
        case "text" -> {
          if (!part.path("text").isTextual()) {
            throw new InputException(
                file, turn.line(), at + ".text", "missing (expected: a string)");
          }
          parts.add(text(part.get("text").asText()));
          tokens += prompts.tokenizer().count(part.get("text").asText());
        }
        case "image_url", "video_url" -> {
          JsonNode url = part.path(type).path("url");
          if (!url.isTextual()) {
            url = part.path(type);
          }
          if (!url.isTextual()) {
            throw new InputException(
                file, turn.line(), at + "." + type + ".url", "missing (expected: a URL)");
          }
          PartType kind = type.equals("image_url") ? PartType.IMAGE : PartType.VIDEO;
          parts.add(
              resolve(
                  turn.line(),
                  new MediaRef(kind, url.asText(), at + "." + type + ".url"),
                  published));
        }
        case "input_audio" -> {
          JsonNode data = part.path("input_audio").path("data");
          String format = part.path("input_audio").path("format").asText("wav");
          if (!data.isTextual()) {
            throw new InputException(
                file, turn.line(), at + ".input_audio.data", "missing (expected: base64)");
          }
          String mime = format.equals("mp3") ? "audio/mpeg" : "audio/" + format;
          parts.add(
              resolve(
                  turn.line(),
                  new MediaRef(
                      PartType.AUDIO,
                      "data:" + mime + ";base64," + data.asText(),
                      at + ".input_audio.data"),
                  published));
        }
        default ->
            throw new InputException(
                file,
                turn.line(),
                at + ".type",
                "'" + type + "' (expected: text, image_url, input_audio or video_url)");
      }
    }
    return tokens;
  }

  private ContentPart resolve(int line, MediaRef ref, LinkedHashSet<Medium> published) {
    MediaResolver.Resolved resolved = media.resolve(file, line, ref);
    if (resolved.medium() != null) {
      published.add(resolved.medium());
    }
    return resolved.part();
  }

  /** A prompt of exactly input_length tokens: its hash-id blocks, or one slice from its line. */
  private String synthesize(InputTurn turn) {
    if (turn.hashIds() == null) {
      return prompts.prompt(seeds.random(Seeds.Stream.INPUT, turn.line()), turn.inputLength());
    }
    StringBuilder text = new StringBuilder();
    List<Long> ids = turn.hashIds();
    for (int i = 0; i < ids.size(); i++) {
      long id = ids.get(i);
      int size =
          i + 1 < ids.size() ? BLOCK_TOKENS : turn.inputLength() - (ids.size() - 1) * BLOCK_TOKENS;
      String block = size == BLOCK_TOKENS ? blocks.get(id) : null;
      if (block == null) {
        block = prompts.prompt(seeds.random(Seeds.Stream.INPUT_BLOCK, id), size, text.toString());
        if (size == BLOCK_TOKENS) {
          blocks.put(id, block);
        }
      }
      text.append(block);
    }
    return text.toString();
  }

  private static ContentPart text(String text) {
    return ContentPart.newBuilder().setType(PartType.TEXT).setText(text).build();
  }
}
