package dev.streamperf.schemas.clock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; for deterministic tests of schedules and windows. */
public final class ManualClock implements MicrosClock {

  private final long epochMicrosAtZero;
  private final AtomicLong nanos = new AtomicLong();

  /** A clock reading {@code startEpochMicros} now and nanoTime 0. */
  public ManualClock(long startEpochMicros) {
    this.epochMicrosAtZero = startEpochMicros;
  }

  /** Moves time forward. */
  public void advance(long amount, TimeUnit unit) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0)");
    }
    nanos.addAndGet(unit.toNanos(amount));
  }

  @Override
  public long nowMicros() {
    return toEpochMicros(nanos.get());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long toEpochMicros(long nanoTime) {
    return epochMicrosAtZero + nanoTime / 1_000L;
  }
}
