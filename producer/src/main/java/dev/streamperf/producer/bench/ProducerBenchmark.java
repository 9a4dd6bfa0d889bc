package dev.streamperf.producer.bench;

import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The producer's performance checks, each a real run against a real cluster: publication
 * throughput, the Poisson schedule read back from the requests topic, the achieved rate as a worker
 * would see it, and the closed-loop credit gap against the {@link ZeroLatencyResponder} baseline.
 */
public final class ProducerBenchmark {

  /** Publication throughput of synthetic text sessions. */
  public record Throughput(long sessions, double seconds, double perSecond, int inputTokens) {}

  /** Kolmogorov–Smirnov test of the inter-arrival times read back. */
  public record PoissonCheck(double rate, KolmogorovSmirnov.Result ks) {}

  /**
   * The rate a worker would achieve: requests read back from the topic as they arrive, each sent at
   * its intended time or on arrival if later, counted over the window.
   */
  public record RateCheck(
      double target,
      double seconds,
      long sent,
      double achieved,
      long lateArrivals,
      long maxLateUs) {
    public double errorPercent() {
      return 100 * (achieved - target) / target;
    }
  }

  /**
   * Credit gaps: send of a replacement session minus completion of the one it replaced, and its two
   * legs: completion to the producer's publication (the result's way back and the producer's loop),
   * and publication to receipt (the request's commit and fetch).
   */
  public record CreditGap(
      IsolationLevel isolation,
      int concurrency,
      long samples,
      long[] sortedMicros,
      long[] sortedToPublishMicros,
      long[] sortedToReceiptMicros) {
    public double percentileMs(double p) {
      return percentileMs(sortedMicros, p);
    }

    public double toPublishMs(double p) {
      return percentileMs(sortedToPublishMicros, p);
    }

    public double toReceiptMs(double p) {
      return percentileMs(sortedToReceiptMicros, p);
    }

    private static double percentileMs(long[] sorted, double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1000.0;
    }
  }

  private final ClusterConfig cluster;
  private final Consumer<String> log;
  private int runs;

  public ProducerBenchmark(ClusterConfig cluster, Consumer<String> log) {
    this.cluster = cluster;
    this.log = log;
  }

  private ProducerConfig.Builder base(String what) {
    return ProducerConfig.builder(cluster)
        .runId("bench-producer-" + what + "-" + ProcessHandle.current().pid() + "-" + (++runs))
        .model("bench-model")
        .tokenizer("builtin")
        .randomSeed(42L);
  }

  /**
   * Publishes {@code sessions} synthetic text sessions (AIPerf's default 550-token prompts) as fast
   * as the open loop allows.
   */
  public Throughput throughput(long sessions) throws InterruptedException {
    ProducerConfig config =
        base("throughput")
            .load(new LoadSpec.OpenLoop(1e9, ArrivalPattern.CONSTANT, null, null, null, null))
            .lead(Duration.ZERO)
            .stop(new StopSpec(sessions, null, null))
            .build();
    try (RunHandle run = new RunProducer(config).start()) {
      long start = System.nanoTime();
      while (run.progress().producedSessions() == 0 && !run.isDone()) {
        Thread.onSpinWait();
      }
      start = System.nanoTime();
      ProducerProgress done = run.await();
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Throughput(
          done.producedSessions(),
          seconds,
          done.producedSessions() / seconds,
          config.prompts().inputTokensMean());
    }
  }

  /** Publishes {@code gaps + 1} Poisson arrivals and tests the gaps read back from the topic. */
  public PoissonCheck poisson(double rate, int gaps) throws InterruptedException {
    ProducerConfig config =
        base("poisson")
            .load(new LoadSpec.OpenLoop(rate, ArrivalPattern.POISSON, null, null, null, null))
            .stop(new StopSpec((long) gaps + 1, null, null))
            .prompts(
                new dev.streamperf.producer.spec.PromptSpec(16, 0, null, 0, 0, 0, null, null, 100))
            .build();
    String runId;
    try (RunHandle run = new RunProducer(config).start()) {
      runId = run.runId();
      run.await();
    }
    List<InferenceRequest> requests = readRun(runId, gaps + 1, Duration.ofSeconds(60));
    requests.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
    double[] sample = new double[requests.size() - 1];
    for (int i = 1; i < requests.size(); i++) {
      sample[i - 1] =
          (requests.get(i).getIntendedSendUs() - requests.get(i - 1).getIntendedSendUs()) / 1e6;
    }
    return new PoissonCheck(
        rate, KolmogorovSmirnov.test(sample, KolmogorovSmirnov.exponential(rate)));
  }

