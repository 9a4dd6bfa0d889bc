package dev.streamperf.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the simulator did for one request: the fault it injected, how it ended, the tokens it
 * charged and every event it wrote with its intended and actual instant. Times are {@link
 * System#nanoTime()} readings of this JVM, so a client in the same JVM compares them directly with
 * its own. Immutable; events are kept in primitive arrays and made into {@link EventTruth}s when
 * read.
 */
public final class RequestTruth {

  /** The value of an instant that did not happen. */
  public static final long NEVER = Long.MIN_VALUE;

  private final String requestId;
  private final String responseId;
  private final String model;
  private final boolean stream;
  private final FaultKind fault;
  private final int faultAfterChunk;
  private final Outcome outcome;
  private final int status;
  private final long receivedNanos;
  private final long admittedNanos;
  private final long headersNanos;
  private final int promptTokens;
  private final int completionTokens;
  private final String finishReason;
  private final TruthRecorder.Events events;

  RequestTruth(
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
      TruthRecorder.Events events) {
    this.requestId = requestId;
    this.responseId = responseId;
    this.model = model;
    this.stream = stream;
    this.fault = fault;
    this.faultAfterChunk = faultAfterChunk;
    this.outcome = outcome;
    this.status = status;
    this.receivedNanos = receivedNanos;
    this.admittedNanos = admittedNanos;
    this.headersNanos = headersNanos;
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.finishReason = finishReason;
    this.events = events;
  }

  /** The client's {@code X-Request-Id}, or the response id when it sent none. */
  public String requestId() {
    return requestId;
  }

  /** The {@code chatcmpl-} id in the body. */
  public String responseId() {
    return responseId;
  }

  /** The model answered; empty when the request was rejected before its model was known. */
  public String model() {
    return model;
  }

  /** Whether the response was a stream. */
  public boolean stream() {
    return stream;
  }

  /** The injected fault, or null. */
  public FaultKind fault() {
    return fault;
  }

  public Optional<FaultKind> injectedFault() {
    return Optional.ofNullable(fault);
  }

  /**
   * For mid-stream faults, the number of token-carrying events written before it struck; -1
   * otherwise.
   */
  public int faultAfterChunk() {
    return faultAfterChunk;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The HTTP status sent (0 when the connection closed before any). */
  public int status() {
    return status;
  }

  /** When the full request had been read. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** When the batch admitted it; {@link #NEVER} when never. */
  public long admittedNanos() {
    return admittedNanos;
  }

  /** When the response headers were written; {@link #NEVER} when never. */
  public long headersNanos() {
    return headersNanos;
  }

  /** Prompt tokens charged (text and media). */
  public int promptTokens() {
    return promptTokens;
  }

  /**
   * Completion tokens written (reasoning and content): all of the response's when completed, those
   * sent before the fault or the client's close otherwise.
   */
  public int completionTokens() {
    return completionTokens;
  }

  /** {@code stop} or {@code length}; null unless completed. */
  public String finishReason() {
    return finishReason;
  }

  /** Every event written, in order. */
  public List<EventTruth> events() {
    return events;
  }

  /** The events a client counts as content ({@code reasoning_content} or {@code content}). */
  public List<EventTruth> tokenEvents() {
    List<EventTruth> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.kind(i).carriesTokens()) {
        out.add(events.get(i));
      }
    }
    return out;
  }

  TruthRecorder.Events eventLog() {
    return events;
  }

  @Override
  public String toString() {
    return "RequestTruth["
        + requestId
        + ", "
        + outcome
        + ", status "
        + status
        + (fault == null ? "" : ", fault " + fault.label() + " after " + faultAfterChunk)
        + ", "
        + completionTokens
        + " tokens, "
        + events.size()
        + " events]";
  }
}
