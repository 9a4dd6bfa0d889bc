package dev.streamperf.producer.input;

import java.util.List;

/**
 * One session of an input as written.
 *
 * @param id its session id in the file, or null
 * @param line the line of its first turn
 * @param turns its turns, at least one
 */
public record InputSession(String id, int line, List<InputTurn> turns) {

  public InputSession {
    turns = List.copyOf(turns);
  }
}
