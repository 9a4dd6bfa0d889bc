package dev.streamperf.producer.source;

import dev.streamperf.schemas.InferenceRequest;
import java.util.List;

/**
 * A session before it is addressed (run, ids, sequence) and scheduled (phase, intended time): what
 * a {@link SessionSource} yields.
 *
 * @param turns its turns, at least one
 * @param model the model it asks for, or null for the run's model selection
 * @param source where it came from, for reports and errors: {@code synthetic:entry=7}, {@code
 *     FILE:LINE}, a dataset row, a replayed run
 * @param extraBody a JSON object shallow-merged over the run's extra body (its members win), e.g.
 *     an input file's per-turn {@code extra}; null for none
 * @param prototype a recorded request this session re-publishes (replay, import): its model, stream
 *     flag, sampling parameters, extra body and turns are kept as they were, only its address and
 *     schedule are new; null for a new session
 */
public record SessionTemplate(
    List<TurnTemplate> turns,
    String model,
    String source,
    String extraBody,
    InferenceRequest prototype) {

  public SessionTemplate {
    turns = List.copyOf(turns);
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("session " + source + ": no turns");
    }
  }

  /** A new session with the run's extra body. */
  public SessionTemplate(List<TurnTemplate> turns, String model, String source) {
    this(turns, model, source, null, null);
  }

  public int turnCount() {
    return turns.size();
  }
}
