package dev.streamperf.metrics.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.streamperf.metrics.MetricsApp;
import dev.streamperf.metrics.MetricsConfig;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroSerde;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * The metrics app's performance targets on a cluster: how many token events per second one Streams
 * instance aggregates from a backlog (target 200,000/s on 2 cores), and how long after a window's
 * end it is visible as the latest closed window on /metrics while load flows live (target within
 * window grace + 2 s). {@code streamperf bench metrics} runs it on the embedded broker.
 */
public final class MetricsBenchmark {

  /**
   * What to run.
   *
   * @param tokenEvents token events of the backlog (about {@code tokenEvents / meanOutputTokens}
   *     requests)
   * @param meanOutputTokens mean content events per request
   * @param streamThreads stream threads of the Streams instance
   * @param window window size
   * @param grace window grace
   * @param liveEventsPerSecond token events per second of the live phase
   */
  public record Settings(
      int tokenEvents,
      int warmupTokenEvents,
      int meanOutputTokens,
      int streamThreads,
      Duration window,
      Duration grace,
      int liveEventsPerSecond) {

    public Settings {
      if (tokenEvents < 1_000
          || warmupTokenEvents < 0
          || meanOutputTokens < 2
          || streamThreads < 1
          || liveEventsPerSecond < 100) {
        throw new IllegalArgumentException(
            "metrics benchmark: token events >= 1000, warm-up token events >= 0, mean output"
                + " tokens >= 2, threads >= 1, live rate >= 100 (got "
                + tokenEvents
                + ", "
                + warmupTokenEvents
                + ", "
                + meanOutputTokens
                + ", "
                + streamThreads
                + ", "
                + liveEventsPerSecond
                + ")");
      }
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(grace, "grace");
    }
  }

  /**
   * The backlog phase.
   *
   * @param tokenEvents token events aggregated
   * @param results results aggregated
   * @param warmupTokenEvents token events the warm-up instance processed first (0: none)
   * @param warmupSeconds how long the warm-up instance took, start to committed
   * @param publishSeconds how long publishing the backlog took
   * @param startSeconds from start() to RUNNING
   * @param seconds from RUNNING to every token-event offset committed
   * @param eventsPerSecond token events / seconds
   * @param cpuCores process CPU time / seconds (the embedded broker shares the process)
   * @param jitCores the JIT's compilation time / seconds, as the JVM reports it: the wall time of
   *     each compilation, so an upper bound of the compilers' CPU
   * @param threads each stream thread's share of the backlog
   * @param otherCpu the rest of the process by thread group (digits and ids in thread names
   *     dropped; "JVM" is GC, JIT and VM threads: the process' CPU time no Java thread accounts
   *     for), in cores, the busiest first
   */
  public record Throughput(
      long tokenEvents,
      long results,
      long warmupTokenEvents,
      double warmupSeconds,
      double publishSeconds,
      double startSeconds,
      double seconds,
      double eventsPerSecond,
      double cpuCores,
      double jitCores,
      List<ThreadLoad> threads,
      Map<String, Double> otherCpu) {}

  /**
   * One stream thread in the backlog phase.
   *
   * @param name the thread's name
   * @param cpuCores its CPU time / seconds
   * @param tokenEventTasks how many token-events partitions it processed
   * @param otherTasks its other active tasks (results and scores, per-run merging)
   */
  public record ThreadLoad(String name, double cpuCores, int tokenEventTasks, int otherTasks) {}

  /**
   * The live phase.
   *
   * @param windowStartUs the window watched, epoch µs
   * @param windowEndUs its end
   * @param secondsAfterEnd from its end (wall clock) to /metrics showing it as the latest closed
   *     window
   * @param targetSeconds grace + 2 s
   * @param tokenEvents token events published live
   */
  public record Visibility(
      long windowStartUs,
      long windowEndUs,
      double secondsAfterEnd,
      double targetSeconds,
      long tokenEvents) {}

