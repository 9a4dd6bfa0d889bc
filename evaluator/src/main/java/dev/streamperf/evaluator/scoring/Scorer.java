package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;

/**
 * Scores one response against its reference. Implementations may keep caches and are used by one
 * thread at a time (the registry is created per stream task).
 */
public interface Scorer {

  /** The name a {@link Reference#getScorer()} selects this scorer by. */
  String name();

  /**
   * Scores a response. A response the scorer cannot parse is not an error: it is scored (usually 0)
   * with {@code parsed = false}.
   *
   * @param response the model's answer text; empty when it answered nothing
   * @param reference the reference answer and scorer inputs
   * @param sampleKey a stable key of the sample (the request id), for scorers that make a seeded
   *     choice, so the same answer always scores the same
   * @throws BadReferenceException when the reference itself is unusable
   */
  ScoreOutcome score(String response, Reference reference, String sampleKey)
      throws BadReferenceException;
}
