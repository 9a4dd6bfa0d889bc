package dev.streamperf.producer.replay;

import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A replay of an earlier run, ready to start: the original's committed requests read from the
 * requests topic, and the configuration of a new run that re-publishes them on the original's
 * schedule scaled by 1/speed, starting now, with RunEvents (replayOf set) so that workers, metrics
 * and the evaluator treat it as any other run.
 *
 * <pre>{@code
 * RunHandle run = Replay.of(cluster, "run-1", 2.0, null, List.of()).start();
 * }</pre>
 *
 * @param config the new run's configuration
 * @param source the original's sessions and schedule
 */
public record Replay(ProducerConfig config, ReplaySource source) {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Reads the original run and prepares its replay.
   *
   * @param runId the run to replay
   * @param speed how many times faster (2.0 halves every gap)
   * @param newRunId the new run's id, or null to generate one
   * @param endpoints endpoint URLs the new run targets (recorded in its RunEvent)
   * @throws IllegalArgumentException when the run does not exist, is still publishing or is empty
   */
  public static Replay of(
      ClusterConfig cluster, String runId, double speed, String newRunId, List<String> endpoints) {
    InputSpec.Replay spec = new InputSpec.Replay(runId, speed);
    RunRecords records = RunRecords.read(cluster, runId, false, READ_TIMEOUT);
    ReplaySource source = new ReplaySource(runId, records.requests(), speed);
    if (newRunId != null && newRunId.equals(runId)) {
      throw new IllegalArgumentException(
          "--run-id: '" + newRunId + "' (expected: a new run id, not the replayed run's)");
    }
    List<String> models =
        Arrays.stream(records.latest().getModel().split(",")).filter(m -> !m.isBlank()).toList();
    ProducerConfig config =
        ProducerConfig.builder(cluster)
            .runId(newRunId)
            .models(models.isEmpty() ? List.of("replayed") : models)
            .tokenizer("builtin")
            .input(spec)
            // the original's schedule replaces this rate
            .load(new LoadSpec.OpenLoop(1, ArrivalPattern.CONSTANT, null, null, null, null))
            .warmup(
                source.warmupRequests() > 0
                    ? new WarmupSpec(source.warmupRequests(), null)
                    : WarmupSpec.none())
            .endpoints(endpoints.isEmpty() ? records.latest().getEndpoints() : endpoints)
            .build();
    return new Replay(config, source);
  }

  /** Starts publishing the replay. */
  public RunHandle start() {
    return new RunProducer(config, context -> source).start();
  }
}
