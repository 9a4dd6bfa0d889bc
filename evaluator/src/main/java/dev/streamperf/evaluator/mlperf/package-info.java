/**
 * The MLPerf Inference VLM benchmark (Qwen3-VL on the Shopify product catalogue): the dataset's row
 * model and the prompt as the reference builds it ({@link
 * dev.streamperf.evaluator.mlperf.ProductPrompt}), a LoadGen-style result summary ({@link
 * dev.streamperf.evaluator.mlperf.PerformanceSummary}), the accuracy log ({@link
 * dev.streamperf.evaluator.mlperf.AccuracyLog}) and its evaluation against the ground truth ({@link
 * dev.streamperf.evaluator.mlperf.AccuracyReport}), and the query plans of the Offline and Server
 * scenarios ({@link dev.streamperf.evaluator.mlperf.QueryPlan}).
 */
package dev.streamperf.evaluator.mlperf;
