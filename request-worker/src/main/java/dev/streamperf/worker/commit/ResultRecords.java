package dev.streamperf.worker.commit;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.TokenCountSource;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.TokenKind;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.topics.TopicCatalog;
import dev.streamperf.worker.http.TurnOutcome;
import dev.streamperf.worker.payload.PayloadBuilder;
import dev.streamperf.worker.session.SessionOutcome;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a finished session into its records: per turn, one {@link TokenEvent} per content event and
 * one {@link RequestResult}, keyed by request id. Instants become epoch microseconds of the process
 * clock, offsets nanoseconds after the send; ISL and OSL come from the server's usage when it
 * reported them, else from the tokenizer, and say which. Runs off the event loops.
 */
public final class ResultRecords {

  private final TopicCatalog topics;
  private final String workerId;
  private final Tokenizer tokenizer;
  private final MicrosClock clock;
  private final int outputTextMaxChars;

  public ResultRecords(
      TopicCatalog topics,
      String workerId,
      Tokenizer tokenizer,
      MicrosClock clock,
      int outputTextMaxChars) {
    this.topics = topics;
    this.workerId = workerId;
    this.tokenizer = tokenizer;
    this.clock = clock;
    this.outputTextMaxChars = outputTextMaxChars;
  }

  /** Every record of the session: each turn's token events, then its result. */
  public List<ProducerRecord<String, SpecificRecord>> build(SessionOutcome outcome) {
    List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
    for (int t = 0; t < outcome.turns().size(); t++) {
      TurnOutcome turn = outcome.turns().get(t);
      for (TokenEvent event : tokenEvents(outcome, turn)) {
        records.add(new ProducerRecord<>(topics.tokenEvents(), turn.requestId(), event));
      }
      records.add(new ProducerRecord<>(topics.results(), turn.requestId(), result(outcome, t)));
    }
    return records;
  }

  /** The token events of one turn. */
  public List<TokenEvent> tokenEvents(SessionOutcome outcome, TurnOutcome turn) {
    InferenceRequest request = outcome.session().request();
    List<TokenEvent> events = new ArrayList<>(turn.events());
    String endpoint = endpointOf(turn);
    for (int i = 0; i < turn.events(); i++) {
      long at = turn.eventNanos()[i];
      events.add(
          new TokenEvent(
              request.getRunId(),
              turn.requestId(),
              request.getSessionId(),
              outcome.session().attempt(),
              workerId,
              request.getPhase(),
              request.getModel(),
              endpoint,
              i,
              turn.eventKinds()[i] == TurnOutcome.REASONING
                  ? TokenKind.REASONING
                  : TokenKind.CONTENT,
              clock.toEpochMicros(at),
              at - turn.sentNanos(),
              i == 0 ? null : at - turn.eventNanos()[i - 1],
              turn.eventChars()[i],
              turn.eventText(i)));
    }
    return events;
  }

  private static String endpointOf(TurnOutcome turn) {
    return turn.endpoint() == null ? "" : turn.endpoint().baseUrl();
  }

  /** The result of turn {@code t}. */
  public RequestResult result(SessionOutcome outcome, int t) {
    InferenceRequest request = outcome.session().request();
    TurnOutcome turn = outcome.turns().get(t);
    Turn spec = request.getTurns().get(t);
    int[] media = PayloadBuilder.mediaCounts(spec);
    boolean sent = turn.sentNanos() != TurnOutcome.NONE;
    RequestResult.Builder r =
        RequestResult.newBuilder()
            .setRunId(request.getRunId())
            .setRequestId(turn.requestId())
            .setSessionId(request.getSessionId())
            .setTurnIndex(t)
            .setSequence(request.getSequence())
            .setAttempt(outcome.session().attempt())
            .setWorkerId(workerId)
            .setPhase(request.getPhase())
            .setModel(request.getModel())
            .setEndpoint(endpointOf(turn))
            .setSuccess(turn.success())
            .setErrorKind(turn.errorKind())
            .setHttpStatus(turn.httpStatus() == 0 ? null : turn.httpStatus())
            .setErrorMessage(turn.errorMessage())
            .setIntendedSendUs(
                t == 0
                    ? request.getIntendedSendUs()
                    : turn.intendedNanos() == TurnOutcome.NONE
                        ? null
                        : clock.toEpochMicros(turn.intendedNanos()))
            .setCreditReleasedUs(t == 0 ? request.getCreditReleasedUs() : null)
            .setSentUs(sent ? clock.toEpochMicros(turn.sentNanos()) : null)
            .setHeadersNs(since(turn, turn.headersNanos()))
            .setFirstContentNs(turn.events() > 0 ? since(turn, turn.eventNanos()[0]) : null)
            .setSecondContentNs(turn.events() > 1 ? since(turn, turn.eventNanos()[1]) : null)
            .setLastContentNs(
                turn.events() > 0 ? since(turn, turn.eventNanos()[turn.events() - 1]) : null)
            .setCompletedNs(since(turn, turn.completedNanos()))
            .setCompletedUs(clock.toEpochMicros(turn.endedNanos()))
            .setContentEvents(turn.events())
            .setReasoningEvents(turn.reasoningEvents())
            .setReasoningTokens(turn.reasoningTokens() >= 0 ? turn.reasoningTokens() : null)
            .setCachedTokens(turn.cachedTokens() >= 0 ? turn.cachedTokens() : null)
            .setFinishReason(turn.finishReason())
            .setImageCount(media[0])
            .setAudioCount(media[1])
            .setVideoCount(media[2])
            .setReference(spec.getReference());
    if (sent) {
      if (turn.promptTokens() >= 0) {
        r.setInputTokens(turn.promptTokens()).setInputTokensSource(TokenCountSource.SERVER);
      } else {
        String prompt = PayloadBuilder.promptText(request, t, outcome.replies());
        r.setInputTokens(tokenizer.count(prompt)).setInputTokensSource(TokenCountSource.TOKENIZER);
      }
      if (turn.completionTokens() >= 0) {
        r.setOutputTokens(turn.completionTokens()).setOutputTokensSource(TokenCountSource.SERVER);
      } else {
        int count =
            (turn.reasoning().isEmpty() ? 0 : tokenizer.count(turn.reasoning()))
                + (turn.content().isEmpty() ? 0 : tokenizer.count(turn.content()));
        r.setOutputTokens(count).setOutputTokensSource(TokenCountSource.TOKENIZER);
      }
    }
    String content = turn.content();
    boolean truncated = content.length() > outputTextMaxChars;
    if (sent) {
      int cut = outputTextMaxChars;
      if (truncated && cut > 0 && Character.isHighSurrogate(content.charAt(cut - 1))) {
        cut--; // never split a surrogate pair
      }
      r.setOutputText(truncated ? content.substring(0, cut) : content)
          .setOutputTruncated(truncated);
    }
    return r.build();
  }

  private static Long since(TurnOutcome turn, long nanos) {
    if (nanos == TurnOutcome.NONE || turn.sentNanos() == TurnOutcome.NONE) {
      return null;
    }
    return nanos - turn.sentNanos();
  }
}
