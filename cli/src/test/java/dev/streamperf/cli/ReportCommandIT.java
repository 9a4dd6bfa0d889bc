package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.metrics.bench.MetricsBenchmark;
import dev.streamperf.metrics.bench.SyntheticRun;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroSerde;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamperf report RUN} on the embedded broker: a small synthetic run's records are
 * published, and the command's table and files carry the numbers computed directly from them.
 */
class ReportCommandIT {

  private static final String RUN = "report-it";
  private static EmbeddedStack stack;
  private static final List<RequestResult> firstResults = new ArrayList<>();

  @BeforeAll
  static void publishARun() throws InterruptedException {
    stack = EmbeddedStack.start(TopicCatalog.builder().partitions(2).replicationFactor(1).build());
    ClusterConfig cluster = stack.cluster();
    MetricsBenchmark.awaitLeaders(cluster);
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.kafka.clients.producer.Callback check =
        (metadata, e) -> {
          if (e != null) {
            failures.add(e);
          }
        };
    long nowUs = System.currentTimeMillis() * 1_000L;
    SyntheticRun run =
        new SyntheticRun(
            RUN,
            11,
            nowUs - 60_000_000L,
            40,
            3,
            100_000,
            6,
            5_000,
            0.1,
            0.1,
            0.5,
            List.of("http://a", "http://b"));
    Set<String> seen = new HashSet<>();
    @SuppressWarnings("unchecked")
    Serializer<SpecificRecord> values =
        (Serializer<SpecificRecord>) (Serializer<?>) AvroSerde.generic().serializer();
    values.configure(cluster.serdeConfig(), false);
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(cluster.producerConfig("report-it"), new StringSerializer(), values)) {
      run.generate(
          new SyntheticRun.Sink() {
            @Override
            public void tokenEvent(TokenEvent e) {
              producer.send(
                  new ProducerRecord<>(cluster.topics().tokenEvents(), e.getRequestId(), e), check);
            }

            @Override
            public void result(RequestResult r) {
              producer.send(
                  new ProducerRecord<>(cluster.topics().results(), r.getRequestId(), r), check);
              if (seen.add(r.getRequestId()) && r.getPhase() == Phase.PROFILING) {
                firstResults.add(r);
              }
            }

            @Override
            public void score(Score s) {
              producer.send(
                  new ProducerRecord<>(cluster.topics().scores(), s.getRequestId(), s), check);
            }
          });
      producer.send(
          new ProducerRecord<>(
              cluster.topics().runs(), RUN, run.announcement(RunStatus.PRODUCED, nowUs)),
          check);
      producer.flush();
    }
    assertThat(failures).as("records that could not be published").isEmpty();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static StreamperfCommandTest.Run report(String... args) {
    CommandLine cli = new CommandLine(new ReportCommand());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          c.getErr().println("report: " + e.getMessage());
          return 1;
        });
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            stack.cluster().bootstrapServers(),
            "--schema-registry-url",
            stack.cluster().schemaRegistryUrl()));
    int code = cli.execute(all.toArray(String[]::new));
    return new StreamperfCommandTest.Run(code, out.toString(), err.toString());
  }

  @Test
  void rebuildsTheTableAndTheFilesWithTheRecordsNumbers(@TempDir Path artifacts) throws Exception {
    StreamperfCommandTest.Run run = report(RUN, "--artifact-dir", artifacts.toString());
    assertThat(run.code()).as(run.err()).isZero();

    List<Double> ttftMs =
        firstResults.stream()
            .filter(RequestResult::getSuccess)
            .map(r -> r.getFirstContentNs() / 1e6)
            .toList();
    double avg = ttftMs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double min = ttftMs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = ttftMs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    long failed = firstResults.stream().filter(r -> !r.getSuccess()).count();

    assertThat(run.out())
        .contains("Time to First Token")
        .contains(String.format(Locale.ROOT, "%,.2f", avg))
        .contains(String.format(Locale.ROOT, "%,.2f", max))
        .contains("report: read");

    Path dir = artifacts.resolve(RUN);
    JsonNode json = new ObjectMapper().readTree(dir.resolve("profile_export.json").toFile());
    assertThat(json.at("/run/run_id").asText()).isEqualTo(RUN);
    JsonNode ttft = metric(json, "time_to_first_token");
    assertThat(ttft.get("count").asLong()).isEqualTo(ttftMs.size());
    assertThat(ttft.get("avg").asDouble()).isCloseTo(avg, within(1e-6));
    assertThat(ttft.get("min").asDouble()).isCloseTo(min, within(1e-9));
    assertThat(ttft.get("max").asDouble()).isCloseTo(max, within(1e-9));
    assertThat(metric(json, "error_request_count").get("avg").asLong()).isEqualTo(failed);
    assertThat(metric(json, "request_count").get("avg").asLong())
        .isEqualTo(firstResults.size() - failed);

    List<String> lines = Files.readAllLines(dir.resolve("records.jsonl"));
    assertThat(lines).hasSize(firstResults.size());
    ObjectMapper mapper = new ObjectMapper();
    double fileAvg =
        lines.stream()
            .map(l -> read(mapper, l).at("/metrics/time_to_first_token"))
            .filter(n -> !n.isMissingNode() && !n.isNull())
            .mapToDouble(JsonNode::asDouble)
            .average()
            .orElseThrow();
    assertThat(fileAvg).isCloseTo(avg, within(1e-6));
    assertThat(Files.readString(dir.resolve("profile_export.csv"))).contains("Time to First Token");
  }

  @Test
  void anUnknownRunFailsAndListsTheRunsThatExist(@TempDir Path artifacts) {
    StreamperfCommandTest.Run run = report("no-such-run", "--artifact-dir", artifacts.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .contains("run 'no-such-run': no RunEvent on streamperf.runs")
        .contains(RUN + " (PRODUCED)");
    assertThat(artifacts.resolve("no-such-run")).doesNotExist();
  }

  private static JsonNode metric(JsonNode json, String tag) {
    for (JsonNode m : json.get("metrics")) {
      if (m.get("tag").asText().equals(tag) && !m.has("labels")) {
        return m;
      }
    }
    throw new AssertionError("no metric " + tag + " in " + json.get("metrics"));
  }

  private static JsonNode read(ObjectMapper mapper, String line) {
    try {
      return mapper.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
