package dev.streamperf.producer.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One turn of an input as written, checked for shape and types but not yet resolved (media not
 * read, lengths not synthesized).
 *
 * @param line the 1-based line it came from
 * @param role the message role (default user)
 * @param texts its text parts
 * @param media its media, in order
 * @param timestampMs when to send it (ms), or null
 * @param delayMs how long to wait before sending it (ms), or null
 * @param outputLength max_tokens, or null
 * @param extra members merged into the request body, or null
 * @param messages OpenAI messages given as they are (traces), or null
 * @param inputLength a prompt of this many tokens to synthesize, or null
 * @param hashIds the prompt's 512-token blocks by hash id (prefix reuse), or null
 */
public record InputTurn(
    int line,
    String role,
    List<String> texts,
    List<MediaRef> media,
    Double timestampMs,
    Double delayMs,
    Integer outputLength,
    ObjectNode extra,
    JsonNode messages,
    Integer inputLength,
    List<Long> hashIds) {

  public InputTurn {
    texts = List.copyOf(texts);
    media = List.copyOf(media);
    hashIds = hashIds == null ? null : List.copyOf(hashIds);
  }

  /** A medium named in an input: a local path, an http(s) URL or a data URL. */
  public record MediaRef(dev.streamperf.schemas.PartType type, String location, String field) {}
}