  /** Both phases. */
  public record Result(Throughput throughput, Visibility visibility) {}

  private static final Pattern WINDOW_END =
      Pattern.compile(
          "^streamperf_window_end_timestamp_seconds\\{[^}]*run=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$",
          Pattern.MULTILINE);

  private final ClusterConfig cluster;
  private final Settings settings;
  private final MicrosClock clock = MicrosClock.system();

  public MetricsBenchmark(ClusterConfig cluster, Settings settings) {
    this.cluster = cluster;
    this.settings = settings;
  }

  /**
   * Runs both phases with one Streams instance. A warm-up backlog first runs through an instance of
   * its own, so the measured one runs compiled code: the JIT compiles the consumer, Streams and
   * aggregation paths for tens of seconds, and in a cold process it took 0.8 of the 2 cores.
   */
  public Result run() throws InterruptedException, TimeoutException, IOException {
    awaitLeaders(cluster);
    long now = clock.nowMicros();
    Map<TopicPartition, Long> start = Map.of();
    double warmupSeconds = 0;
    if (settings.warmupTokenEvents() > 0) {
      SyntheticRun warmup = backlog("bench-warmup-", settings.warmupTokenEvents(), now);
      publish(warmup, now, new long[2]);
      Map<TopicPartition, Long> warmupEnd = endOffsets(List.of(cluster.topics().tokenEvents()));
      String warmupId = "streamperf-bench-metrics-warmup-" + UUID.randomUUID();
      try (MetricsApp app = new MetricsApp(config(warmupId))) {
        long t0 = System.nanoTime();
        startRunning(app, "warm-up instance");
        awaitCommitted(warmupId, warmupEnd, Duration.ofMinutes(10));
        warmupSeconds = (System.nanoTime() - t0) / 1e9;
      }
      awaitJitQuiet(Duration.ofSeconds(60));
      // the measured instance starts where the warm-up data (and what its instance wrote) ends
      start =
          endOffsets(
              List.of(
                  cluster.topics().tokenEvents(),
                  cluster.topics().results(),
                  cluster.topics().scores(),
                  cluster.topics().runs()));
    }
    SyntheticRun backlog = backlog("bench-backlog-", settings.tokenEvents(), now);
    long publishStart = System.nanoTime();
    long[] counts = new long[2];
    publish(backlog, now, counts);
    double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
    Map<TopicPartition, Long> end = endOffsets(List.of(cluster.topics().tokenEvents()));
    String appId = "streamperf-bench-metrics-" + UUID.randomUUID();
    if (!start.isEmpty()) {
      startAt(appId, start);
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (MetricsApp app = new MetricsApp(config(appId))) {
      long started = System.nanoTime();
      startRunning(app, "measured instance");
      long running = System.nanoTime();
      long jit0 = jitMillis();
      long cpu0 = os.getProcessCpuTime();
      Map<String, Long> threadCpu0 = threadCpu();
      awaitCommitted(appId, end, Duration.ofMinutes(10));
      long done = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long jit1 = jitMillis();
      Map<String, Long> threadCpu1 = threadCpu();
      double seconds = (done - running) / 1e9;
      Throughput throughput =
          new Throughput(
              counts[0],
              counts[1],
              settings.warmupTokenEvents(),
              warmupSeconds,
              publishSeconds,
              (running - started) / 1e9,
              seconds,
              counts[0] / seconds,
              (cpu1 - cpu0) / 1e9 / seconds,
              (jit1 - jit0) / 1e3 / seconds,
              threadLoads(app, threadCpu0, threadCpu1, seconds),
              otherCpu(threadCpu0, threadCpu1, cpu1 - cpu0, seconds));
      Visibility visibility = live(app);
      return new Result(throughput, visibility);
    }
  }

  /** Starts an instance and waits until it is RUNNING. */
  private static void startRunning(MetricsApp app, String which)
      throws InterruptedException, TimeoutException {
    app.start();
    if (!app.awaitRunning(Duration.ofSeconds(120))) {
      throw new TimeoutException(
          "metrics benchmark: " + which + " not running after 120 s (" + app.state() + ")");
    }
  }

  /** Milliseconds the JIT compilers have spent so far; 0 when the JVM does not say. */
  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * Waits until the JIT has compiled for under 50 ms in a second (it finishes what the warm-up
   * queued; C2 kept a core 60% busy for seconds after it), at most {@code limit}.
   */
  private static void awaitJitQuiet(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long last = jitMillis();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      long now = jitMillis();
      if (now - last < 50) {
        return;
      }
      last = now;
    }
  }

