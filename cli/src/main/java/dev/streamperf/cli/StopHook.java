package dev.streamperf.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM for a long-running command: the JVM's shutdown hook asks the command to stop
 * ({@link #requested()} counts down) and holds the JVM until the command has closed what it runs
 * ({@link #close()}), for at most the given time.
 */
final class StopHook implements AutoCloseable {

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  private StopHook(String name, Duration closeWait) {
    this.hook =
        new Thread(
            () -> {
              requested.countDown();
              try {
                closed.await(closeWait.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
  }

  static StopHook install(String name, Duration closeWait) {
    StopHook stop = new StopHook(name, closeWait);
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
  }

  /** Counts down when a stop was asked for. */
  CountDownLatch requested() {
    return requested;
  }

  /**
   * The command has closed what it runs: the JVM may exit; the hook is removed if it has not run.
   */
  @Override
  public void close() {
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook is running and has just been released
    }
  }
}
