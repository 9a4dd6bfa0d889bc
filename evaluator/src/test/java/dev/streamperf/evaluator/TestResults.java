package dev.streamperf.evaluator;

import dev.streamperf.evaluator.scoring.ProductMetadata;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import java.util.Map;

/** Result records as the worker writes them, for the evaluator's tests. */
final class TestResults {

  static final long T0 = 1_700_000_000_000_000L;

  private TestResults() {}

  static RequestResult.Builder success(String requestId, String output, Reference reference) {
    return RequestResult.newBuilder()
        .setRunId("run-1")
        .setRequestId(requestId)
        .setSessionId(requestId)
        .setTurnIndex(0)
        .setSequence(0)
        .setAttempt(1)
        .setWorkerId("worker-1")
        .setPhase(Phase.PROFILING)
        .setModel("Qwen/Qwen3-VL-8B-Instruct")
        .setEndpoint("http://127.0.0.1:8000")
        .setSuccess(true)
        .setSentUs(T0)
        .setCompletedNs(50_000_000L)
        .setCompletedUs(T0 + 50_000)
        .setOutputText(output)
        .setReference(reference);
  }

  static Reference mmstar(String answer, String category) {
    return Reference.newBuilder()
        .setScorer("multiple_choice")
        .setAnswer(answer)
        .setCategory(category)
        .setMetadata(Map.of("A", "a cat", "B", "a dog", "C", "a bird", "D", "a fish"))
        .build();
  }

  static Reference product(String category, String brand, boolean secondhand) {
    return Reference.newBuilder()
        .setScorer("hierarchical_f1")
        .setAnswer(new ProductMetadata(category, brand, secondhand).toJson())
        .build();
  }
}
