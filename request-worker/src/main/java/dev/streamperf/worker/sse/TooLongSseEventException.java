package dev.streamperf.worker.sse;

import io.netty.handler.codec.TooLongFrameException;

/** A server-sent event line or data buffer exceeded the decoder's bound. */
public final class TooLongSseEventException extends TooLongFrameException {

  private static final long serialVersionUID = 1L;

  public TooLongSseEventException(String message) {
    super(message);
  }
}
