package dev.streamperf.evaluator.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scorers by name ({@code Reference.scorer}). Immutable once built; the scorers in it may cache
 * compiled references, so give each thread its own registry ({@link #defaults} is cheap).
 */
public final class ScorerRegistry {

  private final Map<String, Scorer> scorers;

  private ScorerRegistry(Map<String, Scorer> scorers) {
    this.scorers = scorers;
  }

  /**
   * Every built-in scorer: {@value MultipleChoiceScorer#NAME}, {@value HierarchicalF1Scorer#NAME},
   * {@value ExactMatchScorer#NAME}, {@value RegexScorer#NAME}, {@value JsonSchemaScorer#NAME}.
   *
   * @param secondhandSeed seed of the is_secondhand coin flip for unparsable product answers
   */
  public static ScorerRegistry defaults(long secondhandSeed) {
    return of(
        List.of(
            new MultipleChoiceScorer(),
            new HierarchicalF1Scorer(secondhandSeed),
            new ExactMatchScorer(),
            new RegexScorer(),
            new JsonSchemaScorer()));
  }

  /** A registry of the given scorers; names must be unique. */
  public static ScorerRegistry of(List<? extends Scorer> scorers) {
    Map<String, Scorer> byName = new LinkedHashMap<>();
    for (Scorer scorer : scorers) {
      if (byName.putIfAbsent(scorer.name(), scorer) != null) {
        throw new IllegalArgumentException("scorer name: '" + scorer.name() + "' (duplicate)");
      }
    }
    return new ScorerRegistry(byName);
  }

  public Optional<Scorer> find(String name) {
    return Optional.ofNullable(scorers.get(name));
  }

  public Set<String> names() {
    return scorers.keySet();
  }
}
