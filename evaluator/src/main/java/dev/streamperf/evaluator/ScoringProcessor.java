package dev.streamperf.evaluator;

import dev.streamperf.evaluator.EvaluatorCounts.Outcome;
import dev.streamperf.evaluator.scoring.BadReferenceException;
import dev.streamperf.evaluator.scoring.ScoreOutcome;
import dev.streamperf.evaluator.scoring.Scorer;
import dev.streamperf.evaluator.scoring.ScorerRegistry;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.clock.MicrosClock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one {@link RequestResult} into one {@link Score}: successful results that carry a
 * reference are scored by the scorer the reference names (warmup too: the score keeps the phase,
 * and metrics leaves warmup out); everything else is counted by outcome ({@link EvaluatorCounts})
 * and, when it is a fault, logged with its topic, partition and offset. Nothing a record contains
 * stops the task.
 */
final class ScoringProcessor implements Processor<String, RequestResult, String, Score> {

  static final String METRICS_SCOPE = "evaluator";

  private static final Logger log = LoggerFactory.getLogger(ScoringProcessor.class);

  private final long secondhandSeed;
  private final MicrosClock clock;
  private final Map<Outcome, Sensor> sensors = new EnumMap<>(Outcome.class);

  private ProcessorContext<String, Score> context;
  private ScorerRegistry scorers;

  ScoringProcessor(long secondhandSeed, MicrosClock clock) {
    this.secondhandSeed = secondhandSeed;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<String, Score> processorContext) {
    this.context = processorContext;
    this.scorers = ScorerRegistry.defaults(secondhandSeed);
    String task = processorContext.taskId().toString();
    for (Outcome outcome : Outcome.values()) {
      sensors.put(
          outcome,
          processorContext
              .metrics()
              .addRateTotalSensor(
                  METRICS_SCOPE, task, outcome.metricName(), Sensor.RecordingLevel.INFO));
    }
  }

  @Override
  public void process(Record<String, RequestResult> record) {
    RequestResult result = record.value();
    if (result == null) {
      count(Outcome.INVALID_RESULT);
      log.warn("{}: a result record with no value (key {}); skipped", where(), record.key());
      return;
    }
    if (!result.getSuccess()) {
      count(Outcome.FAILED_SKIPPED);
      return;
    }
    Reference reference = result.getReference();
    if (reference == null) {
      count(Outcome.UNREFERENCED_SKIPPED);
      return;
    }
    Optional<Scorer> scorer = scorers.find(reference.getScorer());
    if (scorer.isEmpty()) {
      count(Outcome.UNKNOWN_SCORER);
      log.warn(
          "{}: request {} of run {}: unknown scorer '{}' (known: {}); not scored",
          where(),
          result.getRequestId(),
          result.getRunId(),
          reference.getScorer(),
          scorers.names());
      return;
    }
    String response = result.getOutputText() == null ? "" : result.getOutputText();
    ScoreOutcome outcome;
    try {
      outcome = scorer.get().score(response, reference, result.getRequestId());
    } catch (BadReferenceException e) {
      count(Outcome.BAD_REFERENCE);
      log.warn(
          "{}: request {} of run {}: bad reference for scorer '{}': {}; not scored",
          where(),
          result.getRequestId(),
          result.getRunId(),
          reference.getScorer(),
          e.getMessage());
      return;
    } catch (RuntimeException e) {
      count(Outcome.SCORER_ERROR);
      log.error(
          "{}: request {} of run {}: scorer '{}' failed; not scored",
          where(),
          result.getRequestId(),
          result.getRunId(),
          reference.getScorer(),
          e);
      return;
    }
    Score score =
        Score.newBuilder()
            .setRunId(result.getRunId())
            .setRequestId(result.getRequestId())
            .setSessionId(result.getSessionId())
            .setAttempt(result.getAttempt())
            .setPhase(result.getPhase())
            .setModel(result.getModel())
            .setEndpoint(result.getEndpoint())
            .setScorer(reference.getScorer())
            .setValue(outcome.value())
            .setParsed(outcome.parsed())
            .setCategory(outcome.category())
            .setExtracted(outcome.extracted())
            .setExpected(outcome.expected())
            .setComponents(outcome.components())
            .setScoredUs(clock.nowMicros())
            .build();
    context.forward(record.withKey(result.getRequestId()).withValue(score));
    count(Outcome.SCORED);
  }

  private void count(Outcome outcome) {
    sensors.get(outcome).record();
  }

  private String where() {
    return context
        .recordMetadata()
        .map(ScoringProcessor::describe)
        .orElse("results (offset unknown)");
  }

  private static String describe(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }

  @Override
  public void close() {
    if (context != null) {
      sensors.values().forEach(context.metrics()::removeSensor);
    }
    sensors.clear();
  }
}
