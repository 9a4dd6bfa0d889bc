package dev.streamperf.cli;

import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Publishes one run's requests to a cluster on its load schedule. */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Publish a run's requests on a closed- or open-loop schedule.",
    description = {
      "The load controller of a run. Announces the run in the runs topic (RunEvent STARTED with its"
          + " configuration), publishes synthetic sessions (prompts exact in tokens of the"
          + " tokenizer, images, audio) to the requests topic, each distinct medium once to the"
          + " media topic, and ends with PRODUCED and the final counts. Closed loop (--concurrency):"
          + " one new session per final result read back from the results topic. Open loop"
          + " (--request-rate): constant, Poisson or gamma arrivals, each published --schedule-lead"
          + " ahead of its intended send time. Options follow AIPerf's names and defaults. Ctrl-C"
          + " stops publishing and ends the run as PRODUCED with what was published.",
      ""
    })
final class ProducerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Mixin ProducerOptions producerOptions;

  @Mixin TokenizerOptions tokenizerOptions;

  @Option(
      names = {"-u", "--url"},
      paramLabel = "URL",
      description =
          "Endpoint URL(s) the run targets, recorded in its RunEvent (workers call them).")
  List<String> urls = new ArrayList<>();

  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ProducerConfig config =
        producerOptions.config(clusterOptions.cluster(), urls, tokenizerOptions);
    return follow(out, "producer", new RunProducer(config).start(), progressOptions.interval());
  }

  /**
   * Prints a started run's description, its progress every {@code interval} and its end; Ctrl-C or
   * SIGTERM stops it and waits up to 30 s for it to commit what it published.
   *
   * @param name the line prefix: the command's name
   */
  static int follow(PrintWriter out, String name, RunHandle run, Duration interval)
      throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              run.stop();
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "streamperf-" + name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println(name + ": " + run.describe());
      if (run.resumed()) {
        out.println(name + ": resuming after " + run.resumedFrom() + " committed sessions");
      }
      out.flush();
      ProducerProgress done;
      while ((done = run.await(interval)) == null) {
        out.println(name + ": " + line(run.progress()));
        out.flush();
      }
      out.println(
          name
              + ": run "
              + done.runId()
              + " "
              + done.state().name().toLowerCase(Locale.ROOT)
              + ", "
              + line(done));
      out.flush();
      return 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is exiting: the hook is running and waits for the latch above
      }
    }
  }

  static String line(ProducerProgress p) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d sessions (%d requests, %d warmup) published, %d media",
                p.producedSessions(),
                p.producedRequests(),
                p.warmupRequests(),
                p.mediaPublished()));
    if (p.results() > 0 || p.inFlight() > 0) {
      s.append(
          String.format(Locale.ROOT, ", %d in flight, %d results read", p.inFlight(), p.results()));
      if (p.duplicateResults() > 0) {
        s.append(", ").append(p.duplicateResults()).append(" duplicate");
      }
    }
    if (p.lateSessions() > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              ", %d published after their intended time (max %.1f ms late)",
              p.lateSessions(),
              p.maxLatenessUs() / 1000.0));
    }
    return s.toString();
  }
}
