package dev.streamperf.schemas.clock;

import java.time.Instant;

/**
 * Epoch microseconds from one per-process anchor: the wall clock read once at class load, plus the
 * {@link System#nanoTime()} elapsed since. Instants are therefore monotonic within a process (a
 * wall-clock step never makes time go backwards mid-run) and comparable across processes to the
 * accuracy of the hosts' clocks at start.
 */
public final class AnchoredClock implements MicrosClock {

  static final AnchoredClock INSTANCE = new AnchoredClock();

  private final long anchorEpochMicros;
  private final long anchorNanos;

  private AnchoredClock() {
    Instant now = Instant.now();
    this.anchorNanos = System.nanoTime();
    this.anchorEpochMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }

  @Override
  public long nowMicros() {
    return toEpochMicros(System.nanoTime());
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long toEpochMicros(long nanoTime) {
    return anchorEpochMicros + (nanoTime - anchorNanos) / 1_000L;
  }
}