  /** Runs a constant-rate open loop for {@code window} and reads it back as a worker would. */
  public RateCheck rate(double rate, Duration window) throws InterruptedException {
    ProducerConfig config =
        base("rate")
            .load(new LoadSpec.OpenLoop(rate, ArrivalPattern.CONSTANT, null, null, null, null))
            .stop(new StopSpec(null, null, window))
            .prompts(
                new dev.streamperf.producer.spec.PromptSpec(64, 0, null, 0, 0, 0, null, null, 100))
            .build();
    MicrosClock clock = MicrosClock.system();
    List<long[]> seen = new ArrayList<>();
    AtomicBoolean reading = new AtomicBoolean(true);
    String[] runId = new String[1];
    Map<String, Object> consumerConfig =
        cluster.consumerConfig(
            "bench-rate-" + ProcessHandle.current().pid() + "-" + runs, "bench-rate");
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    AvroDeserializer<InferenceRequest> values = new AvroDeserializer<>(InferenceRequest.class);
    values.configure(cluster.serdeConfig(), false);
    KafkaConsumer<String, InferenceRequest> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), values);
    consumer.subscribe(List.of(cluster.topics().requests()));
    while (consumer.assignment().isEmpty()) {
      consumer.poll(Duration.ofMillis(50));
    }
    Thread reader =
        new Thread(
            () -> {
              while (reading.get()) {
                for (ConsumerRecord<String, InferenceRequest> record :
                    consumer.poll(Duration.ofMillis(50))) {
                  long now = clock.nowMicros();
                  InferenceRequest r = record.value();
                  if (runId[0] != null && runId[0].equals(r.getRunId())) {
                    seen.add(new long[] {r.getIntendedSendUs(), now});
                  }
                }
              }
              consumer.close();
            },
            "bench-rate-reader");
    long anchorUs;
    try (RunHandle run = new RunProducer(config).start()) {
      runId[0] = run.runId();
      reader.start();
      run.await();
    }
    Thread.sleep(1000);
    reading.set(false);
    reader.join();
    long first = Long.MAX_VALUE;
    for (long[] s : seen) {
      first = Math.min(first, s[0]);
    }
    anchorUs = first;
    long windowUs = window.toNanos() / 1000;
    long sent = 0;
    long late = 0;
    long maxLate = 0;
    for (long[] s : seen) {
      long effective = Math.max(s[0], s[1]);
      if (s[1] > s[0]) {
        late++;
        maxLate = Math.max(maxLate, s[1] - s[0]);
      }
      if (effective >= anchorUs && effective < anchorUs + windowUs) {
        sent++;
      }
    }
    double seconds = windowUs / 1e6;
    return new RateCheck(rate, seconds, sent, sent / seconds, late, maxLate);
  }

  /**
   * A closed loop of {@code concurrency} against the zero-latency responder, {@code credits}
   * replacements measured.
   */
  public CreditGap creditGap(int concurrency, int credits, IsolationLevel isolation)
      throws InterruptedException {
    int warmup = Math.min(500, credits / 5);
    long total = credits + warmup + concurrency;
    ProducerConfig config =
        base("credits")
            .load(new LoadSpec.ClosedLoop(concurrency, null))
            .resultsIsolation(isolation)
            .stop(new StopSpec(total, null, null))
            .prompts(
                new dev.streamperf.producer.spec.PromptSpec(32, 0, null, 0, 0, 0, null, null, 100))
            .build();
    long[] gaps = new long[(int) total];
    long[] toPublish = new long[(int) total];
    long[] toReceipt = new long[(int) total];
    int[] n = new int[1];
    String[] runId = new String[1];
    Set<String> seen = new HashSet<>();
    try (ZeroLatencyResponder responder =
        new ZeroLatencyResponder(
            cluster,
            MicrosClock.system(),
            received -> {
              InferenceRequest r = received.request();
              if (runId[0] == null
                  || !runId[0].equals(r.getRunId())
                  || r.getCreditReleasedUs() == null) {
                return;
              }
              if (seen.add(r.getSessionId())
                  && r.getSequence() >= concurrency + warmup
                  && n[0] < gaps.length) {
                gaps[n[0]] = received.receivedUs() - r.getCreditReleasedUs();
                toPublish[n[0]] = r.getPublishedUs() - r.getCreditReleasedUs();
                toReceipt[n[0]] = received.receivedUs() - r.getPublishedUs();
                n[0]++;
              }
            })) {
      responder.awaitAssignment(Duration.ofSeconds(30));
      try (RunHandle run = new RunProducer(config).start()) {
        runId[0] = run.runId();
        ProducerProgress done = run.await(Duration.ofMinutes(5));
        if (done == null) {
          throw new IllegalStateException("credit-gap run did not finish in 5 minutes");
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (responder.answered() < total && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    log.accept("credit gap samples: " + n[0]);
    return new CreditGap(
        isolation,
        concurrency,
        n[0],
        sorted(gaps, n[0]),
        sorted(toPublish, n[0]),
        sorted(toReceipt, n[0]));
  }

  private static long[] sorted(long[] values, int count) {
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted;
  }

  private List<InferenceRequest> readRun(String runId, int expected, Duration timeout) {
    Map<String, Object> config = cluster.consumerConfig(null, "bench-reader");
    AvroDeserializer<InferenceRequest> values = new AvroDeserializer<>(InferenceRequest.class);
    values.configure(cluster.serdeConfig(), false);
    List<InferenceRequest> out = new ArrayList<>();
    try (KafkaConsumer<String, InferenceRequest> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      String topic = cluster.topics().requests();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, InferenceRequest> record :
            consumer.poll(Duration.ofMillis(200))) {
          if (runId.equals(record.value().getRunId())) {
            out.add(record.value());
          }
        }
      }
    }
    if (out.size() < expected) {
      throw new IllegalStateException(
          "read back " + out.size() + " of " + expected + " requests of " + runId);
    }
    return out;
  }
}
