/**
 * Scorers: each turns one response and its {@code Reference} into a {@link
 * dev.streamperf.evaluator.scoring.ScoreOutcome}. {@link
 * dev.streamperf.evaluator.scoring.ScorerRegistry} finds them by {@code Reference.scorer}.
 */
package dev.streamperf.evaluator.scoring;
