package dev.streamperf.producer.replay;

import dev.streamperf.producer.schedule.Arrivals;
import dev.streamperf.producer.schedule.FixedArrivals;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.Turn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An earlier run's requests as the sessions of a new one: each session is its recorded request
 * (model, stream flag, sampling, extra body, turns, references), re-addressed under the new run,
 * with the original's schedule relative to its first request scaled by 1/speed. A request's time is
 * its intended send time (open loop), or its publication time where it had none (closed loop).
 * Media are referenced, not copied: they are in the media topic already.
 */
public final class ReplaySource implements SessionSource {

  private final String runId;
  private final double speed;
  private final List<SessionTemplate> sessions = new ArrayList<>();
  private final long[] offsetsNanos;
  private final long warmupRequests;

  /**
   * @param requests the original's requests, any order
   * @param speed how many times faster than the original
   */
  public ReplaySource(String runId, List<InferenceRequest> requests, double speed) {
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("--run " + runId + ": no committed requests to replay");
    }
    this.runId = runId;
    this.speed = speed;
    List<InferenceRequest> ordered = new ArrayList<>(requests);
    ordered.sort(
        Comparator.comparingLong(ReplaySource::timeUs)
            .thenComparingLong(InferenceRequest::getSequence));
    long first = timeUs(ordered.get(0));
    offsetsNanos = new long[ordered.size()];
    long warmup = 0;
    for (int i = 0; i < ordered.size(); i++) {
      InferenceRequest r = ordered.get(i);
      offsetsNanos[i] = Math.round((timeUs(r) - first) * 1000.0 / speed);
      sessions.add(template(r));
      if (r.getPhase() == Phase.WARMUP) {
        warmup += r.getTurns().size();
      }
    }
    this.warmupRequests = warmup;
  }

  private static long timeUs(InferenceRequest r) {
    return r.getIntendedSendUs() != null ? r.getIntendedSendUs() : r.getPublishedUs();
  }

  private SessionTemplate template(InferenceRequest r) {
    List<TurnTemplate> turns = new ArrayList<>(r.getTurns().size());
    for (Turn t : r.getTurns()) {
      turns.add(
          new TurnTemplate(
              t.getMessages(),
              List.of(),
              t.getMaxTokens(),
              t.getMinTokens(),
              t.getIgnoreEos(),
              t.getInputTokens(),
              t.getDelayMs(),
              t.getReference()));
    }
    return new SessionTemplate(
        turns, r.getModel(), "replay:" + runId + ":" + r.getSessionId(), null, r);
  }

  /** Turns the original ran as warmup (they come first), so the replay runs them as warmup too. */
  public long warmupRequests() {
    return warmupRequests;
  }

  @Override
  public SessionTemplate session(long sequence) {
    return sessions.get(Math.toIntExact(sequence));
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(sessions.size());
  }

  @Override
  public Optional<Arrivals> schedule() {
    return Optional.of(new FixedArrivals(offsetsNanos));
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "replay of run %s: %d sessions over %.3f s at speed %s",
        runId,
        sessions.size(),
        offsetsNanos[offsetsNanos.length - 1] / 1e9,
        speed);
  }
}
