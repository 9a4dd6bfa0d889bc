package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.core.Aggregate;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/** The topology's state stores: names and builders. */
public final class MetricsStores {

  /** Per token-events task: partial aggregates since the last commit (in memory, not logged). */
  public static final String TOKEN_PARTIALS = "token-partials";

  /** Per results-and-scores task: partial aggregates since the last commit. */
  public static final String PARTIALS = "partials";

  /** Per task: request ids of counted results and scores, for the dedup retention. */
  public static final String SEEN_REQUESTS = "seen-requests";

  /** The token-events tasks' commit barrier (a bounded LRU map behind the record cache). */
  public static final String TOKEN_BARRIER = "token-commit-barrier";

  /** The results-and-scores tasks' commit barrier. */
  public static final String COMMIT_BARRIER = "commit-barrier";

  /** Per run task: its state between commits. */
  public static final String MERGE_STATE = "merge-state";

  /** The per-run stage's commit barrier. */
  public static final String MERGE_BARRIER = "merge-barrier";

  /** Per run: {@link RunState}, by run id. */
  public static final String RUN_STATES = "run-states";

  /** Per scope: the run totals, by {@link Scope#key()}. */
  public static final String RUN_TOTALS = "run-totals";

  /** Per scope and window: windows not yet closed. */
  public static final String OPEN_WINDOWS = "open-windows";

  /** Per scope: the latest closed window. */
  public static final String LAST_WINDOWS = "last-windows";

  /** Per input partition: its progress ({@link Sources.Progress}). */
  public static final String SOURCES = "sources";

  private MetricsStores() {}

  static StoreBuilder<PartialsStore> partials(String name) {
    return new TaskMemoryBuilder<>(name, PartialsStore::new);
  }

  static StoreBuilder<MergeState> mergeState() {
    return new TaskMemoryBuilder<>(MERGE_STATE, MergeState::new);
  }

  static StoreBuilder<WindowStore<String, Integer>> seenRequests(MetricsConfig config) {
    Duration retention = config.dedupRetention().multipliedBy(2);
    return Stores.windowStoreBuilder(
            Stores.inMemoryWindowStore(SEEN_REQUESTS, retention, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.Integer())
        .withCachingDisabled();
  }

  static StoreBuilder<KeyValueStore<String, RunState>> runStates() {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(RUN_STATES), Serdes.String(), RunState.serde())
        .withCachingDisabled();
  }

  static StoreBuilder<KeyValueStore<String, Aggregate>> aggregates(String name) {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(name), Serdes.String(), Codecs.aggregates())
        .withCachingDisabled();
  }

  static StoreBuilder<KeyValueStore<Integer, Sources.Progress>> sources() {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(SOURCES), Serdes.Integer(), Sources.Progress.serde())
        .withCachingDisabled();
  }

  static StoreBuilder<KeyValueStore<String, ClosedWindow>> lastWindows() {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(LAST_WINDOWS), Serdes.String(), ClosedWindow.serde())
        .withCachingDisabled();
  }
}
