package dev.streamperf.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.metrics.summary.Counts;
import dev.streamperf.metrics.summary.RunSummary;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import dev.streamperf.worker.WorkerConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamperf bench soak}: the whole pipeline in this process (embedded broker, simulator,
 * worker, metrics, producer at a steady open-loop rate) for a long time, sampling the live heap
 * (after a collection), the process RSS (the lowest reading of each interval) and the workers'
 * consumer lag, and printing their slopes over the measured part: a leak shows as a positive slope,
 * a pipeline that falls behind as a growing lag. At the end the run must reconcile: every published
 * request has its result.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Soak the whole pipeline and print heap, RSS and lag slopes.",
    description = {
      "Runs the embedded stack, the simulator, one worker, metrics and a producer at a steady"
          + " Poisson rate for --duration, by default 25 minutes of warm-up and then 30 measured"
          + " (target: flat heap and RSS over those 30 minutes, no growing lag, no lost request)."
          + " Samples after --warmup count towards the slopes; flat means"
          + " at most 100 MB a day. Heap: used after a full GC; RSS: the lowest of the readings"
          + " taken every second of the interval, for the whole and for each part of its split by"
          + " mapping (/proc/self/smaps: Java heap, code cache, the rest). The live heap's growth"
          + " by class is printed at the end (and native memory's, with -XX:NativeMemoryTracking=summary in"
          + " STREAMPERF_JAVA_OPTS). Fix the heap's size (-Xms = -Xmx) for an RSS slope of native"
          + " memory alone. The ./streamperf launcher trims the C heap every 10 s"
          + " (-XX:TrimNativeHeapInterval); without that, RSS keeps memory malloc has freed.",
      ""
    })
final class SoakBenchCommand implements Callable<Integer> {

  private static final String MODEL = "streamperf-soak";

  /** A slope that adds 100 MB a day is what "flat" allows, for heap and RSS alike. */
  static final double FLAT_MB_PER_MIN = 100.0 / (24 * 60);

  /** How often the RSS is read between samples (each sample keeps the lowest reading). */
  static final long RSS_READ_MS = 1_000;

