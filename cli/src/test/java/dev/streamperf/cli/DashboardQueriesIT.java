package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard under {@code grafana/dashboards} returns data from a real
 * pipeline: {@code streamperf profile} runs in this JVM (embedded broker, simulator, metrics,
 * evaluator, two workers) on fixed loopback ports, two scored runs go through the same pipeline
 * (accuracy, and the run comparison's two runs), Prometheus (Debian's package) scrapes the workers,
 * metrics-streams and the simulator every second, and each dashboard's template variables and panel
 * queries are run through Prometheus' HTTP API with the variables set to values Prometheus has.
 * Skips without a {@code prometheus} binary unless {@code CI=true}.
 */
class DashboardQueriesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String MODEL = "sim-vl";
  private static final int BENCHMARK_SECONDS = 40;
  private static final String RUN_A = "dashboards-scored-a";
  private static final String RUN_B = "dashboards-scored-b";
  private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{(\\w+)(?::\\w+)?}|(\\w+))");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(?:(.*),\\s*)?(\\w+)\\s*\\)\\s*$");

  @TempDir Path tmp;

  /** One panel query, and where it is. */
  record Query(
      String dashboard, int panelId, String panel, String refId, String expr, boolean instant) {
    String key() {
      return dashboard + "\n" + panelId + "\n" + refId;
    }

    @Override
    public String toString() {
      return "dashboard '" + dashboard + "', panel '" + panel + "', query " + refId + ": " + expr;
    }
  }

  @Test
  void everyDashboardQueryReturnsSeriesFromARunningPipeline() throws Exception {
    Path prometheus = prometheusBinary();
    int[] workerPorts = consecutiveFreePorts(2);
    int metricsPort = freePort();
    int simulatorPort = freePort();
    int prometheusPort = freePort();

    try (EmbeddedStack stack =
        EmbeddedStack.start(TopicCatalog.builder().replicationFactor(1).partitions(3).build())) {
      ClusterConfig cluster = stack.cluster();
      Profile profile =
          Profile.start(
              "profile",
              "--bootstrap-servers",
              cluster.bootstrapServers(),
              "--schema-registry-url",
              cluster.schemaRegistryUrl(),
              "--partitions",
              "3",
              "--run-id",
              "dashboards-profile",
              "-m",
              MODEL,
              "--streaming",
              "--request-rate",
              "6",
              "--benchmark-duration",
              String.valueOf(BENCHMARK_SECONDS),
              "--isl",
              "32",
              "--osl",
              "12",
              "--image-batch-size",
              "1",
              "--image-width-mean",
              "32",
              "--image-height-mean",
              "32",
              "--window",
              "1",
              "--grace",
              "1",
              "--goodput",
              "time_to_first_token:200",
              "--workers",
              "2",
              "--metrics-host",
              "127.0.0.1",
              "--metrics-port",
              String.valueOf(workerPorts[0]),
              "--http-host",
              "127.0.0.1",
              "--http-port",
              String.valueOf(metricsPort),
              "--sim-host",
              "127.0.0.1",
              "--sim-port",
              String.valueOf(simulatorPort),
              "--sim-fault",
              "http-503=0.05",
              "--sim-fault",
              "reset=0.03",
              "--artifact-dir",
              tmp.resolve("artifacts").toString(),
              "--progress-interval",
              "PT5S");
      Process server = null;
      try {
        // Workers start after the Streams apps are running, so their /metrics answering means the
        // whole pipeline is up and the profile's run is about to be published.
        for (int port : workerPorts) {
          awaitHttp(profile, "http://127.0.0.1:" + port + "/metrics");
        }
        awaitHttp(profile, "http://127.0.0.1:" + metricsPort + "/metrics");
        long pipelineUp = System.nanoTime();

        server =
            startPrometheus(prometheus, workerPorts, metricsPort, simulatorPort, prometheusPort);
        String api = "http://127.0.0.1:" + prometheusPort;
        String simulator = "http://127.0.0.1:" + simulatorPort;
        Set<String> passed = new HashSet<>();
        try (RunHandle a = scoredRun(cluster, RUN_A, simulator);
            RunHandle b = scoredRun(cluster, RUN_B, simulator)) {
          awaitTargetsUp(api, 4, profile);

          // Until the profile's benchmark ends (its Streams apps and workers then stop and their
          // series go stale), retry the queries that have no data yet: windows close once a
          // second, and a window may hold no request of a run. A query passes once it returned a
          // series, queried as Grafana's panel queries it: a range query over what was scraped for
          // a time series panel, an instant query for a stat.
          long deadline = pipelineUp + TimeUnit.SECONDS.toNanos(BENCHMARK_SECONDS - 5);
          long scrapedFrom = System.currentTimeMillis() / 1000;
          Map<String, Query> pending = new LinkedHashMap<>();
          List<String> failures;
          while (true) {
            failures = new ArrayList<>();
            for (Path file : dashboards()) {
              for (Query q : queries(api, file, failures)) {
                if (!passed.contains(q.key())) {
                  pending.put(q.key(), q);
                }
              }
            }
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
              Query q = it.next().getValue();
              if (hasSeries(api, q, scrapedFrom)) {
                it.remove();
                passed.add(q.key());
              }
            }
            if ((pending.isEmpty() && failures.isEmpty())
                || System.nanoTime() > deadline
                || !profile.isAlive()) {
              break;
            }
            Thread.sleep(2000);
          }
          for (Query q : pending.values()) {
            failures.add(q + " returned no series");
          }
          int queries = passed.size() + pending.size();
          System.out.printf(
              "DashboardQueriesIT: %d queries of %d dashboards, %d returned series%n",
              queries, dashboards().size(), passed.size());
          assertThat(failures)
              .as("dashboard queries without data (profile output:%n%s)", profile.output())
              .isEmpty();
          assertThat(queries).isGreaterThan(50);
          a.stop();
          b.stop();
        }
      } finally {
        if (server != null) {
          server.destroy();
          if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
        profile.join();
      }
    }
  }

  // ------------------------------------------------------------------ the pipeline

  /** {@code streamperf profile} on a thread of its own, its output kept. */
  private static final class Profile {
    private final Thread thread;
    private final StringWriter out = new StringWriter();
    private final AtomicInteger exit = new AtomicInteger(-1);

    private Profile(String... args) {
      var cli = StreamperfCommand.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(out, true));
      thread = new Thread(() -> exit.set(cli.execute(args)), "dashboards-profile");
      thread.setDaemon(true);
    }

    static Profile start(String... args) {
      Profile p = new Profile(args);
      p.thread.start();
      return p;
    }

    boolean isAlive() {
      return thread.isAlive();
    }

    String output() {
      synchronized (out.getBuffer()) {
        return out.toString();
      }
    }

    void join() throws InterruptedException {
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as("profile still running: %s", output()).isFalse();
      assertThat(exit.get()).as("profile's exit code; output:%n%s", output()).isZero();
    }
  }

  /**
   * A run whose every request carries a reference answer, so the evaluator scores it (accuracy
   * panels): published by the producer itself, executed by the profile's workers, aggregated by its
   * metrics app.
   */
  private static RunHandle scoredRun(ClusterConfig cluster, String runId, String endpoint) {
    ProducerConfig config =
        ProducerConfig.builder(cluster)
            .runId(runId)
            .model(MODEL)
            .streaming(true)
            .tokenizer(Tokenizers.BUILTIN)
            .load(new LoadSpec.OpenLoop(3, ArrivalPattern.POISSON, null, null, null, null))
            .stop(new StopSpec(null, null, Duration.ofSeconds(20)))
            .endpoints(List.of(endpoint))
            .build();
    return new RunProducer(config, context -> new QuestionSource()).start();
  }

  /**
   * Short questions with an exact-match reference; the simulator's answers score 0 or 1, and every
   * tenth request is refused (HTTP 400).
   */
  private static final class QuestionSource implements SessionSource {
    @Override
    public SessionTemplate session(long sequence) {
      Message question =
          Message.newBuilder()
              .setRole("user")
              .setParts(
                  List.of(
                      ContentPart.newBuilder()
                          .setType(PartType.TEXT)
                          .setText("Question " + sequence + ": answer with one word.")
                          .build()))
              .build();
      Reference reference =
          Reference.newBuilder()
              .setScorer("exact_match")
              .setAnswer("yes")
              .setCategory(sequence % 2 == 0 ? "even" : "odd")
              .setMetadata(Map.of("ignore_case", "true"))
              .build();
      // Every tenth question (the first included) asks for min_tokens above max_tokens, which the
      // simulator refuses with 400 as vLLM does: each run has errors for the Errors panels, where
      // the simulator's random faults (8%) left one of ~60 requests without any about 1% of runs.
      Integer minTokens = sequence % 10 == 0 ? 7 : null;
      TurnTemplate turn =
          new TurnTemplate(List.of(question), List.of(), 6, minTokens, null, null, 0, reference);
      return new SessionTemplate(List.of(turn), null, "dashboards-it:" + sequence);
    }

    @Override
    public OptionalLong size() {
      return OptionalLong.empty();
    }

    @Override
    public String describe() {
      return "scored questions (exact_match)";
    }
  }

  // ------------------------------------------------------------------ Prometheus

  private static Path prometheusBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        "no prometheus on the PATH (apt-get install -y --no-install-recommends prometheus)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(message + "; CI=true needs it");
    }
    Assumptions.abort(message);
    return null;
  }

  private Process startPrometheus(
      Path binary, int[] workerPorts, int metricsPort, int simulatorPort, int port)
      throws IOException {
    StringBuilder workers = new StringBuilder();
    for (int p : workerPorts) {
      workers.append(workers.isEmpty() ? "" : ", ").append("'127.0.0.1:").append(p).append("'");
    }
    // The job names are deploy/prometheus/prometheus.yml's.
    String config =
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  evaluation_interval: 1s",
            "scrape_configs:",
            "  - job_name: streamperf-worker",
            "    static_configs:",
            "      - targets: [" + workers + "]",
            "  - job_name: streamperf-metrics",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + metricsPort + "']",
            "  - job_name: streamperf-simulator",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + simulatorPort + "']",
            "");
    Path file = tmp.resolve("prometheus.yml");
    Files.writeString(file, config);
    Path data = Files.createDirectories(tmp.resolve("prometheus-data"));
    return new ProcessBuilder(
            binary.toString(),
            "--config.file=" + file,
            "--storage.tsdb.path=" + data,
            "--web.listen-address=127.0.0.1:" + port,
            "--log.level=warn")
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("prometheus.log").toFile())
        .start();
  }

  private void awaitTargetsUp(String api, int expected, Profile profile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "";
    while (System.nanoTime() < deadline && profile.isAlive()) {
      try {
        JsonNode targets = get(api + "/api/v1/targets?state=active").path("data");
        int up = 0;
        for (JsonNode t : targets.path("activeTargets")) {
          up += "up".equals(t.path("health").asText()) ? 1 : 0;
        }
        last = targets.toString();
        if (up == expected) {
          return;
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "Prometheus targets not all up: "
            + last
            + "\nprometheus.log:\n"
            + readLog(tmp.resolve("prometheus.log")));
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static boolean hasSeries(String api, Query q, long fromSeconds) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String url =
        q.instant()
            ? api + "/api/v1/query?query=" + encode(q.expr())
            : api
                + "/api/v1/query_range?query="
                + encode(q.expr())
                + "&start="
                + fromSeconds
                + "&end="
                + now
                + "&step=1";
    JsonNode answer = get(url);
    if (!"success".equals(answer.path("status").asText())) {
      throw new AssertionError("Prometheus refused " + q + ": " + answer);
    }
    JsonNode result = answer.path("data").path("result");
    return result.isArray() && !result.isEmpty();
  }

  private static JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ the dashboards

  private static List<Path> dashboards() throws IOException {
    Path dir = Path.of("..", "grafana", "dashboards").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      assertThat(all).as("dashboards in %s", dir).isNotEmpty();
      return all;
    }
  }

  /**
   * The panel queries of a dashboard with its variables set: each query variable's values come from
   * Prometheus ({@code label_values}); a multi-value or "All" variable is set to all of them, as
   * Grafana sends it (a regex alternation); run_a and run_b to the two scored runs. A variable with
   * no values is a failure.
   */
  private static List<Query> queries(String api, Path file, List<String> failures)
      throws Exception {
    JsonNode dashboard = JSON.readTree(file.toFile());
    String title = dashboard.path("title").asText(file.getFileName().toString());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("__rate_interval", "5s");
    values.put("__interval", "2s");
    values.put("__range", "5m");
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String name = variable.path("name").asText();
      JsonNode query = variable.path("query");
      String definition = query.isTextual() ? query.asText() : query.path("query").asText();
      Matcher m = LABEL_VALUES.matcher(definition);
      if (!m.matches()) {
        failures.add("dashboard '" + title + "': variable " + name + " is not label_values(...)");
        continue;
      }
      String label = m.group(2);
      String url = api + "/api/v1/label/" + label + "/values";
      if (m.group(1) != null) {
        url += "?match[]=" + encode(substitute(m.group(1), values));
      }
      TreeSet<String> found = new TreeSet<>();
      get(url).path("data").forEach(v -> found.add(v.asText()));
      if (found.isEmpty()) {
        failures.add(
            "dashboard '" + title + "': variable " + name + " (" + definition + ") has no values");
        continue;
      }
      boolean multi =
          variable.path("multi").asBoolean(false) || variable.path("includeAll").asBoolean(false);
      if (multi) {
        values.put(
            name,
            "(" + String.join("|", found.stream().map(DashboardQueriesIT::regex).toList()) + ")");
      } else {
        String wanted = name.equals("run_a") ? RUN_A : name.equals("run_b") ? RUN_B : found.first();
        if (!found.contains(wanted)) {
          failures.add(
              "dashboard '" + title + "': variable " + name + " lacks " + wanted + ": " + found);
        }
        values.put(name, wanted);
      }
    }
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        String where = panel.path("title").asText();
        try {
          queries.add(
              new Query(
                  title,
                  panel.path("id").asInt(),
                  where,
                  target.path("refId").asText(),
                  substitute(expr, values),
                  target.path("instant").asBoolean(false)));
        } catch (IllegalArgumentException e) {
          failures.add("dashboard '" + title + "', panel '" + where + "': " + e.getMessage());
        }
      }
    }
    return queries;
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  private static String substitute(String expr, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("$" + name + " is not defined in " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A value as Grafana puts it into a regex matcher: regex metacharacters escaped for PromQL. */
  private static String regex(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        out.append("\\\\");
      }
      out.append(c);
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ ports and polling

  private static void awaitHttp(Profile profile, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!profile.isAlive()) {
        throw new AssertionError("profile ended before " + url + " answered:\n" + profile.output());
      }
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(url + " did not answer:\n" + profile.output());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** n free ports in a row (the profile's workers take --metrics-port, +1, ...). */
  private static int[] consecutiveFreePorts(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = freePort();
      int[] ports = new int[n];
      boolean free = true;
      for (int i = 0; i < n && free; i++) {
        ports[i] = first + i;
        try (ServerSocket socket =
            new ServerSocket(first + i, 1, InetAddress.getLoopbackAddress())) {
          free = socket.getLocalPort() == first + i;
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return ports;
      }
    }
    throw new IOException("no " + n + " consecutive free ports");
  }
}
