package dev.streamperf.producer.source;

import dev.streamperf.producer.media.Medium;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.Reference;
import java.util.List;

/**
 * One turn as a source made it: the messages it appends (media referenced by SHA-256), the media
 * themselves (to publish before the request), output limits, its tokenizer count and think time.
 *
 * @param messages messages appended by this turn
 * @param media the distinct media its parts reference
 * @param maxTokens max_tokens, null for none
 * @param minTokens min_tokens, null for none
 * @param ignoreEos ignore_eos, null for none
 * @param inputTokens tokens of its text parts in the run's tokenizer
 * @param delayMs think time after the previous turn's completion (ignored for the first)
 * @param reference reference answer for the evaluator, null for none
 */
public record TurnTemplate(
    List<Message> messages,
    List<Medium> media,
    Integer maxTokens,
    Integer minTokens,
    Boolean ignoreEos,
    Integer inputTokens,
    long delayMs,
    Reference reference) {

  public TurnTemplate {
    messages = List.copyOf(messages);
    media = List.copyOf(media);
  }
}
