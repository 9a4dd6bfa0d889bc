package dev.streamperf.worker.session;

import com.fasterxml.jackson.core.JsonFactory;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.WorkerConfig;
import dev.streamperf.worker.http.ChatClient;
import dev.streamperf.worker.http.ChunkParser;
import dev.streamperf.worker.http.Exchange;
import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.payload.MissingMediaException;
import dev.streamperf.worker.payload.PayloadBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Runs sessions on the HTTP client's event loops: each session is pinned to one loop (round robin),
 * its turns sent at their intended instants under the worker's in-flight cap, endpoints taken round
 * robin per request. What happens is reported to a {@link SessionListener}. Also probes each loop's
 * lag. Thread-safe entry points; everything else runs on the loops.
 */
public final class SessionExecutor implements AutoCloseable {

  private static final long LAG_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ChatClient client;
  private final Context ctx;
  private final List<LoopSessions> loops = new ArrayList<>();
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong maxLoopLagNanos = new AtomicLong();
  private volatile boolean closed;

  public SessionExecutor(
      WorkerConfig config, MicrosClock clock, WorkerMetrics metrics, SessionListener listener) {
    this.client = new ChatClient(config);
    SessionListener counting =
        new SessionListener() {
          @Override
          public void onStarted(PreparedSession session) {
            listener.onStarted(session);
          }

          @Override
          public void onCompleted(SessionOutcome outcome) {
            active.decrementAndGet();
            listener.onCompleted(outcome);
          }

          @Override
          public void onAbandoned(PreparedSession session, String reason) {
            active.decrementAndGet();
            listener.onAbandoned(session, reason);
          }
        };
    this.ctx = new Context(config, clock, metrics, counting, client.parser());
    for (ChatClient.LoopClient loopClient : client.loops()) {
      LoopSessions loop = new LoopSessions(loopClient);
      loops.add(loop);
      loop.probeLag(System.nanoTime() + LAG_PROBE_NANOS);
    }
    metrics.gauge(
        "streamperf_worker_in_flight", "HTTP requests outstanding.", () -> ctx.limiter.inFlight());
    metrics.gauge(
        "streamperf_worker_waiting_for_slot",
        "Turns due but waiting for an in-flight slot.",
        () -> ctx.limiter.waiting());
    metrics.gauge(
        "streamperf_worker_sessions_running", "Sessions submitted and not ended.", active::get);
  }

  /**
   * Runs a session. The first turn's body is built here, on the caller's thread, so the event loop
   * only sends it. After {@link #close()} the session is reported abandoned. Thread-safe.
   */
  public void submit(PreparedSession session) {
    if (closed) {
      active.incrementAndGet();
      ctx.listener.onAbandoned(session, "worker closed");
      return;
    }
    if (session.failure() == null && !session.request().getTurns().isEmpty()) {
      try {
        session.firstBody =
            ctx.payloads.build(
                session.request(), 0, List.of(), session.extraBody(), session.media());
      } catch (MissingMediaException | RuntimeException e) {
        session =
            PreparedSession.failed(
                session.request(),
                session.attempt(),
                session.tag(),
                "cannot build the request body: " + e.getMessage());
      }
    }
    LoopSessions loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
    SessionRun run = new SessionRun(ctx, loop, session);
    active.incrementAndGet();
    loop.client.eventLoop().execute(run::start);
  }

  /**
   * Abandons the running sessions that match; each is reported to {@link
   * SessionListener#onAbandoned}.
   *
   * @return completes when every loop has done it, with the number abandoned
   */
  public CompletableFuture<Integer> abandon(Predicate<PreparedSession> which, String reason) {
    List<CompletableFuture<Integer>> perLoop = new ArrayList<>();
    for (LoopSessions loop : loops) {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      perLoop.add(done);
      loop.client
          .eventLoop()
          .execute(
              () -> {
                int n = 0;
                for (SessionRun run : List.copyOf(loop.active)) {
                  if (which.test(run.session())) {
                    run.abandon(reason);
                    n++;
                  }
                }
                done.complete(n);
              });
    }
    return CompletableFuture.allOf(perLoop.toArray(CompletableFuture[]::new))
        .thenApply(v -> perLoop.stream().mapToInt(CompletableFuture::join).sum());
  }

  /** Sessions submitted and not yet completed or abandoned. */
  public int activeSessions() {
    return active.get();
  }

  /** HTTP requests outstanding now. */
  public int inFlight() {
    return ctx.limiter.inFlight();
  }

  /** The largest event-loop lag seen by the probe, in nanoseconds. */
  public long maxLoopLagNanos() {
    return maxLoopLagNanos.get();
  }

  /** Starts a new maximum of the event-loop lag (e.g. after a warmup). */
  public void resetMaxLoopLag() {
    maxLoopLagNanos.set(0);
  }

  /** Open connections over all loops (a snapshot taken on each loop). */
  public int openConnections() {
    int n = 0;
    for (LoopSessions loop : loops) {
      try {
        n += loop.client.eventLoop().submit(loop.client::openConnections).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        return -1;
      }
    }
    return n;
  }

  /** Closes every connection and stops the event loops; running sessions end without outcome. */
  @Override
  public void close() {
    closed = true;
    client.close();
  }

  /** What every session run shares. */
  static final class Context {
    final WorkerConfig config;
    final MicrosClock clock;
    final WorkerMetrics metrics;
    final SessionListener listener;
    final ChunkParser parser;
    final PayloadBuilder payloads;
    final Exchange.Limits limits;
    final InFlightLimiter limiter;
    private final List<Endpoint> endpoints;
    private final AtomicLong nextEndpoint = new AtomicLong();

    Context(
        WorkerConfig config,
        MicrosClock clock,
        WorkerMetrics metrics,
        SessionListener listener,
        ChunkParser parser) {
      this.config = config;
      this.clock = clock;
      this.metrics = metrics;
      this.listener = listener;
      this.parser = parser;
      this.payloads =
          new PayloadBuilder(new JsonFactory(), config.useLegacyMaxTokens(), config.includeUsage());
      this.limits =
          new Exchange.Limits(
              config.firstByteTimeout().toNanos(),
              config.requestTimeout().toNanos(),
              config.maxBodyBytes(),
              config.keepTokenText());
      this.limiter = new InFlightLimiter(config.maxInFlight());
      this.endpoints = config.endpoints();
    }

    Endpoint nextEndpoint() {
      return endpoints.get((int) Math.floorMod(nextEndpoint.getAndIncrement(), endpoints.size()));
    }

    /** The {@link System#nanoTime()} reading at which the clock shows {@code epochMicros}. */
    long toNanoTime(long epochMicros) {
      return clock.nanoTime() + (epochMicros - clock.nowMicros()) * 1_000L;
    }
  }

  /** One loop's client and its running sessions (touched only on that loop). */
  final class LoopSessions {
    final ChatClient.LoopClient client;
    final Set<SessionRun> active = new HashSet<>();

    LoopSessions(ChatClient.LoopClient client) {
      this.client = client;
    }

    void probeLag(long dueNanos) {
      if (closed) {
        return;
      }
      client
          .eventLoop()
          .schedule(
              () -> {
                long lag = System.nanoTime() - dueNanos;
                ctx.metrics.loopLagNanos(lag);
                maxLoopLagNanos.accumulateAndGet(lag, Math::max);
                probeLag(System.nanoTime() + LAG_PROBE_NANOS);
              },
              Math.max(0, dueNanos - System.nanoTime()),
              TimeUnit.NANOSECONDS);
    }
  }
}
