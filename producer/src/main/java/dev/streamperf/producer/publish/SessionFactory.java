package dev.streamperf.producer.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.spec.ExtraInputs;
import dev.streamperf.producer.spec.ModelSelection;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses a session template: run id, session and request ids derived from the sequence, model,
 * phase, schedule stamps, sampling parameters and extra body. Ids do not contain the run id, so two
 * runs of the same seed carry identical turns.
 */
public final class SessionFactory {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> models;
  private final ModelSelection selection;
  private final boolean streaming;
  private final SamplingParameters sampling;
  private final String extraBody;
  private final Seeds seeds;

  public SessionFactory(
      List<String> models,
      ModelSelection selection,
      boolean streaming,
      ExtraInputs extra,
      Seeds seeds) {
    this.models = List.copyOf(models);
    this.selection = selection;
    this.streaming = streaming;
    this.seeds = seeds;
    this.extraBody = extra.bodyJson();
    this.sampling =
        SamplingParameters.newBuilder()
            .setTemperature(extra.temperature())
            .setTopP(extra.topP())
            .setTopK(extra.topK())
            .setSeed(extra.seed())
            .setStop(new ArrayList<>(extra.stop()))
            .build();
  }

  /** The session id of a sequence. */
  public static String sessionId(long sequence) {
    return "s" + sequence;
  }

  /** The request id of a turn: the session id for single-turn sessions. */
  public static String requestId(long sequence, int turn, int turns) {
    return turns == 1 ? sessionId(sequence) : sessionId(sequence) + "-t" + turn;
  }

  /** The model session {@code sequence} asks for. */
  public String model(long sequence, SessionTemplate template) {
    if (template.model() != null) {
      return template.model();
    }
    if (models.size() == 1) {
      return models.get(0);
    }
    int index =
        selection == ModelSelection.ROUND_ROBIN
            ? (int) (sequence % models.size())
            : seeds.random(Seeds.Stream.MODEL, sequence).nextInt(models.size());
    return models.get(index);
  }

  /**
   * The record of one session.
   *
   * @param turns how many of the template's turns to send (a count stop may cut the last session)
   */
  public InferenceRequest build(
      String runId,
      long sequence,
      SessionTemplate template,
      int turns,
      Phase phase,
      Long intendedSendUs,
      Long creditReleasedUs,
      long publishedUs) {
    if (template.prototype() != null) {
      return rebuild(
          runId, sequence, template, turns, phase, intendedSendUs, creditReleasedUs, publishedUs);
    }
    List<Turn> out = new ArrayList<>(turns);
    for (int t = 0; t < turns; t++) {
      TurnTemplate turn = template.turns().get(t);
      out.add(
          Turn.newBuilder()
              .setRequestId(requestId(sequence, t, turns))
              .setDelayMs(turn.delayMs())
              .setMessages(turn.messages())
              .setMaxTokens(turn.maxTokens())
              .setMinTokens(turn.minTokens())
              .setIgnoreEos(turn.ignoreEos())
              .setInputTokens(turn.inputTokens())
              .setReference(turn.reference())
              .build());
    }
    return InferenceRequest.newBuilder()
        .setRunId(runId)
        .setSessionId(sessionId(sequence))
        .setSequence(sequence)
        .setPhase(phase)
        .setIntendedSendUs(intendedSendUs)
        .setCreditReleasedUs(creditReleasedUs)
        .setPublishedUs(publishedUs)
        .setModel(model(sequence, template))
        .setStream(streaming)
        .setTurns(out)
        .setSampling(sampling)
        .setExtraBody(merge(extraBody, template.extraBody()))
        .setSource(template.source())
        .build();
  }

  /**
   * A recorded request re-addressed: same model, stream flag, sampling, extra body and turns (cut
   * to {@code turns}), with this run's ids, phase and schedule stamps.
   */
  private static InferenceRequest rebuild(
      String runId,
      long sequence,
      SessionTemplate template,
      int turns,
      Phase phase,
      Long intendedSendUs,
      Long creditReleasedUs,
      long publishedUs) {
    InferenceRequest prototype = template.prototype();
    List<Turn> out = new ArrayList<>(turns);
    for (int t = 0; t < turns; t++) {
      out.add(
          Turn.newBuilder(prototype.getTurns().get(t))
              .setRequestId(requestId(sequence, t, turns))
              .build());
    }
    return InferenceRequest.newBuilder(prototype)
        .setRunId(runId)
        .setSessionId(sessionId(sequence))
        .setSequence(sequence)
        .setPhase(phase)
        .setIntendedSendUs(intendedSendUs)
        .setCreditReleasedUs(creditReleasedUs)
        .setPublishedUs(publishedUs)
        .setTurns(out)
        .setSource(template.source())
        .build();
  }

  /** The run's extra body with a session's members shallow-merged over it. */
  static String merge(String runBody, String sessionBody) {
    if (sessionBody == null) {
      return runBody;
    }
    if (runBody == null) {
      return sessionBody;
    }
    try {
      ObjectNode merged = (ObjectNode) JSON.readTree(runBody);
      merged.setAll((ObjectNode) JSON.readTree(sessionBody));
      return merged.toString();
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalArgumentException("extra body: not a JSON object: " + e.getMessage(), e);
    }
  }
}
