package dev.streamperf.worker.session;

import static dev.streamperf.worker.TestRequests.text;
import static dev.streamperf.worker.TestRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.FreePorts;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import dev.streamperf.worker.TestRequests;
import dev.streamperf.worker.WorkerConfig;
import dev.streamperf.worker.http.TurnOutcome;
import dev.streamperf.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP engine without Kafka: connections, the in-flight cap, endpoints, auth, failures. */
class SessionExecutorIT {

  private static InferenceRequest request(String id, int tokens) {
    return TestRequests.single("run", id, 0, "streamperf-sim", tokens, user(text("Q " + id)));
  }

  private static SessionExecutor executor(WorkerConfig config, CollectingListener listener) {
    return new SessionExecutor(
        config, MicrosClock.system(), new WorkerMetrics(config.workerId()), listener);
  }

  private static Simulator simulator(SimulatorConfig.Builder builder) {
    return Simulator.start(
        builder
            .seed(5)
            .ttftBase(Duration.ofMillis(2))
            .outputLengths(OutputLengths.fixed(4))
            .build());
  }

  @Test
  void theInFlightCapHoldsAndWaitingTurnsAreLate() throws Exception {
    CollectingListener listener = new CollectingListener();
    try (Simulator sim = simulator(SimulatorConfig.builder().itl(Duration.ofMillis(25)));
        SessionExecutor executor =
            executor(
                WorkerConfig.builder().url(sim.baseUrl()).workerId("cap").maxInFlight(2).build(),
                listener)) {
      long intendedUs = MicrosClock.system().nowMicros() + 200_000;
      for (int i = 0; i < 8; i++) {
        InferenceRequest r = request("cap-" + i, 4);
        r.setIntendedSendUs(intendedUs); // all due at once
        executor.submit(PreparedSession.of(r, 1, i, Map.of()));
      }
      List<TurnOutcome> turns =
          listener.await(8, Duration.ofSeconds(30)).stream().map(o -> o.turns().get(0)).toList();
      assertThat(turns).allMatch(TurnOutcome::success);
      List<long[]> spans = new ArrayList<>();
      turns.forEach(t -> spans.add(new long[] {t.sentNanos(), t.endedNanos()}));
      for (long[] span : spans) {
        long overlapping = spans.stream().filter(o -> o[0] <= span[0] && o[1] > span[0]).count();
        assertThat(overlapping).as("requests outstanding when one was sent").isLessThanOrEqualTo(2);
      }
      long late =
          turns.stream().filter(t -> t.sentNanos() - t.intendedNanos() > 50_000_000L).count();
      assertThat(late).as("turns that waited for a slot show it as schedule delay").isEqualTo(6);
    }
  }

