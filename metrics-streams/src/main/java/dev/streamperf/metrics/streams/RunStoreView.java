package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.core.Aggregate;
import dev.streamperf.metrics.core.GoodputSlos;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.metrics.summary.SummaryBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the per-run stage's stores of this instance (interactive queries): run states, run
 * totals and the latest closed windows, and the run summaries built from them. Backed by a running
 * {@link KafkaStreams} or, in tests, by a {@code TopologyTestDriver}'s stores.
 */
public final class RunStoreView {

  private final ReadOnlyKeyValueStore<String, RunState> states;
  private final ReadOnlyKeyValueStore<String, Aggregate> totals;
  private final ReadOnlyKeyValueStore<String, ClosedWindow> lastWindows;
  private final GoodputSlos slos;

  /** A view over three stores. */
  public RunStoreView(
      ReadOnlyKeyValueStore<String, RunState> states,
      ReadOnlyKeyValueStore<String, Aggregate> totals,
      ReadOnlyKeyValueStore<String, ClosedWindow> lastWindows,
      GoodputSlos slos) {
    this.states = states;
    this.totals = totals;
    this.lastWindows = lastWindows;
    this.slos = slos;
  }

  /**
   * The view of a running instance's stores.
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the stores are not
   *     queryable (starting, rebalancing)
   */
  public static RunStoreView of(KafkaStreams streams, GoodputSlos slos) {
    return new RunStoreView(
        streams.store(
            StoreQueryParameters.fromNameAndType(
                MetricsStores.RUN_STATES, QueryableStoreTypes.<String, RunState>keyValueStore())),
        streams.store(
            StoreQueryParameters.fromNameAndType(
                MetricsStores.RUN_TOTALS, QueryableStoreTypes.<String, Aggregate>keyValueStore())),
        streams.store(
            StoreQueryParameters.fromNameAndType(
                MetricsStores.LAST_WINDOWS,
                QueryableStoreTypes.<String, ClosedWindow>keyValueStore())),
        slos);
  }

  public Optional<RunState> state(String runId) {
    return Optional.ofNullable(states.get(runId));
  }

  /** Every run this instance holds, by run id. */
  public List<RunState> states() {
    List<RunState> out = new ArrayList<>();
    try (KeyValueIterator<String, RunState> it = states.all()) {
      while (it.hasNext()) {
        out.add(it.next().value);
      }
    }
    return out;
  }

  /** The run totals of each of the run's scopes. */
  public Map<Scope, Aggregate> totals(RunState state) {
    Map<Scope, Aggregate> out = new LinkedHashMap<>();
    for (Scope scope : state.scopes()) {
      Aggregate a = totals.get(scope.key());
      if (a != null) {
        out.put(scope, a);
      }
    }
    return out;
  }

  /** The latest closed window of each of the run's scopes that has one. */
  public Map<Scope, ClosedWindow> lastWindows(RunState state) {
    Map<Scope, ClosedWindow> out = new LinkedHashMap<>();
    for (Scope scope : state.scopes()) {
      ClosedWindow w = lastWindows.get(scope.key());
      if (w != null) {
        out.put(scope, w);
      }
    }
    return out;
  }

  /** The summary of a run this instance holds. */
  public Optional<RunSummary> summary(String runId) {
    return state(runId).map(this::summary);
  }

  /** The summary of a run from its state. */
  public RunSummary summary(RunState state) {
    Aggregate merged = new Aggregate();
    totals(state).values().forEach(merged::merge);
    return SummaryBuilder.build(
        state.runId(),
        state.info(),
        state.producedRequests(),
        state.warmupRequests(),
        merged,
        slos,
        state.lateRecords(),
        state.models(),
        state.endpoints());
  }
}
