package dev.streamperf.worker.http;

/**
 * What one {@code chat.completion.chunk} (or a whole non-streaming {@code chat.completion}) said,
 * as far as measurements need it: the first choice's content, reasoning, role and finish reason,
 * the usage object, and an error if the server sent one. Mutable and reused by one {@link
 * ChunkParser} caller per event loop; counts are -1 when absent.
 */
public final class ChatChunk {

  String content;
  String reasoning;
  boolean role;
  String finishReason;
  boolean usage;
  int promptTokens;
  int completionTokens;
  int reasoningTokens;
  int cachedTokens;
  String error;

  public ChatChunk() {
    reset();
  }

  void reset() {
    content = null;
    reasoning = null;
    role = false;
    finishReason = null;
    usage = false;
    promptTokens = -1;
    completionTokens = -1;
    reasoningTokens = -1;
    cachedTokens = -1;
    error = null;
  }

  /** Non-empty {@code delta.content} (or {@code message.content}), else null. */
  public String content() {
    return content;
  }

  /** Non-empty {@code reasoning_content} or {@code reasoning}, else null. */
  public String reasoning() {
    return reasoning;
  }

  /** Whether it carried content or reasoning: a token event in METRICS.md's sense. */
  public boolean carriesTokens() {
    return content != null || reasoning != null;
  }

  /** Whether the first choice's delta named a role. */
  public boolean hasRole() {
    return role;
  }

  public String finishReason() {
    return finishReason;
  }

  /** Whether a non-null {@code usage} object was present. */
  public boolean hasUsage() {
    return usage;
  }

  public int promptTokens() {
    return promptTokens;
  }

  public int completionTokens() {
    return completionTokens;
  }

  public int reasoningTokens() {
    return reasoningTokens;
  }

  public int cachedTokens() {
    return cachedTokens;
  }

  /** The server's error message when the chunk was an error object, else null. */
  public String error() {
    return error;
  }
}
