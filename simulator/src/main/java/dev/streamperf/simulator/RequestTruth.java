package dev.streamperf.simulator;

import java.util.List;
import java.util.Optional;

/**
 * What the simulator did for one request: the fault it injected, how it ended, the tokens it
 * charged and every event it wrote with its intended and actual instant. Times are {@link
 * System#nanoTime()} readings of this JVM, so a client in the same JVM compares them directly with
 * its own.
 *
 * @param requestId the client's {@code X-Request-Id}, or the response id when it sent none
 * @param responseId the {@code chatcmpl-} id in the body
 * @param model the model answered
 * @param stream whether the response was a stream
 * @param fault the injected fault, or null
 * @param faultAfterChunk for mid-stream faults, the number of token-carrying events written before
 *     it struck; -1 otherwise
 * @param outcome how it ended
 * @param status the HTTP status sent (0 when the connection closed before any)
 * @param receivedNanos when the full request had been read
 * @param admittedNanos when the batch admitted it; {@link #NEVER} when never
 * @param headersNanos when the response headers were written; {@link #NEVER} when never
 * @param promptTokens prompt tokens charged (text and media)
 * @param completionTokens completion tokens written (reasoning and content): all of the response's
 *     when completed, those sent before the fault or the client's close otherwise
 * @param finishReason {@code stop} or {@code length}; null unless completed
 * @param events every event written, in order
 */
public record RequestTruth(
    String requestId,
    String responseId,
    String model,
    boolean stream,
    FaultKind fault,
    int faultAfterChunk,
    Outcome outcome,
    int status,
    long receivedNanos,
    long admittedNanos,
    long headersNanos,
    int promptTokens,
    int completionTokens,
    String finishReason,
    List<EventTruth> events) {

  /** The value of an instant that did not happen. */
  public static final long NEVER = Long.MIN_VALUE;

  public RequestTruth {
    events = List.copyOf(events);
  }

  public Optional<FaultKind> injectedFault() {
    return Optional.ofNullable(fault);
  }

  /** The events a client counts as content ({@code reasoning_content} or {@code content}). */
  public List<EventTruth> tokenEvents() {
    return events.stream().filter(e -> e.kind().carriesTokens()).toList();
  }
}
