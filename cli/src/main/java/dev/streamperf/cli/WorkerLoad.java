package dev.streamperf.cli;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.serde.AvroSerializer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import dev.streamperf.schemas.topics.TopicCatalog;
import dev.streamperf.worker.WorkerConfig;
import dev.streamperf.worker.commit.ResultRecords;
import dev.streamperf.worker.http.TurnOutcome;
import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.session.PreparedSession;
import dev.streamperf.worker.session.SessionExecutor;
import dev.streamperf.worker.session.SessionListener;
import dev.streamperf.worker.session.SessionOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A closed loop of N sessions on the worker's engine ({@link SessionExecutor}): every finished
 * session is replaced by a new one, from a driver thread that also does what the worker's committer
 * does per session (builds its token events and result and serializes them as Avro), so the figures
 * include that work; only Kafka is left out. Counts requests, content events and errors.
 */
final class WorkerLoad implements SessionListener, AutoCloseable {

  private final WorkerConfig config;
  private final SessionExecutor executor;
  private final BlockingQueue<SessionOutcome> finished = new LinkedBlockingQueue<>();
  private final Thread driver;
  private final ResultRecords records;
  private final AvroSerializer<SpecificRecord> serializer;
  private final boolean stream;
  private final int outputTokens;
  private final Consumer<SessionOutcome> inspector;
  private final AtomicLong sequence = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong tokens = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong bytesSerialized = new AtomicLong();
  private volatile boolean running = true;
  private volatile String lastError;

  /**
   * @param inspector sees every finished session on the driver thread (may be null)
   */
  WorkerLoad(
      WorkerConfig config, boolean stream, int outputTokens, Consumer<SessionOutcome> inspector) {
    this.config = config;
    this.stream = stream;
    this.outputTokens = outputTokens;
    this.inspector = inspector;
    this.executor =
        new SessionExecutor(
            config, MicrosClock.system(), new WorkerMetrics(config.workerId()), this);
    this.records =
        new ResultRecords(
            TopicCatalog.defaults(),
            config.workerId(),
            Tokenizers.builtin(),
            MicrosClock.system(),
            config.outputTextMaxChars());
    this.serializer = new AvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", "mock://bench-" + System.nanoTime()), false);
    this.driver = new Thread(this::drive, "bench-driver");
    driver.setDaemon(true);
    driver.start();
  }

  /** Starts {@code n} sessions at once; each one finished is replaced. */
  void start(int n) {
    start(n, Duration.ZERO);
  }

  /**
   * Starts {@code n} sessions, their first sends spread evenly over {@code ramp} (each at its
   * intended instant, by the worker's own schedule), as independent users arrive; each one finished
   * is replaced at once. Spread starts keep paced streams from emitting in lockstep.
   */
  void start(int n, Duration ramp) {
    long now = MicrosClock.system().nowMicros();
    long rampUs = ramp.toNanos() / 1_000;
    for (int i = 0; i < n; i++) {
      submit(rampUs == 0 ? null : now + rampUs * i / n);
    }
  }

  SessionExecutor executor() {
    return executor;
  }

  String lastError() {
    return lastError;
  }

  private void submit(Long intendedSendUs) {
    long n = sequence.getAndIncrement();
    String id = "bench-" + n;
    ContentPart text =
        ContentPart.newBuilder()
            .setType(PartType.TEXT)
            .setText("Benchmark request " + n + ": write a long answer.")
            .build();
    Turn turn =
        Turn.newBuilder()
            .setRequestId(id)
            .setMessages(
                List.of(Message.newBuilder().setRole("user").setParts(List.of(text)).build()))
            .setMaxTokens(outputTokens)
            .setIgnoreEos(true)
            .build();
    InferenceRequest request =
        InferenceRequest.newBuilder()
            .setRunId("bench")
            .setSessionId(id)
            .setSequence(n)
            .setPhase(Phase.PROFILING)
            .setIntendedSendUs(intendedSendUs)
            .setPublishedUs(MicrosClock.system().nowMicros())
            .setModel("streamperf-sim")
            .setStream(stream)
            .setTurns(List.of(turn))
            .setSampling(SamplingParameters.newBuilder().build())
            .build();
    executor.submit(PreparedSession.of(request, 1, n, Map.of()));
  }

  private void drive() {
    while (running) {
      SessionOutcome outcome;
      try {
        outcome = finished.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (outcome == null) {
        continue;
      }
      TurnOutcome turn = outcome.turns().get(0);
      if (turn.success()) {
        requests.incrementAndGet();
        tokens.addAndGet(turn.events());
      } else {
        errors.incrementAndGet();
        lastError = turn.errorKind() + ": " + turn.errorMessage();
      }
      for (ProducerRecord<String, SpecificRecord> r : records.build(outcome)) {
        bytesSerialized.addAndGet(serializer.serialize(r.topic(), r.value()).length);
      }
      if (inspector != null) {
        inspector.accept(outcome);
      }
      if (running) {
        submit(null);
      }
    }
  }

  @Override
  public void onStarted(PreparedSession session) {}

  @Override
  public void onCompleted(SessionOutcome outcome) {
    finished.add(outcome);
  }

  @Override
  public void onAbandoned(PreparedSession session, String reason) {}

  @Override
  public void close() {
    running = false;
    try {
      driver.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.close();
    serializer.close();
  }
}
