package dev.streamperf.producer.spec;

/**
 * Synthetic text: input length in tokens of the run's tokenizer, output length, the shared system
 * prompt, the prefix pool and the size of the dataset the sessions are drawn from.
 *
 * @param inputTokensMean mean prompt length in tokens ({@code --isl}, AIPerf default 550)
 * @param inputTokensStddev its standard deviation ({@code --isl-stddev}, default 0)
 * @param outputTokensMean mean {@code max_tokens} ({@code --osl}); null sends none
 * @param outputTokensStddev its standard deviation ({@code --osl-stddev}, default 0)
 * @param prefixPoolSize distinct prefix prompts, one prepended to every prompt ({@code
 *     --num-prefix-prompts}); 0 for none
 * @param prefixLength tokens of each prefix prompt ({@code --prefix-prompt-length})
 * @param sharedSystemPromptLength tokens of one system prompt shared by every session ({@code
 *     --shared-system-prompt-length}); null for none
 * @param userContextPromptLength tokens of a context prompt unique to each dataset entry, sent
 *     before the first turn's prompt ({@code --user-context-prompt-length}); null for none
 * @param datasetEntries distinct sessions generated and cycled through ({@code
 *     --num-dataset-entries}, AIPerf default 100)
 */
public record PromptSpec(
    int inputTokensMean,
    double inputTokensStddev,
    Integer outputTokensMean,
    double outputTokensStddev,
    int prefixPoolSize,
    int prefixLength,
    Integer sharedSystemPromptLength,
    Integer userContextPromptLength,
    int datasetEntries) {

  public static final int DEFAULT_INPUT_TOKENS = 550;
  public static final int DEFAULT_DATASET_ENTRIES = 100;

  public PromptSpec {
    Checks.atLeast("--synthetic-input-tokens-mean", inputTokensMean, 1);
    Checks.atLeast("--synthetic-input-tokens-stddev", inputTokensStddev, 0.0);
    if (outputTokensMean != null) {
      Checks.atLeast("--output-tokens-mean", outputTokensMean, 1);
    }
    Checks.atLeast("--output-tokens-stddev", outputTokensStddev, 0.0);
    Checks.atLeast("--num-prefix-prompts", prefixPoolSize, 0);
    Checks.atLeast("--prefix-prompt-length", prefixLength, 0);
    if (prefixPoolSize > 0 && prefixLength == 0) {
      throw new IllegalArgumentException(
          "--prefix-prompt-length: 0 (expected: >= 1 when --num-prefix-prompts is "
              + prefixPoolSize
              + ")");
    }
    if (sharedSystemPromptLength != null) {
      Checks.atLeast("--shared-system-prompt-length", sharedSystemPromptLength, 1);
    }
    if (userContextPromptLength != null) {
      Checks.atLeast("--user-context-prompt-length", userContextPromptLength, 1);
    }
    if (prefixPoolSize > 0
        && (sharedSystemPromptLength != null || userContextPromptLength != null)) {
      throw new IllegalArgumentException(
          "--num-prefix-prompts: "
              + prefixPoolSize
              + " (expected: 0 with --shared-system-prompt-length or"
              + " --user-context-prompt-length; AIPerf makes them mutually exclusive)");
    }
    Checks.atLeast("--num-dataset-entries", datasetEntries, 1);
  }

  /** AIPerf's defaults: 550 tokens, no output limit, no prefixes, 100 entries. */
  public static PromptSpec defaults() {
    return new PromptSpec(
        DEFAULT_INPUT_TOKENS, 0, null, 0, 0, 0, null, null, DEFAULT_DATASET_ENTRIES);
  }
}
