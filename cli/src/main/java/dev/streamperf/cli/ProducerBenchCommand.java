package dev.streamperf.cli;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.bench.ProducerBenchmark;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.common.IsolationLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamperf bench producer}: the producer's performance targets, measured and printed. */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Measure the producer: publish rate, Poisson schedule, achieved rate, credit gap.",
    description = {
      "Runs four checks against the embedded broker (or --bootstrap-servers): synthetic text"
          + " requests published per second (target >= 50,000); a Kolmogorov-Smirnov test of"
          + " Poisson inter-arrival times read back from the requests topic (pass at alpha = 0.01);"
          + " the rate a worker reading the topic would achieve over a window (target within 0.5%%);"
          + " the closed-loop credit gap against a zero-latency responder (target p99 <= 5 ms)."
          + " The responder is a baseline, not a worker: it answers every request the instant it"
          + " arrives, writing results transactionally with the consumed offsets as a worker does,"
          + " so the gap it shows is the harness's own. Run it under the build lock so nothing"
          + " else competes for the cores.",
      ""
    })
final class ProducerBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClusterOptions clusterOptions;

  @Option(
      names = "--throughput-requests",
      paramLabel = "N",
      defaultValue = "300000",
      description = "Sessions published for the throughput figure (default: ${DEFAULT-VALUE}).")
  long throughputRequests;

  @Option(
      names = "--poisson-rate",
      paramLabel = "PER_SECOND",
      defaultValue = "2000",
      description = "Rate of the Poisson check (default: ${DEFAULT-VALUE}).")
  double poissonRate;

  @Option(
      names = "--ks-samples",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Inter-arrival times tested (default: ${DEFAULT-VALUE}).")
  int ksSamples;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      defaultValue = "1000",
      description =
          "Target of the achieved-rate check, constant arrivals (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--rate-window",
      paramLabel = "DURATION",
      defaultValue = "PT60S",
      description = "Window of the achieved-rate check (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration rateWindow;

  @Option(
      names = "--credit-concurrency",
      paramLabel = "N",
      defaultValue = "4",
      description = "Concurrency of the credit-gap loop (default: ${DEFAULT-VALUE}).")
  int creditConcurrency;

  @Option(
      names = "--credits",
      paramLabel = "N",
      defaultValue = "5000",
      description = "Credit gaps measured per isolation level (default: ${DEFAULT-VALUE}).")
  int credits;

  @Option(
      names = "--only",
      paramLabel = "throughput|poisson|rate|credits",
      description = "Run one check only.")
  String only;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedStack stack = null;
    ClusterConfig cluster;
    if (clusterOptions.hasCluster()) {
      cluster = clusterOptions.cluster();
    } else {
      stack = EmbeddedStack.start(clusterOptions.topicOptions.singleBrokerCatalog());
      cluster = stack.cluster();
      out.println(
          "bench producer: embedded broker at "
              + cluster.bootstrapServers()
              + ", "
              + Runtime.getRuntime().availableProcessors()
              + " cores");
    }
    boolean pass = true;
    try {
      ProducerBenchmark bench = new ProducerBenchmark(cluster, s -> {});
      if (wants("throughput")) {
        ProducerBenchmark.Throughput t = bench.throughput(throughputRequests);
        boolean ok = t.perSecond() >= 50_000;
        pass &= ok;
        out.printf(
            Locale.ROOT,
            "publish rate: %,.0f synthetic text requests/s (%d requests of %d tokens in %.2f s)   target >= 50,000   %s%n",
            t.perSecond(),
            t.sessions(),
            t.inputTokens(),
            t.seconds(),
            ok ? "PASS" : "MISS");
        out.flush();
      }
      if (wants("poisson")) {
        ProducerBenchmark.PoissonCheck p = bench.poisson(poissonRate, ksSamples);
        boolean ok = p.ks().passes(0.01);
        pass &= ok;
        out.printf(
            Locale.ROOT,
            "poisson schedule: KS D = %.5f, p = %.4f over %d inter-arrival times read back at %.0f/s   pass at alpha 0.01   %s%n",
            p.ks().statistic(),
            p.ks().pValue(),
            p.ks().n(),
            p.rate(),
            ok ? "PASS" : "MISS");
        out.flush();
      }
      if (wants("rate")) {
        ProducerBenchmark.RateCheck r = bench.rate(rate, rateWindow);
        boolean ok = Math.abs(r.errorPercent()) <= 0.5;
        pass &= ok;
        out.printf(
            Locale.ROOT,
            "achieved rate: %.2f/s vs target %.0f/s over %.0f s (%+.3f%%; %d sent, %d arrived after their intended time, max %.1f ms late)   target within 0.5%%   %s%n",
            r.achieved(),
            r.target(),
            r.seconds(),
            r.errorPercent(),
            r.sent(),
            r.lateArrivals(),
            r.maxLateUs() / 1000.0,
            ok ? "PASS" : "MISS");
        out.flush();
      }
      if (wants("credits")) {
        for (IsolationLevel isolation :
            new IsolationLevel[] {IsolationLevel.READ_UNCOMMITTED, IsolationLevel.READ_COMMITTED}) {
          ProducerBenchmark.CreditGap g = bench.creditGap(creditConcurrency, credits, isolation);
          boolean ok = g.samples() > 0 && g.percentileMs(99) <= 5;
          // the target holds for the producer's default, read_committed; the other is a comparison
          boolean counted = isolation == IsolationLevel.READ_COMMITTED;
          if (counted) {
            pass &= ok;
          }
          out.printf(
              Locale.ROOT,
              "credit gap (zero-latency responder baseline, concurrency %d, results %s%s): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms over %d credits   target p99 <= 5 ms   %s%n"
                  + "  completion to publication (result commit and read back, producer loop): p50 %.2f ms, p99 %.2f ms; publication to receipt (request commit and fetch): p50 %.2f ms, p99 %.2f ms%n",
              g.concurrency(),
              isolation.name().toLowerCase(Locale.ROOT),
              counted ? ", the producer's default" : ", for comparison",
              g.percentileMs(50),
              g.percentileMs(90),
              g.percentileMs(99),
              g.percentileMs(100),
              g.samples(),
              counted ? (ok ? "PASS" : "MISS") : (ok ? "(would pass)" : "(would miss)"),
              g.toPublishMs(50),
              g.toPublishMs(99),
              g.toReceiptMs(50),
              g.toReceiptMs(99));
          out.flush();
        }
      }
      out.println(pass ? "PASS: every target met" : "MISS: a target was missed");
      out.flush();
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
    return pass ? 0 : 3;
  }

  private boolean wants(String check) {
    return only == null || only.equalsIgnoreCase(check);
  }
}
