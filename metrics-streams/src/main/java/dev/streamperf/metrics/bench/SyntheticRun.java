package dev.streamperf.metrics.bench;

import dev.streamperf.schemas.ErrorKind;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.RequestResult;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.Score;
import dev.streamperf.schemas.TokenCountSource;
import dev.streamperf.schemas.TokenEvent;
import dev.streamperf.schemas.TokenKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded, reproducible run of records as a worker and evaluator would publish them: for each
 * request its token events (exponential gaps), its result (a share fail, a share are re-executed
 * attempts that also committed), and a score when it carries a reference. For the metrics benchmark
 * and tests; the same seed gives the same records.
 *
 * @param runId run id
 * @param seed random seed
 * @param startUs send time of the first request, epoch µs
 * @param requests profiling requests
 * @param warmup warmup requests (before the profiling ones)
 * @param intervalUs time between sends
 * @param meanOutputTokens mean OSL (one content event per token)
 * @param meanGapUs mean inter-chunk gap
 * @param failureShare share of requests that fail
 * @param duplicateShare share of requests whose result arrives twice
 * @param scoredShare share of successful requests that carry a reference and get a score
 * @param endpoints endpoints the requests go to, round robin
 */
public record SyntheticRun(
    String runId,
    long seed,
    long startUs,
    int requests,
    int warmup,
    long intervalUs,
    int meanOutputTokens,
    long meanGapUs,
    double failureShare,
    double duplicateShare,
    double scoredShare,
    List<String> endpoints) {

  public static final String MODEL = "synthetic/model";

  public SyntheticRun {
    Objects.requireNonNull(runId, "runId");
    if (requests < 0 || warmup < 0 || meanOutputTokens < 1 || endpoints.isEmpty()) {
      throw new IllegalArgumentException("synthetic run: bad shape");
    }
    endpoints = List.copyOf(endpoints);
  }

  /** Where the records go. */
  public interface Sink {
    void tokenEvent(TokenEvent e);

    void result(RequestResult r);

    void score(Score s);
  }

  /** Requests (turns) the producer would announce: warmup plus profiling. */
  public long producedRequests() {
    return (long) requests + warmup;
  }

  /** The run's announcement with the given status. */
  public RunEvent announcement(RunStatus status, long nowUs) {
    return RunEvent.newBuilder()
        .setRunId(runId)
        .setStatus(status)
        .setCreatedUs(startUs - 1_000_000)
        .setUpdatedUs(nowUs)
        .setModel(MODEL)
        .setEndpoints(endpoints)
        .setConfig(
            "{\"synthetic\":true,\"seed\":"
                + seed
                + ",\"requests\":"
                + requests
                + ",\"warmup\":"
                + warmup
                + "}")
        .setProducedSessions(status == RunStatus.STARTED ? 0 : producedRequests())
        .setProducedRequests(status == RunStatus.STARTED ? 0 : producedRequests())
        .setWarmupRequests(status == RunStatus.STARTED ? 0 : warmup)
        .setProducerId("synthetic")
        .build();
  }

  /** Generates every record, request by request, into the sink. */
  public void generate(Sink sink) {
    generate(sink, 0, warmup + requests);
  }

  /**
   * Generates the records of requests {@code from} (inclusive) to {@code to} (exclusive), counted
   * with warmup first; each request's randomness depends only on the seed and its index.
   */
  public void generate(Sink sink, int from, int to) {
    for (int i = from; i < to; i++) {
      request(i, sink);
    }
  }

  private void request(int i, Sink sink) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
    boolean isWarmup = i < warmup;
    String requestId = runId + "/" + i;
    String endpoint = endpoints.get(i % endpoints.size());
    long sentUs = startUs + i * intervalUs;
    long scheduleDelayUs = random.nextInt(2_000);
    boolean fails = random.nextDouble() < failureShare;
    RequestResult.Builder r =
        RequestResult.newBuilder()
            .setRunId(runId)
            .setRequestId(requestId)
            .setSessionId(requestId)
            .setTurnIndex(0)
            .setSequence(i)
            .setAttempt(1)
            .setWorkerId("worker-" + (i % 3))
            .setPhase(isWarmup ? Phase.WARMUP : Phase.PROFILING)
            .setModel(MODEL)
            .setEndpoint(endpoint)
            .setIntendedSendUs(sentUs - scheduleDelayUs)
            .setSentUs(sentUs)
            .setImageCount(random.nextInt(3))
            .setInputTokens(100 + random.nextInt(900))
            .setInputTokensSource(TokenCountSource.SERVER);
    if (fails) {
      ErrorKind kind = ErrorKind.values()[random.nextInt(3)];
      r.setSuccess(false)
          .setErrorKind(kind)
          .setHttpStatus(kind == ErrorKind.HTTP_STATUS ? 503 : null)
          .setErrorMessage("synthetic " + kind)
          .setCompletedUs(sentUs + 50_000);
      sink.result(r.build());
      return;
    }
    int osl = 1 + random.nextInt(2 * meanOutputTokens - 1);
    long ttftNs = 20_000_000L + random.nextLong(180_000_000L);
    long sinceSent = ttftNs;
    long second = -1;
    for (int k = 0; k < osl; k++) {
      long gap = 0;
      if (k > 0) {
        gap = Math.max(1_000L, (long) (-Math.log(1 - random.nextDouble()) * meanGapUs * 1_000));
        sinceSent += gap;
      }
      if (k == 1) {
        second = sinceSent;
      }
      sink.tokenEvent(
          TokenEvent.newBuilder()
              .setRunId(runId)
              .setRequestId(requestId)
              .setSessionId(requestId)
              .setAttempt(1)
              .setWorkerId("worker-" + (i % 3))
              .setPhase(isWarmup ? Phase.WARMUP : Phase.PROFILING)
              .setModel(MODEL)
              .setEndpoint(endpoint)
              .setIndex(k)
              .setKind(TokenKind.CONTENT)
              .setArrivalUs(sentUs + sinceSent / 1_000)
              .setSinceSentNs(sinceSent)
              .setGapNs(k == 0 ? null : gap)
              .setChars(4)
              .build());
    }
    boolean scored = random.nextDouble() < scoredShare;
    r.setSuccess(true)
        .setHeadersNs(ttftNs / 2)
        .setFirstContentNs(ttftNs)
        .setSecondContentNs(second < 0 ? null : second)
        .setLastContentNs(sinceSent)
        .setCompletedNs(sinceSent + 100_000)
        .setCompletedUs(sentUs + sinceSent / 1_000 + 100)
        .setContentEvents(osl)
        .setOutputTokens(osl)
        .setOutputTokensSource(
            random.nextBoolean() ? TokenCountSource.SERVER : TokenCountSource.TOKENIZER)
        .setFinishReason("stop")
        .setReference(
            scored
                ? Reference.newBuilder()
                    .setScorer("multiple_choice")
                    .setAnswer("A")
                    .setCategory("category-" + (i % 4))
                    .setMetadata(Map.of())
                    .build()
                : null);
    RequestResult result = r.build();
    sink.result(result);
    if (random.nextDouble() < duplicateShare) {
      sink.result(RequestResult.newBuilder(result).setAttempt(2).setWorkerId("worker-x").build());
    }
    if (scored) {
      sink.score(
          Score.newBuilder()
              .setRunId(runId)
              .setRequestId(requestId)
              .setSessionId(requestId)
              .setAttempt(1)
              .setPhase(result.getPhase())
              .setModel(MODEL)
              .setEndpoint(endpoint)
              .setScorer("multiple_choice")
              .setValue(random.nextInt(4) == 0 ? 0.0 : 1.0)
              .setParsed(true)
              .setCategory("category-" + (i % 4))
              .setComponents(Map.of())
              .setScoredUs(result.getCompletedUs() + 5_000)
              .build());
    }
  }
}
