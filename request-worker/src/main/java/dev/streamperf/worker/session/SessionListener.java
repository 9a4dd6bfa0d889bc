package dev.streamperf.worker.session;

/** Hears what happens to submitted sessions. Called on event loops: return quickly, never block. */
public interface SessionListener {

  /** The session's first request is about to be written: from now on it counts as attempted. */
  void onStarted(PreparedSession session);

  /** Every turn has ended. */
  void onCompleted(SessionOutcome outcome);

  /** Given up before it finished (drain deadline, partition revoked): it yields nothing. */
  void onAbandoned(PreparedSession session, String reason);
}
