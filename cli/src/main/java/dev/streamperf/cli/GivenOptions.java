package dev.streamperf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Whether the user gave an option, for commands whose defaults differ from a mixin's. */
final class GivenOptions {

  private GivenOptions() {}

  static boolean given(CommandSpec spec, String option) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    return parsed != null && parsed.hasMatchedOption(option);
  }
}
