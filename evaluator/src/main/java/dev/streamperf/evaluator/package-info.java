/**
 * The evaluator: scores each successful {@code RequestResult} that carries a {@code Reference} and
 * publishes a {@code Score} to {@code scores}. Scorers live in {@code scoring}, the Kafka Streams
 * app in this package, and the MLPerf VLM benchmark's pieces in {@code mlperf}.
 */
package dev.streamperf.evaluator;
