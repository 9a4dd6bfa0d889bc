package dev.streamperf.simulator;

import java.util.Map;

/**
 * Counters of a running simulator, read at one moment; the same numbers {@code /metrics} shows.
 *
 * @param openConnections client connections open now
 * @param runningSequences sequences decoding now
 * @param waitingRequests requests queued for the batch now
 * @param requests finished requests by outcome
 * @param promptTokens prompt tokens charged so far
 * @param generationTokens output tokens written so far
 * @param faults injected faults by kind
 * @param errors runtime faults and rejected requests by kind (bad_request, unauthorized,
 *     client_closed, ...)
 */
public record SimulatorStats(
    int openConnections,
    int runningSequences,
    int waitingRequests,
    Map<Outcome, Long> requests,
    long promptTokens,
    long generationTokens,
    Map<FaultKind, Long> faults,
    Map<String, Long> errors) {

  public SimulatorStats {
    requests = Map.copyOf(requests);
    faults = Map.copyOf(faults);
    errors = Map.copyOf(errors);
  }

  /** Finished requests of any outcome. */
  public long finishedRequests() {
    return requests.values().stream().mapToLong(Long::longValue).sum();
  }
}