  /** Lag that grows by more than this share of the offered rate means the pipeline falls behind. */
  static final double LAG_GROWTH_SHARE = 0.01;

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "PT55M",
      description =
          "How long the producer publishes, warm-up included (ISO-8601, default:"
              + " ${DEFAULT-VALUE}: the warm-up, then 30 minutes measured).")
  Duration duration;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "PT25M",
      description =
          "Samples before this are not in the slopes (default: ${DEFAULT-VALUE}: this one-JVM"
              + " stack of broker, Streams, worker and producer compiles most of its code in the"
              + " first 25 minutes, and its code cache shows in RSS; rarely run paths keep"
              + " compiling after that; the metrics app's dedup store is full after 10).")
  Duration warmup;

  @Option(
      names = "--request-rate",
      paramLabel = "PER_SECOND",
      defaultValue = "50",
      description = "Poisson arrival rate (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--sample-interval",
      paramLabel = "DURATION",
      defaultValue = "PT15S",
      description = "Time between samples (default: ${DEFAULT-VALUE}).")
  Duration sampleInterval;

  /** One observation of the process and the pipeline. */
  record Sample(
      double minutes,
      double heapMb,
      double rssMb,
      double anonMb,
      double fileMb,
      long lag,
      long results,
      NativeParts parts,
      ResidentParts resident) {}

  /**
   * Native memory the JVM can name from inside, in MB: compiled code in the code cache, the JDK's
   * direct buffers (every {@code ByteBuffer.allocateDirect}: Netty's pools and the JDK's per-thread
   * socket buffers) and, of those, what Netty's pools hold (the default allocator, the worker's,
   * and the pooled one the simulator's server uses). Diagnostics beside the RSS slope, which is the
   * verdict: they say where native growth is, not whether there is any.
   */
  record NativeParts(double codeMb, double directMb, double nettyMb) {
    static NativeParts read() {
      double code =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getName().startsWith("CodeHeap") || p.getName().equals("CodeCache"))
              .mapToLong(p -> p.getUsage().getUsed())
              .sum();
      double direct =
          ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
              .filter(p -> p.getName().equals("direct"))
              .mapToLong(BufferPoolMXBean::getMemoryUsed)
              .sum();
      double netty =
          Stream.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT)
              .distinct()
              .filter(ByteBufAllocatorMetricProvider.class::isInstance)
              .mapToLong(a -> ((ByteBufAllocatorMetricProvider) a).metric().usedDirectMemory())
              .sum();
      return new NativeParts(code / MB, direct / MB, netty / MB);
    }
  }

  private static final double MB = 1024.0 * 1024.0;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!(rate > 0) || duration.isNegative() || duration.isZero() || sampleInterval.isZero()) {
      throw new IllegalArgumentException(
          "--request-rate, --duration and --sample-interval must be > 0");
    }
    try (Pipeline pipeline = new Pipeline()) {
      ClusterConfig cluster =
          pipeline.startEmbedded(TopicCatalog.builder().replicationFactor(1).partitions(6).build());
      Simulator simulator =
          pipeline.startSimulator(
              SimulatorConfig.builder()
                  .port(0)
                  .models(List.of(MODEL))
                  .groundTruthRetention(0) // as `streamperf simulate`: nothing here reads it
                  .build());
      pipeline.startStreams(
          MetricsConfig.builder(cluster)
              .applicationId("streamperf-soak-metrics")
              .startupGrace(Duration.ZERO)
              .httpHost("127.0.0.1")
              .build(),
          null);
      WorkerConfig worker =
          WorkerConfig.builder()
              .url(simulator.baseUrl())
              .workerId("soak")
              .metricsHost("127.0.0.1")
              .metricsPort(0)
              .build();
      pipeline.startWorker(worker);
      ProducerConfig producer =
          ProducerConfig.builder(cluster)
              .models(List.of(MODEL))
              .streaming(true)
              .endpoints(List.of(simulator.baseUrl()))
              .load(new LoadSpec.OpenLoop(rate, ArrivalPattern.POISSON, null, null, null, null))
              .soak(true)
              .build();
      out.printf(
          Locale.ROOT,
          "soak: %s at %.1f req/s against the simulator, sampling every %s%n",
          duration,
          rate,
          sampleInterval);
      out.println(nativeTrim());
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      if (heap.getInit() != heap.getMax()) {
        out.printf(
            Locale.ROOT,
            "note: the heap may resize (-Xms %d MB, -Xmx %d MB) and the samples' full GCs shrink"
                + " it, so RSS follows the heap's size; for an RSS slope of native memory alone set"
                + " STREAMPERF_JAVA_OPTS=\"-Xms512m -Xmx512m -XX:+AlwaysPreTouch\"%n",
            heap.getInit() >> 20,
            heap.getMax() >> 20);
      }
      out.printf(
          Locale.ROOT,
          "%8s %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s%n",
          "minute",
          "heap MB",
          "RSS MB",
          "anon MB",
          "file MB",
          "lag",
          "results",
          "code MB",
          "direct MB",
          "netty MB",
          "code RSS",
          "rest MB");
      out.flush();
      List<Sample> samples = new ArrayList<>();
      Optional<ResidentParts.Ranges> ranges = ResidentParts.Ranges.ofThisJvm();
      RunHandle run = new RunProducer(producer).start();
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      Map<String, long[]> warmHistogram = null;
      boolean nativeBaseline = false;
      try (Admin admin = cluster.admin()) {
        while (System.nanoTime() < end) {
          if (warmHistogram == null && System.nanoTime() - start >= warmup.toNanos()) {
            warmHistogram = HeapHistogram.live();
            nativeBaseline = HeapHistogram.nativeMemoryBaseline();
          }
          Map<String, Double> rssFloor =
              waitRecordingRssFloor(
                  ranges,
                  Math.min(sampleInterval.toMillis(), (end - System.nanoTime()) / 1_000_000));
          Sample s =
              sample(
                  (System.nanoTime() - start) / 60e9,
                  rssFloor,
                  admin,
                  worker.groupId(),
                  pipeline.metrics().summary(run.runId()).map(RunSummary::counts));
          samples.add(s);
          out.printf(
              Locale.ROOT,
              "%8.2f %10.1f %10.1f %10.1f %10.1f %10d %10d %10.2f %10.2f %10.2f %10.2f %10.2f%n",
              s.minutes(),
              s.heapMb(),
              s.rssMb(),
              s.anonMb(),
              s.fileMb(),
              s.lag(),
              s.results(),
              s.parts().codeMb(),
              s.parts().directMb(),
              s.parts().nettyMb(),
              s.resident().codeMb(),
              s.resident().restMb());
          out.flush();
        }
      }
      if (warmHistogram != null) {
        HeapHistogram.printGrowth(out, warmHistogram, HeapHistogram.live(), 15);
      }
      String nativeGrowth = nativeBaseline ? HeapHistogram.nativeMemoryGrowth() : null;
      if (nativeGrowth != null) {
        out.println("native memory since warmup (-XX:NativeMemoryTracking=summary):");
        out.println(nativeGrowth.strip());
        out.flush();
      }
      run.stop();
      run.await(Duration.ofSeconds(60));
      RunSummary summary = pipeline.metrics().awaitFinished(run.runId(), Duration.ofMinutes(3));
      return report(out, samples, summary);
    }
  }

  private int report(PrintWriter out, List<Sample> samples, RunSummary summary) {
    double from = warmup.toNanos() / 60e9;
    List<Sample> measured = samples.stream().filter(s -> s.minutes() >= from).toList();
    if (measured.size() < 3) {
      measured = samples;
    }
    double heapSlope = slope(measured, Sample::heapMb);
    double rssSlope = slope(measured, Sample::rssMb);
    double anonSlope = slope(measured, Sample::anonMb);
    double fileSlope = slope(measured, Sample::fileMb);
    double lagSlope = slope(measured, s -> (double) s.lag());
    long maxLag = measured.stream().mapToLong(Sample::lag).max().orElse(0);
    Counts counts = summary.counts();
    double minutes = measured.isEmpty() ? 0 : measured.get(measured.size() - 1).minutes() - from;
    double lagLimit = LAG_GROWTH_SHARE * rate * 60;
    boolean heapFlat = heapSlope <= FLAT_MB_PER_MIN;
    boolean rssFlat = anonSlope <= FLAT_MB_PER_MIN;
    boolean lagFlat = lagSlope <= lagLimit;
    out.println();
    out.printf(
        Locale.ROOT,
        "heap after GC: %+.3f MB/min over %.1f min (%d samples; first %.1f, last %.1f MB)"
            + "   target <= %+.3f MB/min (100 MB a day)   %s%n",
        heapSlope,
        minutes,
        measured.size(),
        measured.isEmpty() ? 0 : measured.get(0).heapMb(),
        measured.isEmpty() ? 0 : measured.get(measured.size() - 1).heapMb(),
        FLAT_MB_PER_MIN,
        verdict(heapFlat));
    out.printf(
        Locale.ROOT,
        "RSS:           %+.3f MB/min (first %.1f, last %.1f MB): anonymous %+.3f MB/min,"
            + " file-backed %+.3f MB/min (mapped files: the embedded broker's log indexes grow"
            + " with the data written)%n",
        rssSlope,
        measured.isEmpty() ? 0 : measured.get(0).rssMb(),
        measured.isEmpty() ? 0 : measured.get(measured.size() - 1).rssMb(),
        anonSlope,
        fileSlope);
    out.printf(
        Locale.ROOT,
        "anonymous RSS: %+.3f MB/min (± %.3f standard error; first %.1f, last %.1f MB)"
            + "   target <= %+.3f MB/min   %s%n",
        anonSlope,
        slopeError(measured, Sample::anonMb),
        measured.isEmpty() ? 0 : measured.get(0).anonMb(),
        measured.isEmpty() ? 0 : measured.get(measured.size() - 1).anonMb(),
        FLAT_MB_PER_MIN,
        verdict(rssFlat));
    out.printf(
        Locale.ROOT,
        "  of which:    compiled code %+.3f MB/min, direct buffers %+.3f MB/min (Netty's pools"
            + " %+.3f MB/min): what the JVM names from inside, for where the growth is%n",
        slope(measured, s -> s.parts().codeMb()),
        slope(measured, s -> s.parts().directMb()),
        slope(measured, s -> s.parts().nettyMb()));
    out.printf(
        Locale.ROOT,
        "  by mapping:  Java heap %+.3f MB/min, code cache %+.3f MB/min (pages compiled code has"
            + " touched; bounded by -XX:ReservedCodeCacheSize), the rest %+.3f MB/min (malloc,"
            + " thread stacks, metaspace): /proc/self/smaps, each part's lowest reading%n",
        slope(measured, s -> s.resident().heapMb()),
        slope(measured, s -> s.resident().codeMb()),
        slope(measured, s -> s.resident().restMb()));
    out.printf(
        Locale.ROOT,
        "worker lag:    %+.2f records/min, max %d records   target <= %+.1f records/min (falling"
            + " behind by 1%% of the offered rate)   %s%n",
        lagSlope,
        maxLag,
        lagLimit,
        verdict(lagFlat));
    out.printf(
        Locale.ROOT,
        "requests:      %s; %d errors; %s%n",
        counts.reconciliation(),
        counts.errorRequests(),
        summary.run().message());
    boolean lost = counts.pending() != 0 || !counts.reconciled();
    out.println(lost ? "LOST requests: MISS" : "no lost request: PASS");
    out.flush();
    return lost ? 1 : heapFlat && rssFlat && lagFlat ? 0 : 3;
  }

  /** Whether this JVM hands malloc's freed memory back to the system, which the RSS slope shows. */
  static String nativeTrim() {
    String interval;
    try {
      interval =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption("TrimNativeHeapInterval")
              .getValue();
    } catch (IllegalArgumentException e) {
      return "native heap trim: this JVM has no -XX:TrimNativeHeapInterval (JDK 21+ and recent 17"
          + " updates have it); RSS keeps memory malloc has freed";
    }
    return "0".equals(interval)
        ? "native heap trim: off; RSS keeps memory malloc has freed (./streamperf sets"
            + " -XX:TrimNativeHeapInterval=10000)"
        : "native heap trim: every " + interval + " ms";
  }

  private static String verdict(boolean pass) {
    return pass ? "PASS" : "MISS";
  }

  /** Least-squares slope of a value over the samples' minutes. */
  static double slope(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = 0;
    double my = 0;
    for (Sample s : samples) {
      mx += s.minutes();
      my += value.applyAsDouble(s);
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      double dx = s.minutes() - mx;
      sxy += dx * (value.applyAsDouble(s) - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  /** Standard error of the least-squares slope: how far the noise alone could move it. */
  static double slopeError(
      List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
    int n = samples.size();
    if (n < 3) {
      return Double.NaN;
    }
    double b = slope(samples, value);
    double mx = samples.stream().mapToDouble(Sample::minutes).average().orElse(0);
    double my = samples.stream().mapToDouble(value).average().orElse(0);
    double residuals = 0;
    double sxx = 0;
    for (Sample s : samples) {
      double dx = s.minutes() - mx;
      double r = value.applyAsDouble(s) - (my + b * dx);
      residuals += r * r;
      sxx += dx * dx;
    }
    return sxx == 0 ? Double.NaN : Math.sqrt(residuals / (n - 2) / sxx);
  }

  private static Sample sample(
      double minutes, Map<String, Double> rss, Admin admin, String group, Optional<Counts> counts)
      throws InterruptedException, ExecutionException, TimeoutException {
    System.gc();
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MB;
    return new Sample(
        minutes,
        heap,
        rss.getOrDefault("VmRSS", 0.0),
        rss.getOrDefault("RssAnon", 0.0),
        rss.getOrDefault("RssFile", 0.0),
        lag(admin, group),
        counts.map(Counts::results).orElse(0L),
        NativeParts.read(),
        new ResidentParts(
            rss.getOrDefault(HEAP_RSS, 0.0),
            rss.getOrDefault(CODE_RSS, 0.0),
            rss.getOrDefault(REST_RSS, 0.0)));
  }

  /** Records of the group's committed partitions not yet consumed. */
  private static long lag(Admin admin, String group)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, java.util.concurrent.TimeUnit.SECONDS);
    if (committed.isEmpty()) {
      return 0;
    }
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      if (e.getValue() != null) {
        lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
      }
    }
    return lag;
  }

  /**
   * Waits, reading the RSS figures every {@link #RSS_READ_MS} ms, and returns the lowest of each:
   * the memory the process keeps, not what it holds for a moment during a burst of allocations that
   * is freed again. A leak raises the floor; a burst does not.
   */
  static Map<String, Double> waitRecordingRssFloor(
      Optional<ResidentParts.Ranges> ranges, long millis) throws InterruptedException {
    return waitRecordingFloor(millis, RSS_READ_MS, () -> residentMb(ranges));
  }

  private static final String HEAP_RSS = "heap";
  private static final String CODE_RSS = "code cache";
  private static final String REST_RSS = "rest";

  /**
   * {@link #residentMb()} and, where there are ranges, the anonymous part's split by mapping (each
   * part's floor is kept on its own, as each figure's is).
   */
  static Map<String, Double> residentMb(Optional<ResidentParts.Ranges> ranges) {
    Map<String, Double> mb = new java.util.HashMap<>(residentMb());
    ResidentParts parts = ResidentParts.read(ranges);
    if (!parts.equals(ResidentParts.NONE)) {
      mb.put(HEAP_RSS, parts.heapMb());
      mb.put(CODE_RSS, parts.codeMb());
      mb.put(REST_RSS, parts.restMb());
    }
    return mb;
  }

  /** The lowest of each figure {@code read} gives, every {@code everyMs} for {@code millis}. */
  static Map<String, Double> waitRecordingFloor(
      long millis, long everyMs, java.util.function.Supplier<Map<String, Double>> read)
      throws InterruptedException {
    Map<String, Double> floor = new java.util.HashMap<>(read.get());
    long deadline = System.nanoTime() + millis * 1_000_000L;
    for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
      Thread.sleep(Math.min(everyMs, left));
      read.get().forEach((field, mb) -> floor.merge(field, mb, Math::min));
    }
    return floor;
  }

  /**
   * This process's resident set from /proc/self/status, in MB: VmRSS, and its anonymous (heap,
   * stacks, malloc) and file-backed (mapped files) parts; empty where there is no /proc.
   */
  static Map<String, Double> residentMb() {
    Map<String, Double> mb = new java.util.HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        for (String field : new String[] {"VmRSS", "RssAnon", "RssFile"}) {
          if (line.startsWith(field + ":")) {
            mb.put(field, Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return mb;
  }
}
