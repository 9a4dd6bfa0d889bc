package dev.streamperf.cli;

import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.RequestWorker;
import dev.streamperf.worker.WorkerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One request worker of the consumer group, until SIGTERM (or Ctrl-C), then a drain. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Call the endpoint for requests from Kafka; commit their results.",
    description = {
      "Joins the workers' consumer group on the requests topic, sends each session's turns to"
          + " the endpoint(s) at their intended times over pooled keep-alive connections, records"
          + " every SSE event, and commits token events, results and the consumed offsets in one"
          + " Kafka transaction. Start as many as the requests topic has partitions. On SIGTERM"
          + " or Ctrl-C it stops fetching, lets running requests finish until"
          + " --drain-timeout-seconds, commits, and exits; what did not finish is re-run by the"
          + " partitions' next owner. Its own health is on Prometheus /metrics.",
      ""
    })
final class WorkerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin WorkerOptions options;

  @Mixin TokenizerOptions tokenizerOptions;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--drain-timeout-seconds",
      paramLabel = "S",
      defaultValue = "30",
      description =
          "On shutdown, how long running requests may take to finish (default: ${DEFAULT-VALUE}).")
  double drainTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (!(drainTimeoutSeconds >= 0)) {
      throw new IllegalArgumentException(
          "--drain-timeout-seconds: " + drainTimeoutSeconds + " (expected: >= 0)");
    }
    WorkerConfig config = options.config(tokenizerOptions);
    ClusterConfig clusterConfig = cluster.cluster();
    RequestWorker worker = RequestWorker.create(clusterConfig, config);
    worker.start();
    Duration drain = Duration.ofNanos((long) (drainTimeoutSeconds * 1e9));
    CountDownLatch drained = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              System.err.println(
                  "streamperf worker: draining (up to " + drainTimeoutSeconds + " s)");
              worker.drain(drain);
              drained.countDown();
            },
            "streamperf-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Worker "
            + config.workerId()
            + " in group "
            + config.groupId()
            + " on "
            + clusterConfig.topics().requests()
            + " at "
            + clusterConfig.bootstrapServers());
    out.println(
        "Endpoints:     "
            + String.join(", ", config.endpoints().stream().map(Endpoint::baseUrl).toList())
            + " ("
            + config.endpointPath()
            + ")");
    out.println(
        "Metrics:       "
            + (worker.metricsPort() < 0
                ? "off"
                : "http://" + config.metricsHost() + ":" + worker.metricsPort() + "/metrics"));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    try {
      worker.terminated().get();
    } catch (ExecutionException e) {
      // a fatal error (fenced producer, lost broker authorization): the worker stopped itself
      Runtime.getRuntime().removeShutdownHook(hook);
      throw new IllegalStateException("the worker stopped: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      worker.drain(drain);
      Thread.currentThread().interrupt();
      return 0;
    }
    drained.await();
    return 0;
  }
}
