package dev.streamperf.metrics.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.http.Json;
import dev.streamperf.metrics.summary.AccuracySummary;
import dev.streamperf.metrics.summary.MetricSummary;
import dev.streamperf.metrics.summary.RunInfo;
import dev.streamperf.metrics.summary.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report files of a run, in one directory (by convention {@code artifacts/<run>/}):
 *
 * <ul>
 *   <li>{@value #JSON}: every statistic of every metric, the run's configuration (RunEvent.config),
 *       counts and their reconciliation, errors by kind, token-count sources, accuracy;
 *   <li>{@value #CSV}: the same statistics as AIPerf's CSV: distributions first, then single
 *       values, then errors;
 *   <li>{@value #RECORDS}: one JSON line per profiling request with its per-request metric values.
 * </ul>
 */
public final class ReportFiles {

  public static final String JSON = "profile_export.json";
  public static final String CSV = "profile_export.csv";
  public static final String RECORDS = "records.jsonl";

  private static final ObjectMapper LINES =
      Json.MAPPER.copy().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private static final String[] STATISTICS = {
    "avg", "min", "max", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "p99.9",
    "std", "count", "sum"
  };

  private ReportFiles() {}

  /** Writes all three files into {@code dir} (created if missing). */
  public static void write(Path dir, RunSummary summary, Iterable<RequestRecord> records) {
    try (RecordsWriter w = records(dir)) {
      records.forEach(w::append);
    }
    writeSummary(dir, summary);
  }

  /** Writes {@value #JSON} and {@value #CSV}. */
  public static void writeSummary(Path dir, RunSummary summary) {
    try {
      Files.createDirectories(dir);
      Json.PRETTY.writeValue(dir.resolve(JSON).toFile(), json(summary));
      Files.writeString(dir.resolve(CSV), csv(summary), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the report into " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@value #RECORDS} in {@code dir} for appending records one by one. */
  public static RecordsWriter records(Path dir) {
    try {
      Files.createDirectories(dir);
      return new RecordsWriter(
          Files.newBufferedWriter(dir.resolve(RECORDS), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + dir.resolve(RECORDS) + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@value #RECORDS} one line at a time. */
  public static final class RecordsWriter implements AutoCloseable {
    private final BufferedWriter out;
    private long lines;

    private RecordsWriter(BufferedWriter out) {
      this.out = out;
    }

    public void append(RequestRecord r) {
      try {
        out.write(LINES.writeValueAsString(r.toJson()));
        out.write('\n');
        lines++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Lines written so far. */
    public long lines() {
      return lines;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The {@value #JSON} document. */
  public static ObjectNode json(RunSummary s) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("schema", "streamperf-profile-export/1");
    RunInfo run = s.run();
    ObjectNode r = root.putObject("run");
    r.put("run_id", s.runId());
    r.put("status", run.status());
    r.put("finished", run.finished());
    r.put("message", run.message());
    r.put("model", run.model());
    ArrayNode eps = r.putArray("endpoints");
    run.endpoints().forEach(eps::add);
    r.put("producer_id", run.producerId());
    r.put("replay_of", run.replayOf());
    r.put("created_us", run.createdUs());
    r.put("finished_us", run.finishedUs());
    root.set("input_config", config(run.config()));
    root.put("goodput", s.goodput());
    root.set("counts", Json.MAPPER.valueToTree(s.counts()));
    root.put("start_us", s.startUs());
    root.put("end_us", s.endUs());
    root.put("duration_seconds", s.durationSeconds());
    ArrayNode metrics = root.putArray("metrics");
    for (MetricSummary m : s.metrics()) {
      metrics.add(metric(m));
    }
    ArrayNode errors = root.putArray("error_summary");
    s.errorsByKind().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> errors.addObject().put("error_kind", e.getKey()).put("count", e.getValue()));
    ObjectNode statuses = root.putObject("errors_by_http_status");
    s.errorsByHttpStatus().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> statuses.put(Integer.toString(e.getKey()), e.getValue()));
    ObjectNode sources = root.putObject("token_count_sources");
    sources.set(
        "output_sequence_length",
        Json.MAPPER.valueToTree(new java.util.TreeMap<>(s.outputTokenSources())));
    sources.set(
        "input_sequence_length",
        Json.MAPPER.valueToTree(new java.util.TreeMap<>(s.inputTokenSources())));
    ArrayNode accuracy = root.putArray("accuracy");
    for (AccuracySummary a : s.accuracy()) {
      accuracy.add((JsonNode) Json.MAPPER.valueToTree(a));
    }
    ArrayNode models = root.putArray("models");
    s.models().forEach(models::add);
    ArrayNode endpoints = root.putArray("endpoints");
    s.endpoints().forEach(endpoints::add);
    return root;
  }

  private static JsonNode config(String config) {
    if (config == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return Json.MAPPER.readTree(config);
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(config);
    }
  }

  private static ObjectNode metric(MetricSummary m) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("tag", m.tag());
    o.put("header", m.header());
    o.put("unit", m.unit());
    if (!m.labels().isEmpty()) {
      o.set("labels", Json.MAPPER.valueToTree(new java.util.TreeMap<>(m.labels())));
    }
    Statistics st = m.stats();
    number(o, "avg", st.avg());
    if (!m.single()) {
      number(o, "min", st.min());
      number(o, "max", st.max());
      st.percentiles().forEach((k, v) -> number(o, k, v));
      number(o, "std", st.std());
    }
    o.put("count", st.count());
    number(o, "sum", st.sum());
    return o;
  }

  private static void number(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }

  /** The {@value #CSV} text. */
  public static String csv(RunSummary s) {
    StringBuilder b = new StringBuilder();
    b.append("Metric,").append(String.join(",", STATISTICS)).append('\n');
    List<MetricSummary> singles = new ArrayList<>();
    for (MetricSummary m : s.metrics()) {
      if (m.single()) {
        singles.add(m);
        continue;
      }
      Statistics st = m.stats();
      b.append(csvCell(name(m)));
      for (String stat : STATISTICS) {
        b.append(',').append(csvValue(st, stat));
      }
      b.append('\n');
    }
    b.append('\n').append("Metric,Value\n");
    for (MetricSummary m : singles) {
      b.append(csvCell(name(m))).append(',').append(Numbers.plain(m.stats().avg())).append('\n');
    }
    b.append('\n').append("Error Kind,Count\n");
    s.errorsByKind().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.append(e.getKey()).append(',').append(e.getValue()).append('\n'));
    return b.toString();
  }

  private static String name(MetricSummary m) {
    if (m.labels().isEmpty()) {
      return m.header();
    }
    return m.header()
        + " ["
        + new java.util.TreeMap<>(m.labels())
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "))
        + "]";
  }

  private static String csvValue(Statistics st, String stat) {
    return switch (stat) {
      case "avg" -> Numbers.plain(st.avg());
      case "min" -> Numbers.plain(st.min());
      case "max" -> Numbers.plain(st.max());
      case "std" -> Numbers.plain(st.std());
      case "count" -> Long.toString(st.count());
      case "sum" -> Numbers.plain(st.sum());
      default -> Numbers.plain(st.percentile(stat));
    };
  }

  private static String csvCell(String text) {
    if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
