package dev.streamperf.metrics.report;

import dev.streamperf.metrics.core.Metric;
import dev.streamperf.metrics.core.Statistics;
import dev.streamperf.metrics.summary.AccuracySummary;
import dev.streamperf.metrics.summary.Counts;
import dev.streamperf.metrics.summary.MetricSummary;
import dev.streamperf.metrics.summary.RunSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The console report, like AIPerf's: a table of the metrics (same names and units; columns avg,
 * min, max, p99, p90, p50, std; single values in avg), then errors by kind, the load generator's
 * own health (schedule delay, credit gap), accuracy, where token counts came from, and whether the
 * counts reconcile.
 */
public final class ConsoleReport {

  private static final List<Metric> TABLE =
      List.of(
          Metric.TIME_TO_FIRST_TOKEN,
          Metric.TIME_TO_SECOND_TOKEN,
          Metric.REQUEST_LATENCY,
          Metric.INTER_TOKEN_LATENCY,
          Metric.INTER_CHUNK_LATENCY,
          Metric.OUTPUT_TOKEN_THROUGHPUT_PER_USER,
          Metric.OUTPUT_SEQUENCE_LENGTH,
          Metric.INPUT_SEQUENCE_LENGTH,
          Metric.IMAGE_THROUGHPUT,
          Metric.IMAGE_LATENCY,
          Metric.QUEUE_INCLUSIVE_LATENCY,
          Metric.OUTPUT_TOKEN_THROUGHPUT,
          Metric.REQUEST_THROUGHPUT,
          Metric.GOODPUT,
          Metric.REQUEST_COUNT,
          Metric.ERROR_REQUEST_COUNT,
          Metric.BENCHMARK_DURATION);

  private static final String[] COLUMNS = {"avg", "min", "max", "p99", "p90", "p50", "std"};

  private ConsoleReport() {}

  /** Renders the report as text. */
  public static String render(RunSummary s) {
    java.io.StringWriter text = new java.io.StringWriter();
    render(s, new PrintWriter(text));
    return text.toString();
  }

  /** Writes the report and flushes. */
  public static void render(RunSummary s, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    for (Metric m : TABLE) {
      s.metric(m).ifPresent(ms -> rows.add(row(ms)));
    }
    out.println();
    table("streamperf | LLM Metrics | run " + s.runId(), rows, out);
    errors(s, out);
    loadGenerator(s, out);
    accuracy(s, out);
    tokens(s, out);
    counts(s, out);
    out.flush();
  }

  private static String[] row(MetricSummary m) {
    Statistics st = m.stats();
    if (m.single()) {
      return new String[] {
        m.header(), Numbers.grouped(st.avg()), "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"
      };
    }
    return new String[] {
      m.header(),
      Numbers.grouped(st.avg()),
      Numbers.grouped(st.min()),
      Numbers.grouped(st.max()),
      Numbers.grouped(st.percentile("p99")),
      Numbers.grouped(st.percentile("p90")),
      Numbers.grouped(st.percentile("p50")),
      Numbers.grouped(st.std())
    };
  }

