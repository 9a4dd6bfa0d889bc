package dev.streamperf.evaluator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator running: one Kafka Streams instance of {@link EvaluatorTopology}. {@code streamperf
 * evaluator} runs one until Ctrl-C; {@code streamperf profile} runs one beside the other components
 * in its JVM.
 *
 * <pre>{@code
 * try (EvaluatorApp app = new EvaluatorApp(EvaluatorConfig.defaults(cluster))) {
 *   app.start();
 *   ...
 *   EvaluatorCounts counts = app.counts();
 * }
 * }</pre>
 */
public final class EvaluatorApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EvaluatorApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final EvaluatorConfig config;
  private KafkaStreams streams;
  private Path temporaryStateDir;
  private boolean closed;
  private EvaluatorCounts finalCounts;

  public EvaluatorApp(EvaluatorConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Starts scoring in the background and returns. A stream thread that dies of an unexpected error
   * stops the instance ({@link #state()} becomes ERROR) rather than leaving it half-running.
   */
  public synchronized EvaluatorApp start() {
    if (closed) {
      throw new IllegalStateException("evaluator: already closed");
    }
    if (streams != null) {
      throw new IllegalStateException("evaluator: already started");
    }
    EvaluatorConfig effective = config;
    if (config.stateDir() == null) {
      try {
        temporaryStateDir = Files.createTempDirectory("streamperf-evaluator-");
      } catch (IOException e) {
        throw new UncheckedIOException("evaluator: cannot create a state directory", e);
      }
      effective = config.withStateDir(temporaryStateDir);
    }
    streams =
        new KafkaStreams(
            EvaluatorTopology.build(effective), EvaluatorTopology.streamsConfig(effective));
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("evaluator: a stream thread failed; stopping the evaluator", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    log.info(
        "evaluator {} scoring {} into {}",
        effective.applicationId(),
        effective.cluster().topics().results(),
        effective.cluster().topics().scores());
    return this;
  }

  /** The Kafka Streams state; CREATED before {@link #start()}. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /**
   * Waits until the instance is RUNNING (partitions assigned); false on timeout or when it stopped.
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State state = state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** What it did so far; all zero before {@link #start()}; the last counts once closed. */
  public synchronized EvaluatorCounts counts() {
    if (finalCounts != null) {
      return finalCounts;
    }
    return streams == null
        ? EvaluatorCounts.from(Map.of())
        : EvaluatorCounts.from(streams.metrics());
  }

  /** Stops scoring (committing what was scored) and removes a temporary state directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams != null) {
      finalCounts = EvaluatorCounts.from(streams.metrics());
      streams.close(CLOSE_TIMEOUT);
    }
    if (temporaryStateDir != null) {
      deleteRecursively(temporaryStateDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.warn("evaluator: cannot delete {}: {}", p, e.getMessage());
                }
              });
    } catch (IOException e) {
      log.warn("evaluator: cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
