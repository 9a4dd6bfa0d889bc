package dev.streamperf.worker.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.worker.media.ResolvedMedia;
import java.util.Map;
import java.util.Objects;

/**
 * A session ready to run: the request, its attempt number, its media resolved, its extra body
 * parsed, and an opaque tag the submitter gets back with the outcome (the worker's partition and
 * offset). When preparation failed ({@link #failure()}), the session sends nothing and each turn
 * ends with that failure, so it still yields one result per turn.
 */
public final class PreparedSession {

  private final InferenceRequest request;
  private final int attempt;
  private final Object tag;
  private final ObjectNode extraBody;
  private final Map<String, ResolvedMedia> media;
  private final String failure;
  byte[] firstBody;

  private PreparedSession(
      InferenceRequest request,
      int attempt,
      Object tag,
      ObjectNode extraBody,
      Map<String, ResolvedMedia> media,
      String failure) {
    this.request = Objects.requireNonNull(request, "request");
    this.attempt = attempt;
    this.tag = tag;
    this.extraBody = extraBody;
    this.media = media;
    this.failure = failure;
  }

  /**
   * A session whose media are resolved.
   *
   * @throws IllegalArgumentException when the extra body is not a JSON object
   */
  public static PreparedSession of(
      InferenceRequest request, int attempt, Object tag, Map<String, ResolvedMedia> media) {
    return new PreparedSession(
        request,
        attempt,
        tag,
        dev.streamperf.worker.payload.PayloadBuilder.parseExtraBody(request.getExtraBody()),
        Map.copyOf(media),
        null);
  }

  /** A session that cannot be sent; every turn fails with {@code failure}. */
  public static PreparedSession failed(
      InferenceRequest request, int attempt, Object tag, String failure) {
    return new PreparedSession(request, attempt, tag, null, Map.of(), failure);
  }

  public InferenceRequest request() {
    return request;
  }

  public int attempt() {
    return attempt;
  }

  @SuppressWarnings("unchecked")
  public <T> T tag() {
    return (T) tag;
  }

  ObjectNode extraBody() {
    return extraBody;
  }

  Map<String, ResolvedMedia> media() {
    return media;
  }

  /** Why it cannot be sent, or null. */
  public String failure() {
    return failure;
  }
}
