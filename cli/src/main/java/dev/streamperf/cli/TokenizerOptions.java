package dev.streamperf.cli;

import dev.streamperf.schemas.tokenizer.Tokenizers;
import picocli.CommandLine.Option;

/**
 * {@code --tokenizer}, a mixin of every command that counts tokens (producer, worker, profile), so
 * that a command composing several components has the option once and all of them count alike.
 */
public final class TokenizerOptions {

  @Option(
      names = "--tokenizer",
      paramLabel = "SPEC",
      description =
          "builtin (o200k_base), a tokenizer.json path, or a Hugging Face model id; counts"
              + " synthetic input lengths and, when the server reports no usage, ISL and OSL"
              + " (default: the model when it is ORG/NAME, else builtin).")
  String spec;

  /** The given spec, or null when none was given (the producer then picks by model). */
  public String spec() {
    return spec;
  }

  /** The given spec, or the builtin tokenizer (for a component that does not know the model). */
  public String specOrBuiltin() {
    return spec == null ? Tokenizers.BUILTIN : spec;
  }
}
