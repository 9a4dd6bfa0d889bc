package dev.streamperf.worker.http;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.worker.Endpoint;

/**
 * What one HTTP request (one turn attempt) measured, handed from the event loop to whoever turns it
 * into records. Instants are {@link System#nanoTime()} readings of this JVM, {@link #NONE} when the
 * moment never came. Content events are kept as parallel primitive arrays of length {@link
 * #events()}: arrival, kind (0 content, 1 reasoning) and UTF-16 length, with the event's text when
 * the worker keeps it.
 *
 * @param requestId the turn's request id
 * @param turnIndex the turn's index within its session
 * @param endpoint where it was sent
 * @param intendedNanos when the schedule meant it to be sent, or NONE (closed loop)
 * @param sentNanos just before the first byte was written, or NONE
 * @param headersNanos when the response headers were decoded, or NONE
 * @param completedNanos when the response was fully received ([DONE] or end of body), or NONE
 * @param endedNanos when the attempt ended, successfully or not
 * @param events number of content events
 * @param eventNanos arrival of each content event
 * @param eventKinds 0 content, 1 reasoning
 * @param eventChars UTF-16 length of each event's text
 * @param eventText every event's text concatenated, or null when not kept
 * @param eventTextEnd end index in eventText of each event's text, or null
 * @param reasoningEvents events that carried reasoning
 * @param content the answer content, complete
 * @param reasoning the reasoning text, complete
 * @param promptTokens usage.prompt_tokens or -1
 * @param completionTokens usage.completion_tokens or -1
 * @param reasoningTokens usage.completion_tokens_details.reasoning_tokens or -1
 * @param cachedTokens usage.prompt_tokens_details.cached_tokens or -1
 * @param finishReason the last finish_reason seen
 * @param success whether the response completed
 * @param errorKind why not, or null
 * @param httpStatus the response status, or 0 when no headers arrived
 * @param errorMessage human-readable error, bounded, or null
 */
public record TurnOutcome(
    String requestId,
    int turnIndex,
    Endpoint endpoint,
    long intendedNanos,
    long sentNanos,
    long headersNanos,
    long completedNanos,
    long endedNanos,
    int events,
    long[] eventNanos,
    byte[] eventKinds,
    int[] eventChars,
    String eventText,
    int[] eventTextEnd,
    int reasoningEvents,
    String content,
    String reasoning,
    int promptTokens,
    int completionTokens,
    int reasoningTokens,
    int cachedTokens,
    String finishReason,
    boolean success,
    ErrorKind errorKind,
    int httpStatus,
    String errorMessage) {

  /** The value of an instant that did not happen. */
  public static final long NONE = Long.MIN_VALUE;

  /** Kind code of a content event. */
  public static final byte CONTENT = 0;

  /** Kind code of a reasoning event. */
  public static final byte REASONING = 1;

  /** An attempt that was never sent: the session stopped before this turn. */
  public static TurnOutcome notSent(
      String requestId,
      int turnIndex,
      Endpoint endpoint,
      long intendedNanos,
      long nowNanos,
      ErrorKind kind,
      String message) {
    return new TurnOutcome(
        requestId,
        turnIndex,
        endpoint,
        intendedNanos,
        NONE,
        NONE,
        NONE,
        nowNanos,
        0,
        new long[0],
        new byte[0],
        new int[0],
        null,
        null,
        0,
        "",
        "",
        -1,
        -1,
        -1,
        -1,
        null,
        false,
        kind,
        0,
        message);
  }

  /** The text of content event {@code i}, or null when texts are not kept. */
  public String eventText(int i) {
    if (eventText == null) {
      return null;
    }
    int from = i == 0 ? 0 : eventTextEnd[i - 1];
    return eventText.substring(from, eventTextEnd[i]);
  }
}