  @Test
  void keptAliveConnectionsAreReused() throws Exception {
    CollectingListener listener = new CollectingListener();
    try (Simulator sim = simulator(SimulatorConfig.builder().itl(Duration.ofMillis(1)));
        SessionExecutor executor =
            executor(
                WorkerConfig.builder().url(sim.baseUrl()).workerId("reuse").ioThreads(1).build(),
                listener)) {
      for (int i = 0; i < 20; i++) {
        executor.submit(PreparedSession.of(request("reuse-" + i, 4), 1, i, Map.of()));
        listener.await(i + 1, Duration.ofSeconds(10));
      }
      assertThat(listener.completed).allMatch(o -> o.turns().get(0).success());
      assertThat(executor.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void endpointsTakeTurnsRoundRobin() throws Exception {
    CollectingListener listener = new CollectingListener();
    try (Simulator a = simulator(SimulatorConfig.builder().itl(Duration.ofMillis(1)));
        Simulator b = simulator(SimulatorConfig.builder().itl(Duration.ofMillis(1)));
        SessionExecutor executor =
            executor(
                WorkerConfig.builder().url(a.baseUrl()).url(b.baseUrl()).workerId("rr").build(),
                listener)) {
      for (int i = 0; i < 10; i++) {
        executor.submit(PreparedSession.of(request("rr-" + i, 4), 1, i, Map.of()));
      }
      listener.await(10, Duration.ofSeconds(10));
      // A simulator records its truth once the last chunk is written, which may be a moment after
      // the worker read [DONE]: wait for both records to be in before comparing the shares.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (a.groundTruth().size() + b.groundTruth().size() < 10 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(a.groundTruth().size()).isEqualTo(5);
      assertThat(b.groundTruth().size()).isEqualTo(5);
    }
  }

  @Test
  void theApiKeyIsSentAndAMissingOneIsAnHttpStatusError() throws Exception {
    try (Simulator sim =
        simulator(SimulatorConfig.builder().itl(Duration.ofMillis(1)).apiKey("sk-test"))) {
      CollectingListener with = new CollectingListener();
      try (SessionExecutor executor =
          executor(
              WorkerConfig.builder().url(sim.baseUrl()).workerId("k").apiKey("sk-test").build(),
              with)) {
        executor.submit(PreparedSession.of(request("key-ok", 4), 1, 0, Map.of()));
        assertThat(with.await(1, Duration.ofSeconds(10)).get(0).turns().get(0).success()).isTrue();
      }
      CollectingListener without = new CollectingListener();
      try (SessionExecutor executor =
          executor(WorkerConfig.builder().url(sim.baseUrl()).workerId("nk").build(), without)) {
        executor.submit(PreparedSession.of(request("key-missing", 4), 1, 0, Map.of()));
        TurnOutcome turn = without.await(1, Duration.ofSeconds(10)).get(0).turns().get(0);
        assertThat(turn.success()).isFalse();
        assertThat(turn.errorKind()).isEqualTo(ErrorKind.HTTP_STATUS);
        assertThat(turn.httpStatus()).isEqualTo(401);
        assertThat(turn.errorMessage()).startsWith("HTTP 401: ");
      }
    }
  }

  @Test
  void aRefusedConnectionIsAConnectionErrorThatWasNeverSent() throws Exception {
    CollectingListener listener = new CollectingListener();
    int closedPort = FreePorts.loopback();
    try (SessionExecutor executor =
        executor(
            WorkerConfig.builder().url("127.0.0.1:" + closedPort).workerId("refused").build(),
            listener)) {
      InferenceRequest twoTurns =
          TestRequests.session(
              "run",
              "refused",
              0,
              "m",
              null,
              List.of(
                  TestRequests.turn("refused/0", 4, 0, user(text("a"))),
                  TestRequests.turn("refused/1", 4, 0, user(text("b")))));
      executor.submit(PreparedSession.of(twoTurns, 1, 0, Map.of()));
      SessionOutcome outcome = listener.await(1, Duration.ofSeconds(10)).get(0);
      TurnOutcome first = outcome.turns().get(0);
      assertThat(first.errorKind()).isEqualTo(ErrorKind.CONNECTION);
      assertThat(first.errorMessage()).contains("connect to http://127.0.0.1:" + closedPort);
      assertThat(first.sentNanos()).isEqualTo(TurnOutcome.NONE);
      assertThat(listener.started).as("never counted as started").isEmpty();
      TurnOutcome second = outcome.turns().get(1);
      assertThat(second.errorKind()).isEqualTo(ErrorKind.CANCELLED);
      assertThat(second.errorMessage()).contains("turn 0 of the session failed (CONNECTION)");
    }
  }

  @Test
  void abandonedSessionsReportNothingButTheirAbandonment() throws Exception {
    CollectingListener listener = new CollectingListener();
    try (Simulator sim = simulator(SimulatorConfig.builder().itl(Duration.ofMillis(200)));
        SessionExecutor executor =
            executor(WorkerConfig.builder().url(sim.baseUrl()).workerId("ab").build(), listener)) {
      for (int i = 0; i < 4; i++) {
        executor.submit(PreparedSession.of(request("ab-" + i, 4), 1, i, Map.of()));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (executor.inFlight() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      int abandoned = executor.abandon(s -> s.<Integer>tag() % 2 == 0, "test").get();
      assertThat(abandoned).isEqualTo(2);
      List<SessionOutcome> done = listener.await(2, Duration.ofSeconds(10));
      Thread.sleep(300);
      assertThat(listener.completed).hasSize(2);
      assertThat(done).allMatch(o -> o.session().<Integer>tag() % 2 == 1);
      assertThat(listener.abandoned).containsExactly("test", "test");
      assertThat(executor.inFlight()).isZero();
      assertThat(executor.activeSessions()).isZero();
    }
  }
}
