package dev.streamperf.worker.http;

import dev.streamperf.worker.Endpoint;
import java.util.ArrayDeque;

/**
 * The idle kept-alive connections of one event loop to one endpoint, most recently used first.
 * Confined to its event loop: no locks. A connection idle longer than the pool's idle timeout, or
 * than the server's announced keep-alive timeout, is closed instead of reused, so a request does
 * not race the server closing it.
 */
final class ConnectionPool {

  private final Endpoint endpoint;
  private final long idleTimeoutNanos;
  private final ArrayDeque<ChatResponseHandler> idle = new ArrayDeque<>();
  private int open;

  ConnectionPool(Endpoint endpoint, long idleTimeoutNanos) {
    this.endpoint = endpoint;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** An idle connection ready for a request, or null. */
  ChatResponseHandler acquire() {
    long now = System.nanoTime();
    ChatResponseHandler handler;
    while ((handler = idle.pollFirst()) != null) {
      long idleFor = now - handler.idleSinceNanos();
      if (handler.channel().isActive()
          && idleFor < idleTimeoutNanos
          && idleFor < handler.keepAliveNanos()) {
        return handler;
      }
      handler.channel().close();
    }
    return null;
  }

  void release(ChatResponseHandler handler) {
    idle.addFirst(handler);
  }

  void opened() {
    open++;
  }

  /** The connection closed: forget it. */
  void closed(ChatResponseHandler handler) {
    idle.remove(handler);
    open--;
  }

  /** Open connections of this loop to this endpoint, idle or busy. */
  int open() {
    return open;
  }

  int idle() {
    return idle.size();
  }
}
