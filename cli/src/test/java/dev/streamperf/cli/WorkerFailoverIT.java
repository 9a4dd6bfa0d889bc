package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.FreePorts;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.topics.TopicCatalog;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.Simulator;
import dev.streamperf.simulator.SimulatorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code streamperf worker} processes on {@code streamperf stack}; one is killed with SIGKILL
 * mid-run. The run still finishes and every request has exactly one counted result: the killed
 * worker's unfinished requests are re-executed by the survivor as attempt 2, and nothing the killed
 * worker left uncommitted becomes visible.
 */
class WorkerFailoverIT {

  private static final int REQUESTS = 300;
  private final List<Process> processes = new ArrayList<>();

  @Test
  void aWorkerKilledMidRunLosesAndDuplicatesNothing(@TempDir Path data) throws Exception {
    try (Simulator simulator =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(10))
                .itl(Duration.ofMillis(25))
                .outputLengths(OutputLengths.fixed(40))
                .build())) {
      int kafkaPort = FreePorts.loopback();
      int registryPort = FreePorts.loopback();
      Process stack =
          start(
              "stack",
              List.of(
                  "--port", Integer.toString(kafkaPort),
                  "--controller-port", Integer.toString(FreePorts.loopback()),
                  "--registry-port", Integer.toString(registryPort),
                  "--data-dir", data.toString(),
                  "--cache-dir", Path.of("target", "apicurio-home").toAbsolutePath().toString(),
                  "--partitions", "4"));
      List<String> stackLines = new CopyOnWriteArrayList<>();
      readUntil(stack, stackLines, "Press Ctrl-C to stop.", Duration.ofSeconds(120));
      String bootstrap = "127.0.0.1:" + kafkaPort;
      String registry = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
      ClusterConfig cluster =
          ClusterConfig.of(bootstrap, registry)
              .withTopics(TopicCatalog.builder().partitions(4).replicationFactor(1).build());

      List<String> workerArgs =
          List.of(
              "--url",
              simulator.baseUrl(),
              "--bootstrap-servers",
              bootstrap,
              "--schema-registry-url",
              registry,
              "--metrics-port",
              "0",
              "-X",
              "session.timeout.ms=6000",
              "-X",
              "heartbeat.interval.ms=500");
      List<String> doomedLines = new CopyOnWriteArrayList<>();
      Process doomed = startWorker("doomed", workerArgs, doomedLines);
      String doomedMetrics =
          doomedLines.stream()
              .filter(l -> l.startsWith("Metrics:"))
              .findFirst()
              .orElseThrow()
              .replaceAll(".*(http://\\S+).*", "$1")
              .replace("0.0.0.0", "127.0.0.1");
      Process survivor = startWorker("survivor", workerArgs, new CopyOnWriteArrayList<>());

      long firstUs = MicrosClock.system().nowMicros() + 2_000_000;
      try (KafkaProducer<String, InferenceRequest> producer =
          new KafkaProducer<>(
              cluster.producerConfig("failover-test"),
              new StringSerializer(),
              cluster.valueSerde(InferenceRequest.class).serializer())) {
        for (int i = 0; i < REQUESTS; i++) {
          InferenceRequest request = request("r-" + i, i, firstUs + i * 20_000L);
          producer.send(
              new ProducerRecord<>(cluster.topics().requests(), request.getSessionId(), request));
        }
        producer.flush();
      }

      // mid-run: the doomed worker has committed results and has streams open
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Map<String, Double> doomedHealth = metrics(doomedMetrics);
      while (doomedHealth.getOrDefault("streamperf_worker_records_produced_total", 0.0) == 0
          || doomedHealth.getOrDefault("streamperf_worker_in_flight", 0.0) < 10) {
        assertThat(System.nanoTime()).as("doomed worker busy and committing").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(100);
        doomedHealth = metrics(doomedMetrics);
      }
      doomed.destroyForcibly(); // SIGKILL: no drain, no commit, no leaving the group
      assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();

      List<RequestResult> results =
          read(cluster, cluster.topics().results(), RequestResult.class, REQUESTS);
      Map<String, Long> perRequest =
          results.stream()
              .collect(Collectors.groupingBy(RequestResult::getRequestId, Collectors.counting()));
      assertThat(perRequest).as("every request has a result").hasSize(REQUESTS);
      assertThat(perRequest.values()).as("and exactly one").containsOnly(1L);
      assertThat(results).allMatch(RequestResult::getSuccess);
      List<RequestResult> retried = results.stream().filter(r -> r.getAttempt() > 1).toList();
      assertThat(retried)
          .as("the killed worker's unfinished requests were re-executed")
          .isNotEmpty()
          .allMatch(r -> r.getWorkerId().equals("survivor") && r.getAttempt() == 2);
      assertThat(results).extracting(RequestResult::getWorkerId).contains("doomed", "survivor");

      int contentEvents = results.stream().mapToInt(RequestResult::getContentEvents).sum();
      List<TokenEvent> events =
          read(cluster, cluster.topics().tokenEvents(), TokenEvent.class, contentEvents);
      Map<String, RequestResult> byId = new HashMap<>();
      results.forEach(r -> byId.put(r.getRequestId(), r));
      assertThat(events).hasSize(contentEvents);
      assertThat(events)
          .as("only the counted attempt's token events are visible")
          .allMatch(e -> e.getAttempt() == byId.get(e.getRequestId()).getAttempt());

      survivor.destroy(); // SIGTERM: drains and exits
      assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).as("survivor drained and exited").isTrue();
      stack.destroy();
      assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  private static InferenceRequest request(String id, long sequence, long intendedUs) {
    ContentPart text =
        ContentPart.newBuilder().setType(PartType.TEXT).setText("Tell me about " + id).build();
    Turn turn =
        Turn.newBuilder()
            .setRequestId(id)
            .setMessages(
                List.of(Message.newBuilder().setRole("user").setParts(List.of(text)).build()))
            .setMaxTokens(40)
            .build();
    return InferenceRequest.newBuilder()
        .setRunId("failover")
        .setSessionId(id)
        .setSequence(sequence)
        .setPhase(Phase.PROFILING)
        .setIntendedSendUs(intendedUs)
        .setPublishedUs(MicrosClock.system().nowMicros())
        .setModel("streamperf-sim")
        .setTurns(List.of(turn))
        .setSampling(SamplingParameters.newBuilder().build())
        .build();
  }

  /** The worker's own metrics, by name without labels. */
  private static Map<String, Double> metrics(String url) throws Exception {
    Map<String, Double> values = new HashMap<>();
    HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body()
        .lines()
        .filter(l -> l.startsWith("streamperf_worker_") && !l.contains("_bucket"))
        .forEach(
            l -> {
              String name = l.substring(0, l.contains("{") ? l.indexOf('{') : l.indexOf(' '));
              values.merge(
                  name, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
            });
    return values;
  }

  private Process startWorker(String id, List<String> common, List<String> lines) throws Exception {
    List<String> args = new ArrayList<>(common);
    args.addAll(List.of("--worker-id", id));
    Process worker = start("worker", args);
    readUntil(worker, lines, "Press Ctrl-C to stop.", Duration.ofSeconds(60));
    assertThat(lines.get(0)).startsWith("Worker " + id + " in group streamperf-workers");
    return worker;
  }

  private Process start(String command, List<String> args) throws Exception {
    List<String> line =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.streamperf.schemas",
                "-jar",
                Path.of("target", "streamperf.jar").toAbsolutePath().toString(),
                command));
    line.addAll(args);
    String name = command + (args.contains("--worker-id") ? "-" + args.get(args.size() - 1) : "");
    Path log = Path.of("target", "failover-" + name + ".log");
    Process process =
        new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    processes.add(process);
    return process;
  }

  private static void readUntil(Process process, List<String> lines, String last, Duration timeout)
      throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread pump =
        new Thread(
            () -> {
              try {
                String l;
                while ((l = reader.readLine()) != null) {
                  lines.add(l);
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    pump.setDaemon(true);
    pump.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!lines.contains(last)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("did not print '" + last + "'; printed " + lines);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static <T extends SpecificRecord> List<T> read(
      ClusterConfig cluster, String topic, Class<T> type, int expected) {
    Map<String, Object> config =
        cluster.consumerConfig("failover-reader-" + UUID.randomUUID(), "failover-reader");
    config.put("enable.auto.commit", false);
    List<T> all = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), cluster.valueSerde(type).deserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (all.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
          all.add(record.value());
        }
      }
      for (int i = 0; i < 5; i++) { // anything beyond the expected count would be a duplicate
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
          all.add(record.value());
        }
      }
    }
    return all;
  }
}
