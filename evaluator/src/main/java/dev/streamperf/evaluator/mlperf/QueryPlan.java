package dev.streamperf.evaluator.mlperf;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which sample each query of a run asks about and when it is scheduled, as LoadGen plans the
 * Offline and Server scenarios:
 *
 * <ul>
 *   <li>accuracy mode: every sample exactly once, in index order;
 *   <li>performance mode: samples drawn as concatenated random permutations of the whole dataset
 *       (every sample once before any repeats), as many as the minimum query count and the minimum
 *       duration need (Offline: 10% over {@code expected QPS × min duration});
 *   <li>Offline: every query scheduled at 0; Server: Poisson arrivals at the target QPS
 *       (exponential gaps), generated until both the minimum count and duration are reached.
 * </ul>
 *
 * Randomness comes from the given seed, so a plan is reproducible; it is not LoadGen's Mersenne
 * Twister stream, so the order and gaps differ from LoadGen's while their distribution does not.
 */
public final class QueryPlan {

  /** One planned query. */
  public record PlannedQuery(long seqId, int qslIndex, long scheduledNs) {}

  private QueryPlan() {}

  /** The plan of a run over {@code sampleCount} samples. */
  public static List<PlannedQuery> plan(LoadGenSettings settings, int sampleCount, long seed) {
    if (sampleCount <= 0) {
      throw new IllegalArgumentException("sample count: " + sampleCount + " (expected: > 0)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    boolean accuracy = settings.mode() == TestMode.ACCURACY_ONLY;
    long minDurationNs = settings.minDuration().toNanos();
    List<PlannedQuery> plan = new ArrayList<>();
    SampleOrder order = new SampleOrder(sampleCount, accuracy ? null : random.split());
    if (settings.scenario() == Scenario.OFFLINE) {
      // LoadGen truncates 1.1 × expected QPS × whole seconds to an integer
      long sized =
          (long) (1.1 * settings.offlineExpectedQps() * settings.minDuration().toSeconds());
      long count = accuracy ? sampleCount : Math.max(settings.minQueryCount(), sized);
      for (long seq = 0; seq < count; seq++) {
        plan.add(new PlannedQuery(seq, order.next(), 0));
      }
      return plan;
    }
    double meanGapNs = 1e9 / settings.serverTargetQps();
    long scheduled = 0;
    for (long seq = 0; ; seq++) {
      boolean enough =
          accuracy
              ? seq >= sampleCount
              : seq >= settings.minQueryCount() && seq > 0 && scheduled >= minDurationNs;
      if (enough) {
        return plan;
      }
      if (seq > 0) {
        scheduled += (long) (-Math.log(1 - random.nextDouble()) * meanGapNs);
      }
      plan.add(new PlannedQuery(seq, order.next(), scheduled));
    }
  }

  /** Sample indices in order, or as concatenated random permutations. */
  private static final class SampleOrder {
    private final int[] indices;
    private final SplittableRandom random;
    private int position;

    SampleOrder(int count, SplittableRandom random) {
      this.indices = new int[count];
      for (int i = 0; i < count; i++) {
        indices[i] = i;
      }
      this.random = random;
      this.position = count;
    }

    int next() {
      if (position == indices.length) {
        position = 0;
        if (random != null) {
          for (int i = indices.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = indices[i];
            indices[i] = indices[j];
            indices[j] = t;
          }
        }
      }
      return indices[position++];
    }
  }
}
