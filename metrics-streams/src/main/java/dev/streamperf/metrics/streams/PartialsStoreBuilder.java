package dev.streamperf.metrics.streams;

import java.util.Map;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds a {@link PartialsStore}: never logged, never cached (it is the cache). */
final class PartialsStoreBuilder implements StoreBuilder<PartialsStore> {

  private final String name;

  PartialsStoreBuilder(String name) {
    this.name = name;
  }

  @Override
  public StoreBuilder<PartialsStore> withCachingEnabled() {
    throw new UnsupportedOperationException(name + ": the partials store is its own cache");
  }

  @Override
  public StoreBuilder<PartialsStore> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<PartialsStore> withLoggingEnabled(Map<String, String> config) {
    throw new UnsupportedOperationException(
        name + ": the partials store is rebuilt from the input, not from a changelog");
  }

  @Override
  public StoreBuilder<PartialsStore> withLoggingDisabled() {
    return this;
  }

  @Override
  public PartialsStore build() {
    return new PartialsStore(name);
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
