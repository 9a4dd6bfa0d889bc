package dev.streamperf.schemas.registry;

import java.util.List;

/** The answer to a compatibility check, with the registry's explanation when incompatible. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }

  static CompatibilityResult ok() {
    return new CompatibilityResult(true, List.of());
  }
}
