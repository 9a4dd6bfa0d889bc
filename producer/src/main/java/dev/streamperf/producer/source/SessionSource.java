package dev.streamperf.producer.source;

import dev.streamperf.producer.schedule.Arrivals;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a run's sessions come from: the seam that input files, public datasets, traces and replays
 * of earlier runs plug into. The producer asks for sessions by their 0-based position in the run's
 * publication order, so a source whose {@link #session} is a pure function of the position (the
 * synthetic source is one; a file read into memory is another) lets a restarted producer resume at
 * any position without duplicating or skipping a session.
 *
 * <p>A source that carries its own timestamps (a trace, a replayed run) returns them from {@link
 * #schedule()}: that fixed schedule then replaces the rate of the load spec, exactly as AIPerf's
 * {@code --fixed-schedule} does. Every other source is scheduled by the configured load.
 */
public interface SessionSource extends AutoCloseable {

  /** The session at this position of the run. Called in increasing order, from one thread. */
  SessionTemplate session(long sequence);

  /**
   * Does the expensive work up front (generating, encoding, loading), before the run's clock
   * starts, so that publishing keeps up with the schedule from its first session.
   */
  default void prepare() {}

  /** How many sessions there are, when finite: publishing stops after the last. */
  OptionalLong size();

  /** The source's own arrival times, when it has them (fixed schedule); empty otherwise. */
  default Optional<Arrivals> schedule() {
    return Optional.empty();
  }

  /**
   * One line for the run's header, e.g. {@code synthetic text, 550±0 tokens (builtin:o200k_base)}.
   */
  String describe();

  @Override
  default void close() {}
}
