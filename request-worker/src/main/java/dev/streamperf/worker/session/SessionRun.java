package dev.streamperf.worker.session;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Turn;
import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.http.Exchange;
import dev.streamperf.worker.http.TurnOutcome;
import dev.streamperf.worker.payload.MissingMediaException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One session running on one event loop: each turn fires at its intended instant (the session's
 * {@code intendedSendUs} for the first turn, the previous turn's end plus {@code delayMs} for the
 * others) by an event-loop timer, takes an in-flight slot, and is sent with the conversation so
 * far, the live assistant replies threaded in. A failed turn ends the session; the turns after it
 * end as not sent. Confined to its event loop.
 */
final class SessionRun implements Exchange.Listener {

  private final SessionExecutor.Context ctx;
  private final SessionExecutor.LoopSessions loop;
  private final PreparedSession session;
  private final InferenceRequest request;
  private final int turnCount;
  private final List<TurnOutcome> outcomes;
  private final List<String> replies;

  private int turn;
  private long intendedNanos = TurnOutcome.NONE;
  private ScheduledFuture<?> timer;
  private Exchange exchange;
  private boolean started;
  private boolean ended;

  SessionRun(
      SessionExecutor.Context ctx, SessionExecutor.LoopSessions loop, PreparedSession session) {
    this.ctx = ctx;
    this.loop = loop;
    this.session = session;
    this.request = session.request();
    this.turnCount = request.getTurns().size();
    this.outcomes = new ArrayList<>(turnCount);
    this.replies = new ArrayList<>(turnCount);
  }

  SessionExecutor.LoopSessions loop() {
    return loop;
  }

  PreparedSession session() {
    return session;
  }

  void start() {
    loop.active.add(this);
    if (turnCount == 0) {
      complete();
      return;
    }
    if (session.failure() != null) {
      endRemaining(0, ErrorKind.OTHER, session.failure());
      complete();
      return;
    }
    Long intendedUs = request.getIntendedSendUs();
    if (intendedUs == null) {
      fire();
    } else {
      intendedNanos = ctx.toNanoTime(intendedUs);
      scheduleAt(intendedNanos);
    }
  }

  private void scheduleAt(long nanos) {
    long delay = nanos - System.nanoTime();
    if (delay <= 0) {
      fire();
    } else {
      timer = loop.client.eventLoop().schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void fire() {
    timer = null;
    if (ended) {
      return;
    }
    if (ctx.limiter.tryAcquire(this)) {
      send();
    }
  }

  /** A slot freed up for this waiting run. On the run's loop. */
  void granted() {
    if (ended) {
      ctx.limiter.release();
      return;
    }
    send();
  }

  private void send() {
    byte[] body;
    if (turn == 0 && session.firstBody != null) {
      body = session.firstBody;
      session.firstBody = null;
    } else {
      try {
        body = ctx.payloads.build(request, turn, replies, session.extraBody(), session.media());
      } catch (MissingMediaException | RuntimeException e) {
        ctx.limiter.release();
        endRemaining(turn, ErrorKind.OTHER, "cannot build the request body: " + e.getMessage());
        complete();
        return;
      }
    }
    Turn t = request.getTurns().get(turn);
    Endpoint endpoint = ctx.nextEndpoint();
    exchange =
        new Exchange(
            t.getRequestId(),
            turn,
            endpoint,
            body,
            request.getStream(),
            intendedNanos,
            ctx.limits,
            ctx.parser,
            loop.client.chunk(),
            this);
    loop.client.send(exchange);
  }

  @Override
  public void onSending(Exchange sending) {
    ctx.metrics.sent();
    if (!started) {
      started = true;
      ctx.listener.onStarted(session);
    }
  }

  @Override
  public void onDone(TurnOutcome outcome) {
    exchange = null;
    ctx.limiter.release();
    if (ended) {
      return; // abandoned: the outcome is not reported
    }
    observe(outcome);
    outcomes.add(outcome);
    if (!outcome.success()) {
      endRemaining(
          turn + 1,
          ErrorKind.CANCELLED,
          "not sent: turn " + turn + " of the session failed (" + outcome.errorKind() + ")");
      complete();
      return;
    }
    replies.add(outcome.content());
    turn++;
    if (turn == turnCount) {
      complete();
      return;
    }
    intendedNanos =
        outcome.endedNanos()
            + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.getTurns().get(turn).getDelayMs()));
    scheduleAt(intendedNanos);
  }

  private void observe(TurnOutcome outcome) {
    if (outcome.sentNanos() != TurnOutcome.NONE) {
      if (outcome.intendedNanos() != TurnOutcome.NONE) {
        ctx.metrics.scheduleDelayNanos(outcome.sentNanos() - outcome.intendedNanos());
      } else if (outcome.turnIndex() == 0 && request.getCreditReleasedUs() != null) {
        long sentUs = ctx.clock.toEpochMicros(outcome.sentNanos());
        ctx.metrics.creditGapNanos((sentUs - request.getCreditReleasedUs()) * 1_000L);
      }
    }
    ctx.metrics.contentEvents(outcome.events());
    if (outcome.success()) {
      ctx.metrics.succeeded();
    } else {
      ctx.metrics.error(outcome.errorKind());
    }
  }

  /** Outcomes for turns {@code from}.. that will not be sent. */
  private void endRemaining(int from, ErrorKind kind, String message) {
    long now = System.nanoTime();
    for (int t = from; t < turnCount; t++) {
      TurnOutcome notSent =
          TurnOutcome.notSent(
              request.getTurns().get(t).getRequestId(),
              t,
              null,
              t == from ? intendedNanos : TurnOutcome.NONE,
              now,
              kind,
              message);
      ctx.metrics.error(kind);
      outcomes.add(notSent);
    }
  }

  /** Gives the session up: nothing is reported but {@link SessionListener#onAbandoned}. */
  void abandon(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    loop.active.remove(this);
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (exchange != null) {
      exchange.cancel(reason);
    }
    ctx.listener.onAbandoned(session, reason);
  }

  private void complete() {
    ended = true;
    loop.active.remove(this);
    ctx.listener.onCompleted(new SessionOutcome(session, outcomes, replies));
  }
}