  /** A finished synthetic run of about {@code tokenEvents} token events, an hour old. */
  private SyntheticRun backlog(String prefix, int tokenEvents, long nowUs) {
    int requests = Math.max(1, tokenEvents / settings.meanOutputTokens());
    return new SyntheticRun(
        prefix + UUID.randomUUID(),
        1,
        nowUs - 3_600_000_000L,
        requests,
        0,
        20_000,
        settings.meanOutputTokens(),
        10_000,
        0.01,
        0.0,
        0.0,
        List.of("http://bench-a", "http://bench-b"));
  }

  /** Publishes a run's announcement and records; counts token events and results. */
  private void publish(SyntheticRun run, long nowUs, long[] counts) {
    try (Publisher p = new Publisher(cluster)) {
      p.send(cluster.topics().runs(), run.runId(), run.announcement(RunStatus.STARTED, nowUs));
      run.generate(
          new SyntheticRun.Sink() {
            @Override
            public void tokenEvent(TokenEvent e) {
              p.send(cluster.topics().tokenEvents(), e.getRequestId(), e);
              counts[0]++;
            }

            @Override
            public void result(RequestResult r) {
              p.send(cluster.topics().results(), r.getRequestId(), r);
              counts[1]++;
            }

            @Override
            public void score(Score s) {
              p.send(cluster.topics().scores(), s.getRequestId(), s);
            }
          });
    }
  }

  private MetricsConfig config(String applicationId) {
    return MetricsConfig.builder(cluster)
        .applicationId(applicationId)
        .streamThreads(settings.streamThreads())
        .window(settings.window())
        .grace(settings.grace())
        .httpHost("127.0.0.1")
        .httpPort(0)
        .build();
  }

