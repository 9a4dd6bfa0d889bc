package dev.streamperf.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running producer: its run id, live progress, and the way to wait for or stop it. */
public final class RunHandle implements AutoCloseable {

  private final RunProducer producer;
  private final CompletableFuture<ProducerProgress> done;

  RunHandle(RunProducer producer, CompletableFuture<ProducerProgress> done) {
    this.producer = producer;
    this.done = done;
  }

  public String runId() {
    return producer.runId();
  }

  /** Whether this run continues an earlier, interrupted producer of the same run id. */
  public boolean resumed() {
    return producer.resumedFrom() > 0;
  }

  /** Sessions the earlier producer had committed when this one resumed (0 for a new run). */
  public long resumedFrom() {
    return producer.resumedFrom();
  }

  /** One line describing what is published and how, for headers. */
  public String describe() {
    return producer.describe();
  }

  public ProducerProgress progress() {
    return producer.progress();
  }

  /**
   * Waits until every session is published and the PRODUCED record committed.
   *
   * @return the final progress
   * @throws IllegalStateException with the cause when the run failed
   */
  public ProducerProgress await() throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      throw failure(e);
    }
  }

  /** {@link #await()} with a timeout; null when it is not over in time. */
  public ProducerProgress await(Duration timeout) throws InterruptedException {
    try {
      return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw failure(e);
    } catch (TimeoutException e) {
      return null;
    }
  }

  private static RuntimeException failure(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    return new IllegalStateException(cause.getMessage(), cause);
  }

  public boolean isDone() {
    return done.isDone();
  }

  /**
   * Stops publishing early: the run ends as PRODUCED with what was published so far (the message
   * says it was stopped), so the pipeline finishes it. Returns at once; {@link #await()} waits.
   */
  public void stop() {
    producer.requestStop();
  }

  /** Stops if running and releases the Kafka clients. */
  @Override
  public void close() throws InterruptedException {
    stop();
    try {
      done.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException ignored) {
      // the failure was or will be reported by await()
    }
  }
}
