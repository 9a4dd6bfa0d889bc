package dev.streamperf.worker.session;

import dev.streamperf.worker.http.TurnOutcome;
import java.util.List;

/**
 * A finished session: one outcome per turn, in order, every turn present (turns after a failed one
 * end as not sent).
 *
 * @param session what ran
 * @param turns one outcome per turn
 * @param replies the assistant replies of the turns that succeeded, threaded into later turns
 */
public record SessionOutcome(
    PreparedSession session, List<TurnOutcome> turns, List<String> replies) {

  public SessionOutcome {
    turns = List.copyOf(turns);
    replies = List.copyOf(replies);
  }
}
