package dev.streamperf.metrics.streams;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a task's in-memory working state ({@link PartialsStore}, {@link MergeState}): never logged
 * and never cached, because it is emptied into the task's output and logged stores at every commit
 * and rebuilt from the input after a crash.
 */
final class TaskMemoryBuilder<T extends StateStore> implements StoreBuilder<T> {

  private final String name;
  private final Function<String, T> factory;

  TaskMemoryBuilder(String name, Function<String, T> factory) {
    this.name = name;
    this.factory = factory;
  }

  @Override
  public StoreBuilder<T> withCachingEnabled() {
    throw new UnsupportedOperationException(name + ": task memory is its own cache");
  }

  @Override
  public StoreBuilder<T> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<T> withLoggingEnabled(Map<String, String> config) {
    throw new UnsupportedOperationException(
        name + ": task memory is rebuilt from the input, not from a changelog");
  }

  @Override
  public StoreBuilder<T> withLoggingDisabled() {
    return this;
  }

  @Override
  public T build() {
    return factory.apply(name);
  }

  @Override
  public Map<String, String> logConfig() {
    return Map.of();
  }

  @Override
  public boolean loggingEnabled() {
    return false;
  }

  @Override
  public String name() {
    return name;
  }
}
