package dev.streamperf.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.streamperf.embedded.LlamaCppServer;
import java.util.List;

/** Starts the real llama.cpp server, or skips the test class where it is not built (outside CI). */
final class LlamaCpp {

  private LlamaCpp() {}

  static LlamaCppServer startOrSkip() {
    boolean ci = "true".equals(System.getenv("CI"));
    if (ci) {
      assertThat(LlamaCppServer.isBuilt()).as("llama.cpp must be built in CI").isTrue();
    } else {
      assumeTrue(
          LlamaCppServer.isBuilt(), "llama.cpp server not built (shared/tools/llama-endpoint)");
    }
    return LlamaCppServer.start(0, List.of());
  }
}