  private static void table(String title, List<String[]> rows, PrintWriter out) {
    int[] width = new int[COLUMNS.length + 1];
    width[0] = "Metric".length();
    for (int i = 0; i < COLUMNS.length; i++) {
      width[i + 1] = COLUMNS[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    int total = 1;
    for (int w : width) {
      total += w + 3;
    }
    int pad = Math.max(0, (total - title.length()) / 2);
    out.println(" ".repeat(pad) + title);
    out.println(border('┏', '━', '┳', '┓', width));
    String[] header = new String[width.length];
    header[0] = "Metric";
    System.arraycopy(COLUMNS, 0, header, 1, COLUMNS.length);
    out.println(line('┃', header, width));
    out.println(border('┡', '━', '╇', '┩', width));
    for (String[] r : rows) {
      out.println(line('│', r, width));
    }
    out.println(border('└', '─', '┴', '┘', width));
  }

  private static String border(char left, char fill, char cross, char right, int[] width) {
    StringBuilder b = new StringBuilder().append(left);
    for (int i = 0; i < width.length; i++) {
      b.append(String.valueOf(fill).repeat(width[i] + 2));
      b.append(i == width.length - 1 ? right : cross);
    }
    return b.toString();
  }

  private static String line(char bar, String[] cells, int[] width) {
    StringBuilder b = new StringBuilder().append(bar);
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      String padding = " ".repeat(width[i] - c.length());
      b.append(' ').append(i == 0 ? c + padding : padding + c).append(' ').append(bar);
    }
    return b.toString();
  }

  private static void errors(RunSummary s, PrintWriter out) {
    out.println();
    if (s.errorsByKind().isEmpty()) {
      out.println("Errors: none");
      return;
    }
    long total = s.errorsByKind().values().stream().mapToLong(Long::longValue).sum();
    out.println(
        "Errors: "
            + total
            + " ("
            + sorted(s.errorsByKind(), k -> k)
            + ")"
            + (s.errorsByHttpStatus().isEmpty()
                ? ""
                : "; by HTTP status: " + sorted(s.errorsByHttpStatus(), k -> "HTTP " + k)));
  }

  private static <K extends Comparable<K>> String sorted(Map<K, Long> m, Function<K, String> name) {
    return m.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> name.apply(e.getKey()) + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void loadGenerator(RunSummary s, PrintWriter out) {
    out.println("Load generator:");
    out.println("  " + health(s, Metric.SCHEDULE_DELAY, "open loop only: sent minus intended"));
    out.println(
        "  " + health(s, Metric.CREDIT_GAP, "closed loop only: next send minus completion"));
  }

  private static String health(RunSummary s, Metric m, String what) {
    return s.metric(m)
        .map(
            ms -> {
              Statistics st = ms.stats();
              return String.format(
                  java.util.Locale.ROOT,
                  "%s: avg %s, p50 %s, p99 %s, max %s ms over %d requests",
                  m.header(),
                  Numbers.grouped(st.avg()),
                  Numbers.grouped(st.percentile("p50")),
                  Numbers.grouped(st.percentile("p99")),
                  Numbers.grouped(st.max()),
                  st.count());
            })
        .orElse(m.header() + ": none (" + what + ")");
  }

  private static void accuracy(RunSummary s, PrintWriter out) {
    if (s.accuracy().isEmpty()) {
      return;
    }
    out.println("Accuracy:");
    for (AccuracySummary a : s.accuracy()) {
      StringBuilder b = new StringBuilder("  ").append(a.scorer());
      if (a.category() != null) {
        b.append(" / ").append(a.category());
      }
      b.append(": ").append(Numbers.ratio(a.accuracy())).append(" mean score");
      if (a.hierarchicalF1() != null) {
        b.append(", micro F1 ")
            .append(Numbers.ratio(a.hierarchicalF1()))
            .append(" (P ")
            .append(Numbers.ratio(a.hierarchicalPrecision()))
            .append(", R ")
            .append(Numbers.ratio(a.hierarchicalRecall()))
            .append(')');
      }
      if (a.brandAccuracy() != null) {
        b.append(", brand ").append(Numbers.ratio(a.brandAccuracy()));
      }
      if (a.secondhandF1() != null) {
        b.append(", is_secondhand F1 ").append(Numbers.ratio(a.secondhandF1()));
      }
      b.append(" over ").append(a.count()).append(" scores, ").append(a.parsed()).append(" parsed");
      out.println(b);
    }
  }

  private static void tokens(RunSummary s, PrintWriter out) {
    if (s.outputTokenSources().isEmpty()) {
      return;
    }
    out.println(
        "Token counts: output from "
            + sorted(s.outputTokenSources(), k -> k.toLowerCase(java.util.Locale.ROOT))
            + "; input from "
            + sorted(s.inputTokenSources(), k -> k.toLowerCase(java.util.Locale.ROOT)));
  }

  private static void counts(RunSummary s, PrintWriter out) {
    Counts c = s.counts();
    StringBuilder b =
        new StringBuilder("Counts: ")
            .append(c.reconciliation())
            .append(c.reconciled() ? " (reconciled)" : " (NOT reconciled)");
    if (c.duplicateResults() > 0) {
      b.append("; ").append(c.duplicateResults()).append(" duplicate results counted once");
    }
    if (c.lateRecords() > 0) {
      b.append("; ")
          .append(c.lateRecords())
          .append(" late records (in the totals, not their window)");
    }
    if (c.scorableResults() > 0 || c.scores() > 0) {
      b.append("; ")
          .append(c.scores())
          .append(" scores of ")
          .append(c.scorableResults())
          .append(" scorable results");
    }
    out.println(b);
    out.println(
        "Run "
            + s.runId()
            + ": "
            + s.run().status()
            + (s.run().message() == null ? "" : " (" + s.run().message() + ")")
            + (s.goodput() == null ? "" : "; goodput objectives " + s.goodput()));
  }
}
