package dev.streamperf.metrics.summary;

import dev.streamperf.schemas.RunEvent;
import java.util.List;

/**
 * What the run's announcements on the {@code runs} topic say about it.
 *
 * @param status STARTED, PRODUCED, FINISHED, ABORTED, or UNANNOUNCED when no RunEvent was seen
 * @param finished whether the run is over (FINISHED or ABORTED)
 * @param model the model the run targets
 * @param endpoints the endpoints configured at the producer
 * @param config the run's configuration as a JSON object (secrets removed), or null
 * @param producerId the producer instance that owns the run
 * @param replayOf the run this one replays, or null
 * @param createdUs when the run was announced, epoch µs, or null
 * @param finishedUs when it finished or was aborted, epoch µs, or null
 * @param message how it finished (e.g. results missing) or why it was aborted, or null
 */
public record RunInfo(
    String status,
    boolean finished,
    String model,
    List<String> endpoints,
    String config,
    String producerId,
    String replayOf,
    Long createdUs,
    Long finishedUs,
    String message) {

  public static final String UNANNOUNCED = "UNANNOUNCED";

  public RunInfo {
    endpoints = List.copyOf(endpoints);
  }

  /** A run seen only through its records. */
  public static RunInfo unannounced(String model) {
    return new RunInfo(UNANNOUNCED, false, model, List.of(), null, null, null, null, null, null);
  }

  /** The state a RunEvent describes. */
  public static RunInfo of(RunEvent e) {
    String status = e.getStatus().name();
    return new RunInfo(
        status,
        "FINISHED".equals(status) || "ABORTED".equals(status),
        e.getModel(),
        e.getEndpoints(),
        e.getConfig(),
        e.getProducerId(),
        e.getReplayOf(),
        e.getCreatedUs(),
        e.getFinishedUs(),
        e.getMessage());
  }
}
