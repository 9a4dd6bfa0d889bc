package dev.streamperf.worker;

import static dev.streamperf.worker.TestRequests.text;
import static dev.streamperf.worker.TestRequests.turn;
import static dev.streamperf.worker.TestRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.RequestTruth;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker on the embedded broker against the simulator: exactly once, schedules, drain. */
class RequestWorkerIT {

  private static final String MODEL = "streamperf-sim";
  private static EmbeddedStack stack;

  @BeforeAll
  static void startBroker() {
    stack = EmbeddedStack.start();
  }

  @AfterAll
  static void stopBroker() {
    if (stack != null) {
      stack.close();
    }
  }

  private static Simulator simulator(Duration itl, int tokens) {
    return Simulator.start(
        SimulatorConfig.builder()
            .seed(3)
            .ttftBase(Duration.ofMillis(5))
            .itl(itl)
            .outputLengths(OutputLengths.fixed(tokens))
            .build());
  }

  private static WorkerConfig.Builder config(Simulator simulator, String workerId) {
    return WorkerConfig.builder().url(simulator.baseUrl()).workerId(workerId);
  }

  private static List<InferenceRequest> singles(String run, String prefix, int n, int maxTokens) {
    List<InferenceRequest> requests = new ArrayList<>();
    for (String id : TestRequests.ids(prefix, n)) {
      requests.add(
          TestRequests.single(run, id, requests.size(), MODEL, maxTokens, user(text("Q " + id))));
    }
    return requests;
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  @Test
  void aSecondWorkerTakesOverPartitionsAndEveryRequestHasExactlyOneResult() throws Exception {
    int n = 160;
    try (Simulator simulator = simulator(Duration.ofMillis(50), 60)) {
      ClusterConfig cluster = Clusters.freshTopics(stack, "rebalance.", 4);
      RequestWorker first = RequestWorker.create(cluster, config(simulator, "first").build());
      RequestWorker second = RequestWorker.create(cluster, config(simulator, "second").build());
      List<RequestResult> results;
      List<TokenEvent> events;
      try (PipelineClient pipeline = new PipelineClient(cluster)) {
        first.start();
        pipeline.publish(singles("run-rb", "rb", n, 60));
        await(
            () -> first.stats().inFlight() >= n / 2, Duration.ofSeconds(30), "requests in flight");
        second.start(); // the cooperative rebalance moves half the partitions mid-request
        results = pipeline.results(r -> r.size() >= n, Duration.ofSeconds(90));
        events =
            pipeline.tokenEvents(
                e -> e.size() >= results.stream().mapToInt(RequestResult::getContentEvents).sum(),
                Duration.ofSeconds(30));
      } finally {
        second.drain(Duration.ofSeconds(10));
        first.drain(Duration.ofSeconds(10));
      }
      assertThat(results).extracting(RequestResult::getRequestId).doesNotHaveDuplicates();
      assertThat(results).hasSize(n);
      assertThat(results).allMatch(RequestResult::getSuccess);
      long abandoned = first.stats().abandoned();
      assertThat(abandoned)
          .as("the first worker gave up running sessions of moved partitions")
          .isPositive();
      long retried = results.stream().filter(r -> r.getAttempt() == 2).count();
      assertThat(retried)
          .as("each abandoned session was re-executed as attempt 2 by the second worker")
          .isEqualTo(abandoned);
      assertThat(results.stream().filter(r -> r.getAttempt() == 2))
          .allMatch(r -> r.getWorkerId().equals("second"));
      assertThat(results).extracting(RequestResult::getWorkerId).contains("first", "second");

      Map<String, RequestResult> byId =
          results.stream().collect(Collectors.toMap(RequestResult::getRequestId, r -> r));
      Map<String, List<TokenEvent>> eventsById =
          events.stream().collect(Collectors.groupingBy(TokenEvent::getRequestId));
      assertThat(eventsById.keySet()).isEqualTo(byId.keySet());
      for (Map.Entry<String, List<TokenEvent>> e : eventsById.entrySet()) {
        RequestResult result = byId.get(e.getKey());
        assertThat(e.getValue())
            .as("only the counted attempt's token events are visible for %s", e.getKey())
            .allMatch(t -> t.getAttempt() == result.getAttempt())
            .hasSize(result.getContentEvents());
        RequestTruth truth = simulator.groundTruth().get(e.getKey()).orElseThrow();
        assertThat(result.getContentEvents()).isEqualTo(truth.tokenEvents().size());
      }
    }
  }

  @Test
  void openLoopTurnsFireOnScheduleAndThreadTheLiveReplies() throws Exception {
    int sessions = 60;
    try (Simulator simulator = simulator(Duration.ofMillis(2), 8)) {
      ClusterConfig cluster = Clusters.freshTopics(stack, "openloop.", 4);
      RequestWorker worker = RequestWorker.create(cluster, config(simulator, "open").build());
      List<RequestResult> results;
      try (PipelineClient pipeline = new PipelineClient(cluster)) {
        worker.start();
        long start = MicrosClock.system().nowMicros() + 1_500_000;
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          String id = "s" + i;
          requests.add(
              TestRequests.session(
                  "run-open",
                  id,
                  i,
                  MODEL,
                  start + i * 20_000L,
                  List.of(
                      turn(id + "/0", 8, 0, user(text("first question of " + id))),
                      turn(id + "/1", 8, 50, user(text("second question"))),
                      turn(id + "/2", 8, 30, user(text("third question"))))));
        }
        pipeline.publish(requests);
        results = pipeline.results(r -> r.size() >= sessions * 3, Duration.ofSeconds(60));
      } finally {
        worker.drain(Duration.ofSeconds(5));
      }
      assertThat(results).hasSize(sessions * 3).allMatch(RequestResult::getSuccess);
      Map<String, List<RequestResult>> bySession =
          results.stream().collect(Collectors.groupingBy(RequestResult::getSessionId));
      List<Long> firstTurnDelays = new ArrayList<>();
      for (List<RequestResult> turns : bySession.values()) {
        turns.sort(Comparator.comparing(RequestResult::getTurnIndex));
        assertThat(turns).extracting(RequestResult::getTurnIndex).containsExactly(0, 1, 2);
        for (int t = 0; t < 3; t++) {
          RequestResult r = turns.get(t);
          assertThat(r.getSentUs())
              .as("turn %d of %s is never sent before its intended time", t, r.getSessionId())
              .isGreaterThanOrEqualTo(r.getIntendedSendUs() - 1);
          if (t == 0) {
            firstTurnDelays.add(r.getSentUs() - r.getIntendedSendUs());
          } else {
            RequestResult previous = turns.get(t - 1);
            long delayUs = t == 1 ? 50_000 : 30_000;
            assertThat(r.getIntendedSendUs())
                .as("turn %d is due its delay after turn %d ended", t, t - 1)
                .isBetween(
                    previous.getCompletedUs() + delayUs - 1,
                    previous.getCompletedUs() + delayUs + 1);
            assertThat(r.getInputTokens())
                .as("turn %d's prompt holds turn %d's prompt and live reply", t, t - 1)
                .isGreaterThanOrEqualTo(previous.getInputTokens() + previous.getOutputTokens());
          }
        }
      }
      firstTurnDelays.sort(Long::compare);
      assertThat(firstTurnDelays.get(firstTurnDelays.size() / 2))
          .as("median schedule delay of first turns, microseconds")
          .isLessThan(5_000L);
    }
  }

