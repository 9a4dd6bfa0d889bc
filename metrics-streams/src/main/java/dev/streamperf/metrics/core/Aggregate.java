package dev.streamperf.metrics.core;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenCountSource;
import dev.streamperf.schemas.TokenEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every metric of one scope (a window, a partition's share of a window, or a whole run) of one run,
 * model and endpoint: a {@link Distribution} per per-request and per-chunk metric, the counters the
 * derived metrics come from, errors by kind, token-count sources, and accuracy {@link Tally
 * tallies} per scorer and category. Records are folded in with {@link #addResult}, {@link
 * #addTokenEvent} and {@link #addScore} (warmup is counted for completion and left out of every
 * metric); aggregates merge with {@link #merge} in any order to the same result.
 *
 * <p>This is the one implementation of the metric definitions: the Streams topology folds records
 * into it per partition and merges the partials, and {@code streamperf report} folds a run's
 * records into it directly.
 */
public final class Aggregate {

  /** Label of a token count whose source the worker did not report. */
  public static final String UNREPORTED = "UNREPORTED";

  private static final byte VERSION = 1;

  private final EnumMap<Metric, Distribution> distributions = new EnumMap<>(Metric.class);
  private long records;
  private long profilingResults;
  private long warmupResults;
  private long validRequests;
  private long goodRequests;
  private long duplicateResults;
  private long duplicateScores;
  private long scorableResults;
  private long scores;
  private long tokenEvents;
  private final TreeMap<String, Long> errors = new TreeMap<>();
  private final TreeMap<Integer, Long> httpStatuses = new TreeMap<>();
  private final TreeMap<String, Long> outputTokenSources = new TreeMap<>();
  private final TreeMap<String, Long> inputTokenSources = new TreeMap<>();
  private long minSentNs = Long.MAX_VALUE;
  private long maxLastContentNs = Long.MIN_VALUE;
  private long firstEventUs = Long.MAX_VALUE;
  private long lastEventUs = Long.MIN_VALUE;
  private final TreeMap<String, Tally> scorers = new TreeMap<>();
  private final TreeMap<String, TreeMap<String, Tally>> categories = new TreeMap<>();

  /** Folds in one result (the first one seen for its request id). */
  public void addResult(RequestResult r, GoodputSlos slos) {
    records++;
    event(r.getCompletedUs());
    if (r.getSuccess() && r.getReference() != null) {
      scorableResults++;
    }
    if (r.getPhase() == Phase.WARMUP) {
      warmupResults++;
      return;
    }
    profilingResults++;
    RequestValues values = RequestValues.of(r);
    for (Metric m : counted(r)) {
      if (values.has(m)) {
        mutable(m).record(values.raw(m));
      }
    }
    Long sentUs = r.getSentUs();
    if (sentUs != null) {
      minSentNs = Math.min(minSentNs, sentUs * 1_000L);
    }
    if (!r.getSuccess()) {
      ErrorKind kind = r.getErrorKind() == null ? ErrorKind.OTHER : r.getErrorKind();
      errors.merge(kind.name(), 1L, Long::sum);
      if (r.getHttpStatus() != null) {
        httpStatuses.merge(r.getHttpStatus(), 1L, Long::sum);
      }
      return;
    }
    validRequests++;
    if (sentUs != null && r.getLastContentNs() != null) {
      maxLastContentNs = Math.max(maxLastContentNs, sentUs * 1_000L + r.getLastContentNs());
    }
    outputTokenSources.merge(source(r.getOutputTokensSource()), 1L, Long::sum);
    inputTokenSources.merge(source(r.getInputTokensSource()), 1L, Long::sum);
    if (!slos.isEmpty() && slos.met(values)) {
      goodRequests++;
    }
  }

  private static final List<Metric> LOAD_GENERATOR =
      List.of(Metric.SCHEDULE_DELAY, Metric.CREDIT_GAP);
  private static final List<Metric> PER_REQUEST = Metric.perRequest();

  /**
   * The per-request metrics a profiling result contributes its values to (where it has them): every
   * one for a successful result; only the load generator's own (schedule delay, credit gap) for a
   * failed one, whose latencies describe no complete response.
   */
  public static List<Metric> counted(RequestResult r) {
    if (r.getPhase() == Phase.WARMUP) {
      return List.of();
    }
    return r.getSuccess() ? PER_REQUEST : LOAD_GENERATOR;
  }

  private static String source(TokenCountSource s) {
    return s == null ? UNREPORTED : s.name();
  }

  /** Counts a result whose request id was already counted (a re-executed attempt). */
  public void addDuplicateResult(long eventUs) {
    records++;
    duplicateResults++;
    event(eventUs);
  }

  /** Folds in one token event: its gap is an inter-chunk latency. */
  public void addTokenEvent(TokenEvent e) {
    records++;
    event(e.getArrivalUs());
    if (e.getPhase() == Phase.WARMUP) {
      return;
    }
    tokenEvents++;
    Long gap = e.getGapNs();
    if (gap != null) {
      mutable(Metric.INTER_CHUNK_LATENCY).record(gap);
    }
  }

  /** Folds in one score (the first one seen for its request id). */
  public void addScore(Score s) {
    records++;
    event(s.getScoredUs());
    scores++;
    if (s.getPhase() == Phase.WARMUP) {
      return;
    }
    Map<String, Double> components = s.getComponents();
    scorers
        .computeIfAbsent(s.getScorer(), k -> new Tally())
        .add(s.getValue(), s.getParsed(), components);
    if (s.getCategory() != null) {
      categories
          .computeIfAbsent(s.getScorer(), k -> new TreeMap<>())
          .computeIfAbsent(s.getCategory(), k -> new Tally())
          .add(s.getValue(), s.getParsed(), components);
    }
  }

  /** Counts a score whose request id was already scored. */
  public void addDuplicateScore(long eventUs) {
    records++;
    duplicateScores++;
    event(eventUs);
  }

  private void event(long us) {
    firstEventUs = Math.min(firstEventUs, us);
    lastEventUs = Math.max(lastEventUs, us);
  }

  private Distribution mutable(Metric m) {
    Distribution d = distributions.get(m);
    if (d == null) {
      d = new Distribution(m.unit());
      distributions.put(m, d);
    }
    return d;
  }

  /** Adds another aggregate into this one. */
  public void merge(Aggregate o) {
    o.distributions.forEach((m, d) -> mutable(m).merge(d));
    records += o.records;
    profilingResults += o.profilingResults;
    warmupResults += o.warmupResults;
    validRequests += o.validRequests;
    goodRequests += o.goodRequests;
    duplicateResults += o.duplicateResults;
    duplicateScores += o.duplicateScores;
    scorableResults += o.scorableResults;
    scores += o.scores;
    tokenEvents += o.tokenEvents;
    o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    o.httpStatuses.forEach((k, v) -> httpStatuses.merge(k, v, Long::sum));
    o.outputTokenSources.forEach((k, v) -> outputTokenSources.merge(k, v, Long::sum));
    o.inputTokenSources.forEach((k, v) -> inputTokenSources.merge(k, v, Long::sum));
    minSentNs = Math.min(minSentNs, o.minSentNs);
    maxLastContentNs = Math.max(maxLastContentNs, o.maxLastContentNs);
    firstEventUs = Math.min(firstEventUs, o.firstEventUs);
    lastEventUs = Math.max(lastEventUs, o.lastEventUs);
    o.scorers.forEach((k, t) -> scorers.computeIfAbsent(k, x -> new Tally()).merge(t));
    o.categories.forEach(
        (scorer, byCategory) ->
            byCategory.forEach(
                (category, t) ->
                    categories
                        .computeIfAbsent(scorer, x -> new TreeMap<>())
                        .computeIfAbsent(category, x -> new Tally())
                        .merge(t)));
  }

  /** The distribution of a metric, or null when no value was recorded. */
  public Distribution distribution(Metric m) {
    return distributions.get(m);
  }

  /** Input records folded in (results, duplicates, token events, scores), warmup included. */
  public long records() {
    return records;
  }

  /** Profiling results, successful or not, duplicates not included. */
  public long profilingResults() {
    return profilingResults;
  }

  public long warmupResults() {
    return warmupResults;
  }

  /** Results of every phase, duplicates not included: what run completion counts. */
  public long results() {
    return profilingResults + warmupResults;
  }

  /** Successful profiling results. */
  public long validRequests() {
    return validRequests;
  }

  /** Successful profiling results that met every goodput objective. */
  public long goodRequests() {
    return goodRequests;
  }

  /** Failed profiling results. */
  public long errorRequests() {
    return profilingResults - validRequests;
  }

  public long duplicateResults() {
    return duplicateResults;
  }

  public long duplicateScores() {
    return duplicateScores;
  }

  /** Successful results (every phase) that carry a reference: the scores to expect. */
  public long scorableResults() {
    return scorableResults;
  }

  /** Scores of every phase, duplicates not included. */
  public long scores() {
    return scores;
  }

  /** Profiling content events. */
  public long tokenEvents() {
    return tokenEvents;
  }

  /** Failed profiling results by {@code ErrorKind} name. */
  public SortedMap<String, Long> errors() {
    return Collections.unmodifiableSortedMap(errors);
  }

  /** Failed profiling results by HTTP status, where one arrived. */
  public SortedMap<Integer, Long> httpStatuses() {
    return Collections.unmodifiableSortedMap(httpStatuses);
  }

  /** Valid requests by where their OSL came from: SERVER, TOKENIZER, UNREPORTED. */
  public SortedMap<String, Long> outputTokenSources() {
    return Collections.unmodifiableSortedMap(outputTokenSources);
  }

  /** Valid requests by where their ISL came from. */
  public SortedMap<String, Long> inputTokenSources() {
    return Collections.unmodifiableSortedMap(inputTokenSources);
  }

  /** min(sent) over profiling results, epoch nanoseconds; Long.MAX_VALUE when none. */
  public long minSentNs() {
    return minSentNs;
  }

  /** max(c[last]) over valid requests, epoch nanoseconds; Long.MIN_VALUE when none. */
  public long maxLastContentNs() {
    return maxLastContentNs;
  }

  /** The run's benchmark duration {@code max(c[last]) − min(sent)} in ns; 0 when undefined. */
  public long durationNs() {
    return minSentNs == Long.MAX_VALUE || maxLastContentNs == Long.MIN_VALUE
        ? 0
        : Math.max(0, maxLastContentNs - minSentNs);
  }

  /** Earliest event time folded in, epoch µs; Long.MAX_VALUE when empty. */
  public long firstEventUs() {
    return firstEventUs;
  }

  /** Latest event time folded in, epoch µs; Long.MIN_VALUE when empty. */
  public long lastEventUs() {
    return lastEventUs;
  }

  /** Tallies of profiling scores per scorer. */
  public SortedMap<String, Tally> scorers() {
    return Collections.unmodifiableSortedMap(scorers);
  }

  /** Tallies of profiling scores per scorer, then per category. */
  public SortedMap<String, SortedMap<String, Tally>> categories() {
    SortedMap<String, SortedMap<String, Tally>> out = new TreeMap<>();
    categories.forEach((k, v) -> out.put(k, Collections.unmodifiableSortedMap(v)));
    return Collections.unmodifiableSortedMap(out);
  }

  /** Whether nothing was folded in. */
  public boolean isEmpty() {
    return records == 0;
  }

  /** The serialized form (internal topics and changelogs). */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads {@link #toBytes()}. */
  public static Aggregate fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      return readFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt aggregate: " + e.getMessage(), e);
    }
  }

  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(VERSION);
    out.writeInt(distributions.size());
    for (Map.Entry<Metric, Distribution> e : distributions.entrySet()) {
      out.writeUTF(e.getKey().tag());
      e.getValue().writeTo(out);
    }
    for (long v :
        new long[] {
          records,
          profilingResults,
          warmupResults,
          validRequests,
          goodRequests,
          duplicateResults,
          duplicateScores,
          scorableResults,
          scores,
          tokenEvents,
          minSentNs,
          maxLastContentNs,
          firstEventUs,
          lastEventUs
        }) {
      out.writeLong(v);
    }
    writeCounts(out, errors);
    out.writeInt(httpStatuses.size());
    for (Map.Entry<Integer, Long> e : httpStatuses.entrySet()) {
      out.writeInt(e.getKey());
      out.writeLong(e.getValue());
    }
    writeCounts(out, outputTokenSources);
    writeCounts(out, inputTokenSources);
    out.writeInt(scorers.size());
    for (Map.Entry<String, Tally> e : scorers.entrySet()) {
      out.writeUTF(e.getKey());
      e.getValue().writeTo(out);
    }
    out.writeInt(categories.size());
    for (Map.Entry<String, TreeMap<String, Tally>> e : categories.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().size());
      for (Map.Entry<String, Tally> c : e.getValue().entrySet()) {
        out.writeUTF(c.getKey());
        c.getValue().writeTo(out);
      }
    }
  }

  public static Aggregate readFrom(DataInput in) throws IOException {
    byte version = in.readByte();
    if (version != VERSION) {
      throw new IOException("aggregate version " + version + " (expected: " + VERSION + ")");
    }
    Aggregate a = new Aggregate();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String tag = in.readUTF();
      Metric m =
          Metric.byTag(tag).orElseThrow(() -> new IOException("unknown metric '" + tag + "'"));
      a.distributions.put(m, Distribution.readFrom(in, m.unit()));
    }
    a.records = in.readLong();
    a.profilingResults = in.readLong();
    a.warmupResults = in.readLong();
    a.validRequests = in.readLong();
    a.goodRequests = in.readLong();
    a.duplicateResults = in.readLong();
    a.duplicateScores = in.readLong();
    a.scorableResults = in.readLong();
    a.scores = in.readLong();
    a.tokenEvents = in.readLong();
    a.minSentNs = in.readLong();
    a.maxLastContentNs = in.readLong();
    a.firstEventUs = in.readLong();
    a.lastEventUs = in.readLong();
    readCounts(in, a.errors);
    int statuses = in.readInt();
    for (int i = 0; i < statuses; i++) {
      a.httpStatuses.put(in.readInt(), in.readLong());
    }
    readCounts(in, a.outputTokenSources);
    readCounts(in, a.inputTokenSources);
    int s = in.readInt();
    for (int i = 0; i < s; i++) {
      a.scorers.put(in.readUTF(), Tally.readFrom(in));
    }
    int c = in.readInt();
    for (int i = 0; i < c; i++) {
      String scorer = in.readUTF();
      int k = in.readInt();
      TreeMap<String, Tally> byCategory = new TreeMap<>();
      for (int j = 0; j < k; j++) {
        byCategory.put(in.readUTF(), Tally.readFrom(in));
      }
      a.categories.put(scorer, byCategory);
    }
    return a;
  }

  private static void writeCounts(DataOutput out, Map<String, Long> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static void readCounts(DataInput in, Map<String, Long> counts) throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      counts.put(in.readUTF(), in.readLong());
    }
  }

  /** A deep copy. */
  public Aggregate copy() {
    Aggregate a = new Aggregate();
    a.merge(this);
    return a;
  }
}
