package dev.streamperf.cli;

import dev.streamperf.simulator.FaultKind;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** An OpenAI-compatible streaming endpoint with configurable timing and faults, until Ctrl-C. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Run the simulated OpenAI-compatible endpoint until Ctrl-C.",
    description = {
      "Serves POST /v1/chat/completions (streaming like vLLM, and not), GET /v1/models, /health"
          + " and /metrics with a configurable timing model (TTFT, inter-token latency, batch"
          + " queueing), seeded faults, media parts charged as prompt tokens and scripted"
          + " answers. Clients that send X-Request-Id get it echoed; --sim-ground-truth-log"
          + " records what was sent and when. Stops on Ctrl-C or SIGTERM.",
      ""
    })
final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin SimulatorOptions options;

  @Override
  public Integer call() throws Exception {
    SimulatorConfig config = options.config();
    Simulator simulator = Simulator.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              simulator.close();
              stopped.countDown();
            },
            "streamperf-simulate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Simulator listening on " + simulator.baseUrl() + " (API under /v1)");
    out.println("Models:        " + String.join(", ", config.models()));
    out.println(
        "Timing:        TTFT "
            + config.ttftBase().toNanos() / 1e6
            + " ms + "
            + config.ttftPerPromptToken().toNanos() / 1e6
            + " ms/prompt token, ITL "
            + config.itl().toNanos() / 1e6
            + " ms ("
            + config.itlDistribution().name().toLowerCase(java.util.Locale.ROOT)
            + "), at most "
            + config.maxRunningSequences()
            + " sequences decoding");
    StringBuilder faults = new StringBuilder();
    for (Map.Entry<FaultKind, Double> f : config.faultRates().entrySet()) {
      faults
          .append(faults.length() == 0 ? "" : ", ")
          .append(f.getKey().label())
          .append('=')
          .append(f.getValue());
    }
    out.println("Faults:        " + (faults.length() == 0 ? "none" : faults));
    config.groundTruthLog().ifPresent(p -> out.println("Ground truth:  " + p.toAbsolutePath()));
    out.println("Metrics:       " + simulator.baseUrl() + "/metrics");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // stopped from within the JVM (tests, embedding): close here instead of in the hook
      Runtime.getRuntime().removeShutdownHook(hook);
      simulator.close();
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