  @Test
  void drainFinishesRunningSessionsOrLeavesThemToTheNextOwner() throws Exception {
    try (Simulator simulator = simulator(Duration.ofMillis(50), 20)) {
      ClusterConfig cluster = Clusters.freshTopics(stack, "drain.", 2);
      try (PipelineClient pipeline = new PipelineClient(cluster)) {
        // a drain with time to spare finishes and commits what runs
        RequestWorker patient = RequestWorker.create(cluster, config(simulator, "patient").build());
        patient.start();
        pipeline.publish(singles("run-drain", "d", 10, 20));
        await(() -> patient.stats().inFlight() == 10, Duration.ofSeconds(30), "10 in flight");
        assertThat(patient.drain(Duration.ofSeconds(20))).isTrue();
        assertThat(patient.stats().completed()).isEqualTo(10);
        assertThat(pipeline.results(r -> r.size() >= 10, Duration.ofSeconds(10))).hasSize(10);

        // a drain out of time abandons them uncommitted; the next owner runs them again
        RequestWorker hasty = RequestWorker.create(cluster, config(simulator, "hasty").build());
        hasty.start();
        pipeline.publish(singles("run-drain", "e", 6, 20));
        await(() -> hasty.stats().inFlight() == 6, Duration.ofSeconds(30), "6 in flight");
        assertThat(hasty.drain(Duration.ofMillis(50))).isFalse();
        assertThat(hasty.stats().abandoned()).isEqualTo(6);
        RequestWorker next = RequestWorker.create(cluster, config(simulator, "next").build());
        next.start();
        List<RequestResult> results;
        try {
          results = pipeline.results(r -> r.size() >= 16, Duration.ofSeconds(30));
        } finally {
          next.drain(Duration.ofSeconds(10));
        }
        assertThat(results)
            .hasSize(16)
            .extracting(RequestResult::getRequestId)
            .doesNotHaveDuplicates();
        assertThat(results.stream().filter(r -> r.getRequestId().startsWith("e")))
            .hasSize(6)
            .allMatch(r -> r.getWorkerId().equals("next") && r.getAttempt() == 2);
      }
    }
  }
}
