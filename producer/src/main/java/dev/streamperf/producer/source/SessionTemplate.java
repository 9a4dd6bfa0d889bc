package dev.streamperf.producer.source;

import java.util.List;

/**
 * A session before it is addressed (run, ids, sequence) and scheduled (phase, intended time): what
 * a {@link SessionSource} yields.
 *
 * @param turns its turns, at least one
 * @param model the model it asks for, or null for the run's model selection
 * @param source where it came from, for reports and errors: {@code synthetic:entry=7}, {@code
 *     FILE:LINE}, a dataset row, a replayed run
 */
public record SessionTemplate(List<TurnTemplate> turns, String model, String source) {

  public SessionTemplate {
    turns = List.copyOf(turns);
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("session " + source + ": no turns");
    }
  }

  public int turnCount() {
    return turns.size();
  }
}
