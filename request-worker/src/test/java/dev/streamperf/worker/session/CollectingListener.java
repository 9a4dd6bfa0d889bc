package dev.streamperf.worker.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Collects what an executor reports. */
final class CollectingListener implements SessionListener {
  final List<PreparedSession> started = new CopyOnWriteArrayList<>();
  final List<SessionOutcome> completed = new CopyOnWriteArrayList<>();
  final List<String> abandoned = new CopyOnWriteArrayList<>();

  @Override
  public void onStarted(PreparedSession session) {
    started.add(session);
  }

  @Override
  public void onCompleted(SessionOutcome outcome) {
    completed.add(outcome);
  }

  @Override
  public void onAbandoned(PreparedSession session, String reason) {
    abandoned.add(reason);
  }

  List<SessionOutcome> await(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (completed.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + completed.size() + " of " + n + " sessions completed");
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return List.copyOf(completed);
  }
}
