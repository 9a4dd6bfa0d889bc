package dev.streamperf.worker;

import static dev.streamperf.worker.TestRequests.text;
import static dev.streamperf.worker.TestRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.simulator.FaultKind;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.RequestTruth;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every fault the simulator injects ends as its error kind, and the worker carries on. */
class SimulatorFaultsIT {

  private static final int REQUESTS = 240;

  @Test
  void everyFaultYieldsItsErrorKindAndTheWorkerKeepsGoing() throws Exception {
    SimulatorConfig.Builder sim =
        SimulatorConfig.builder()
            .seed(11)
            .ttftBase(Duration.ofMillis(5))
            .itl(Duration.ofMillis(5))
            .outputLengths(OutputLengths.fixed(12))
            .stallDuration(Duration.ofMillis(300))
            .slowHeadersDelay(Duration.ofMillis(1500));
    for (FaultKind kind : FaultKind.values()) {
      sim.faultRate(kind, 0.1);
    }
    try (Simulator simulator = Simulator.start(sim.build());
        EmbeddedStack stack = EmbeddedStack.start()) {
      ClusterConfig cluster = Clusters.freshTopics(stack, "faults.", 4);
      WorkerConfig config =
          WorkerConfig.builder()
              .url(simulator.baseUrl())
              .workerId("faults")
              .firstByteTimeout(Duration.ofSeconds(1))
              .requestTimeout(Duration.ofSeconds(10))
              .build();
      List<InferenceRequest> requests = new ArrayList<>();
      for (String id : TestRequests.ids("f", REQUESTS)) {
        requests.add(
            TestRequests.single(
                "run-faults", id, requests.size(), "streamperf-sim", 12, user(text("Hi " + id))));
      }
      List<RequestResult> results;
      RequestWorker worker = RequestWorker.create(cluster, config);
      try (PipelineClient pipeline = new PipelineClient(cluster)) {
        worker.start();
        pipeline.publish(requests);
        results = pipeline.results(r -> r.size() >= REQUESTS, Duration.ofSeconds(90));
      } finally {
        worker.drain(Duration.ofSeconds(5));
      }

      assertThat(results).extracting(RequestResult::getRequestId).doesNotHaveDuplicates();
      assertThat(results).hasSize(REQUESTS);
      Map<FaultKind, Integer> seen = new EnumMap<>(FaultKind.class);
      Map<ErrorKind, Integer> errors = new EnumMap<>(ErrorKind.class);
      int clean = 0;
      for (RequestResult r : results) {
        RequestTruth truth =
            simulator.groundTruth().await(r.getRequestId(), Duration.ofSeconds(5)).orElseThrow();
        FaultKind fault = truth.fault();
        String what = r.getRequestId() + " with fault " + fault + ": " + r.getErrorMessage();
        if (fault == null) {
          clean++;
          assertThat(r.getSuccess()).as(what).isTrue();
          assertThat(r.getContentEvents()).as(what).isEqualTo(truth.tokenEvents().size());
          assertThat(r.getOutputTokens()).as(what).isEqualTo(truth.completionTokens());
        } else {
          seen.merge(fault, 1, Integer::sum);
          switch (fault) {
            case HTTP_500, HTTP_503, HTTP_429 -> {
              assertThat(r.getErrorKind()).as(what).isEqualTo(ErrorKind.HTTP_STATUS);
              assertThat(r.getHttpStatus()).as(what).isEqualTo(truth.status());
              assertThat(r.getFirstContentNs()).as(what).isNull();
            }
            case RESET -> assertThat(r.getErrorKind()).as(what).isEqualTo(ErrorKind.CONNECTION);
            case MALFORMED_CHUNK -> {
              assertThat(r.getErrorKind()).as(what).isEqualTo(ErrorKind.PROTOCOL);
              assertThat(r.getErrorMessage()).contains("malformed chunk");
            }
            case CUT -> {
              assertThat(r.getErrorKind()).as(what).isEqualTo(ErrorKind.PROTOCOL);
              assertThat(r.getErrorMessage()).contains("without [DONE]");
            }
            case SLOW_HEADERS -> {
              assertThat(r.getErrorKind()).as(what).isEqualTo(ErrorKind.TIMEOUT);
              assertThat(r.getErrorMessage()).contains("no response headers within 1000 ms");
            }
            case STALL -> {
              assertThat(r.getSuccess()).as(what).isTrue();
              assertThat(r.getContentEvents()).as(what).isEqualTo(truth.tokenEvents().size());
              // events cannot arrive before they are written, so the stall is a lower bound
              assertThat(r.getCompletedNs())
                  .as("the stall is inside the measured response time")
                  .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
            }
          }
        }
        if (!r.getSuccess()) {
          assertThat(r.getErrorKind()).isNotNull();
          errors.merge(r.getErrorKind(), 1, Integer::sum);
        }
      }
      assertThat(seen.keySet())
          .as("every fault was injected")
          .isEqualTo(Set.of(FaultKind.values()));
      assertThat(clean).as("requests without a fault").isGreaterThan(20);
      for (ErrorKind kind : ErrorKind.values()) {
        assertThat(worker.metrics().errors(kind))
            .as("errors of kind %s counted on /metrics", kind)
            .isEqualTo(errors.getOrDefault(kind, 0).longValue());
      }
      Map<Integer, Long> statuses =
          results.stream()
              .filter(r -> r.getErrorKind() == ErrorKind.HTTP_STATUS)
              .collect(Collectors.groupingBy(RequestResult::getHttpStatus, Collectors.counting()));
      assertThat(statuses.keySet()).containsExactlyInAnyOrder(500, 503, 429);
    }
  }
}