  /** Commits a new application's starting offsets, so it skips what came before them. */
  private void startAt(String applicationId, Map<TopicPartition, Long> offsets)
      throws InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    try (Admin admin = cluster.admin()) {
      admin.alterConsumerGroupOffsets(applicationId, commit).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "metrics benchmark: cannot set the starting offsets of "
              + applicationId
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  /** CPU nanoseconds of each live thread, by name and id. */
  private static Map<String, Long> threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> cpu = new TreeMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        long ns = threads.getThreadCpuTime(info.getThreadId());
        if (ns >= 0) {
          cpu.put(info.getThreadName() + "#" + info.getThreadId(), ns);
        }
      }
    }
    return cpu;
  }

  private static final Pattern STREAM_THREAD = Pattern.compile("-StreamThread-\\d+#\\d+$");

  private static final Pattern THREAD_ID =
      Pattern.compile("(#\\d+$)|[0-9a-f]{8}-[0-9a-f-]{27}|\\d+");

  private static Map<String, Double> otherCpu(
      Map<String, Long> before, Map<String, Long> after, long processNs, double seconds) {
    Map<String, Long> groups = new HashMap<>();
    long threadsNs = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long ns = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      threadsNs += ns;
      if (!STREAM_THREAD.matcher(e.getKey()).find()) {
        groups.merge(THREAD_ID.matcher(e.getKey()).replaceAll(""), ns, Long::sum);
      }
    }
    groups.merge("JVM", Math.max(0, processNs - threadsNs), Long::sum);
    Map<String, Double> cores = new LinkedHashMap<>();
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> cores.put(e.getKey(), e.getValue() / 1e9 / seconds));
    return cores;
  }

  private List<ThreadLoad> threadLoads(
      MetricsApp app, Map<String, Long> before, Map<String, Long> after, double seconds) {
    String tokenEvents = cluster.topics().tokenEvents();
    List<ThreadLoad> loads = new ArrayList<>();
    for (ThreadMetadata t : app.localThreads()) {
      int tokenTasks = 0;
      int other = 0;
      for (TaskMetadata task : t.activeTasks()) {
        if (task.topicPartitions().stream().anyMatch(tp -> tp.topic().equals(tokenEvents))) {
          tokenTasks++;
        } else {
          other++;
        }
      }
      long ns = 0;
      for (Map.Entry<String, Long> e : after.entrySet()) {
        if (e.getKey().startsWith(t.threadName() + "#")) {
          ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
      }
      loads.add(new ThreadLoad(t.threadName(), ns / 1e9 / seconds, tokenTasks, other));
    }
    loads.sort(Comparator.comparing(ThreadLoad::name));
    return loads;
  }

  private Visibility live(MetricsApp app)
      throws InterruptedException, TimeoutException, IOException {
    long windowUs = settings.window().toNanos() / 1_000L;
    long graceUs = settings.grace().toNanos() / 1_000L;
    long startUs = clock.nowMicros();
    long watchStart = (Math.floorDiv(startUs + 1_000_000L, windowUs) + 1) * windowUs;
    long watchEnd = watchStart + windowUs;
    int meanTokens = Math.min(settings.meanOutputTokens(), 50);
    long intervalUs = Math.max(100, 1_000_000L * meanTokens / settings.liveEventsPerSecond());
    SyntheticRun live =
        new SyntheticRun(
            "bench-live-" + UUID.randomUUID(),
            2,
            startUs,
            Integer.MAX_VALUE / 2,
            0,
            intervalUs,
            meanTokens,
            10_000,
            0.01,
            0.0,
            0.0,
            List.of("http://bench-live"));
    long deadlineUs = watchEnd + graceUs + 60_000_000L;
    HttpClient http = HttpClient.newHttpClient();
    URI metrics = URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics");
    PriorityQueue<Pending> queue = new PriorityQueue<>();
    long published = 0;
    long lastPoll = 0;
    try (Publisher p = new Publisher(cluster)) {
      p.send(cluster.topics().runs(), live.runId(), live.announcement(RunStatus.STARTED, startUs));
      int next = 0;
      while (true) {
        long now = clock.nowMicros();
        if (now > deadlineUs) {
          throw new TimeoutException(
              "metrics benchmark: the window ending at "
                  + watchEnd
                  + " was not on /metrics 60 s after end + grace");
        }
        while (startUs + (long) next * intervalUs <= now) {
          Pending request = new Pending();
          live.generate(request, next, next + 1);
          queue.add(request);
          next++;
        }
        while (!queue.isEmpty() && queue.peek().publishAtUs <= now) {
          for (Object[] r : queue.poll().records) {
            p.send((String) r[0], (String) r[1], (SpecificRecord) r[2]);
            if (r[2] instanceof TokenEvent) {
              published++;
            }
          }
        }
        if (now >= watchEnd && now - lastPoll >= 50_000) {
          lastPoll = now;
          String body =
              http.send(
                      HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                  .body();
          Matcher m = WINDOW_END.matcher(body);
          while (m.find()) {
            if (m.group(1).equals(live.runId())
                && Double.parseDouble(m.group(2)) * 1e6 >= watchEnd - 1) {
              return new Visibility(
                  watchStart,
                  watchEnd,
                  (clock.nowMicros() - watchEnd) / 1e6,
                  (graceUs + 2_000_000L) / 1e6,
                  published);
            }
          }
        }
        Thread.sleep(1);
      }
    }
  }

  /** One request's records, published when its last event has happened (like a worker's commit). */
  private final class Pending implements SyntheticRun.Sink, Comparable<Pending> {
    final List<Object[]> records = new ArrayList<>();
    long publishAtUs = Long.MIN_VALUE;

    @Override
    public void tokenEvent(TokenEvent e) {
      records.add(new Object[] {cluster.topics().tokenEvents(), e.getRequestId(), e});
      publishAtUs = Math.max(publishAtUs, e.getArrivalUs());
    }

    @Override
    public void result(RequestResult r) {
      records.add(new Object[] {cluster.topics().results(), r.getRequestId(), r});
      publishAtUs = Math.max(publishAtUs, r.getCompletedUs());
    }

    @Override
    public void score(Score s) {
      records.add(new Object[] {cluster.topics().scores(), s.getRequestId(), s});
      publishAtUs = Math.max(publishAtUs, s.getScoredUs());
    }

    @Override
    public int compareTo(Pending o) {
      return Long.compare(publishAtUs, o.publishAtUs);
    }
  }

  private Map<TopicPartition, Long> endOffsets(List<String> topics) throws InterruptedException {
    try (Admin admin = cluster.admin()) {
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (topic, description) ->
                  description
                      .partitions()
                      .forEach(
                          p ->
                              specs.put(
                                  new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(specs).all().get().forEach((tp, o) -> out.put(tp, o.offset()));
      return out;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "metrics benchmark: cannot read end offsets: " + e.getCause().getMessage(), e);
    }
  }

  private void awaitCommitted(String group, Map<TopicPartition, Long> end, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = cluster.admin()) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean all = true;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          if (c == null || c.offset() < e.getValue()) {
            all = false;
            break;
          }
        }
        if (all) {
          return;
        }
        Thread.sleep(20);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "metrics benchmark: cannot read committed offsets: " + e.getCause().getMessage(), e);
    }
    throw new TimeoutException(
        "metrics benchmark: the backlog was not committed within " + timeout);
  }

  /**
   * Waits until every partition of the topics the benchmark writes has a leader that answers: a
   * topic created a moment ago refuses appends for a while, and an idempotent producer whose first
   * batch of a partition was refused can stall that partition until its delivery timeout.
   */
  public static void awaitLeaders(ClusterConfig cluster) throws InterruptedException {
    List<String> topics =
        List.of(
            cluster.topics().runs(),
            cluster.topics().tokenEvents(),
            cluster.topics().results(),
            cluster.topics().scores());
    try (Admin admin = cluster.admin()) {
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              specs.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      admin.listOffsets(specs).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "metrics benchmark: the topics' leaders do not answer: " + e.getCause().getMessage(), e);
    }
  }

  /**
   * A fast non-transactional producer of any contract; {@link #close()} fails when a record could
   * not be published, so the figures never count records that are not there.
   */
  private static final class Publisher implements AutoCloseable {
    private final KafkaProducer<String, SpecificRecord> producer;
    private final java.util.concurrent.atomic.AtomicLong failed =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile Exception firstFailure;

    @SuppressWarnings("unchecked")
    Publisher(ClusterConfig cluster) {
      Map<String, Object> config = cluster.producerConfig("streamperf-bench-metrics");
      config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
      AvroSerde<?> serde = AvroSerde.generic();
      serde.configure(cluster.serdeConfig(), false);
      producer =
          new KafkaProducer<>(
              config,
              new StringSerializer(),
              (Serializer<SpecificRecord>) (Serializer<?>) serde.serializer());
    }

    void send(String topic, String key, SpecificRecord value) {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, e) -> {
            if (e != null && failed.getAndIncrement() == 0) {
              firstFailure = e;
            }
          });
    }

    @Override
    public void close() {
      producer.close();
      if (failed.get() > 0) {
        throw new IllegalStateException(
            "metrics benchmark: "
                + failed.get()
                + " records could not be published: "
                + firstFailure.getMessage(),
            firstFailure);
      }
    }
  }
}
