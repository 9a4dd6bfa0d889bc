package dev.streamperf.metrics;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built records of one run, with times relative to {@link #T0}. */
public final class TestRecords {

  /** A window-aligned instant, epoch µs. */
  public static final long T0 = 1_700_000_000_000_000L;

  public static final String MODEL = "Qwen/Qwen3-VL-8B-Instruct";
  public static final String ENDPOINT = "http://127.0.0.1:8000";

  private TestRecords() {}

  public static RunEvent announcement(String runId, RunStatus status, long produced, long warmup) {
    return RunEvent.newBuilder()
        .setRunId(runId)
        .setStatus(status)
        .setCreatedUs(T0 - 1_000_000)
        .setUpdatedUs(T0)
        .setModel(MODEL)
        .setEndpoints(List.of(ENDPOINT))
        .setConfig("{\"request_count\":" + produced + ",\"goodput\":\"ttft\"}")
        .setProducedSessions(produced)
        .setProducedRequests(produced)
        .setWarmupRequests(warmup)
        .setProducerId("host-1/42")
        .build();
  }

  /** A successful streamed result; times in ms after send, send in µs after T0. */
  public static RequestResult.Builder success(
      String runId,
      String requestId,
      long sentAfterT0Us,
      double firstMs,
      double secondMs,
      double lastMs,
      int osl,
      int isl) {
    long sentUs = T0 + sentAfterT0Us;
    long lastNs = Math.round(lastMs * 1e6);
    return RequestResult.newBuilder()
        .setRunId(runId)
        .setRequestId(requestId)
        .setSessionId(requestId)
        .setTurnIndex(0)
        .setSequence(0)
        .setAttempt(1)
        .setWorkerId("worker-a")
        .setPhase(Phase.PROFILING)
        .setModel(MODEL)
        .setEndpoint(ENDPOINT)
        .setSuccess(true)
        .setIntendedSendUs(sentUs)
        .setSentUs(sentUs)
        .setHeadersNs(1_000_000L)
        .setFirstContentNs(Math.round(firstMs * 1e6))
        .setSecondContentNs(Math.round(secondMs * 1e6))
        .setLastContentNs(lastNs)
        .setCompletedNs(lastNs + 500_000L)
        .setCompletedUs(sentUs + lastNs / 1_000 + 1_000)
        .setContentEvents(osl)
        .setOutputTokens(osl)
        .setOutputTokensSource(TokenCountSource.SERVER)
        .setInputTokens(isl)
        .setInputTokensSource(TokenCountSource.SERVER)
        .setFinishReason("stop");
  }

  /** A failed result. */
  public static RequestResult.Builder failure(
      String runId, String requestId, long sentAfterT0Us, ErrorKind kind, Integer status) {
    long sentUs = T0 + sentAfterT0Us;
    return RequestResult.newBuilder()
        .setRunId(runId)
        .setRequestId(requestId)
        .setSessionId(requestId)
        .setTurnIndex(0)
        .setSequence(0)
        .setAttempt(1)
        .setWorkerId("worker-a")
        .setPhase(Phase.PROFILING)
        .setModel(MODEL)
        .setEndpoint(ENDPOINT)
        .setSuccess(false)
        .setErrorKind(kind)
        .setHttpStatus(status)
        .setErrorMessage(kind.name())
        .setIntendedSendUs(sentUs)
        .setSentUs(sentUs)
        .setCompletedUs(sentUs + 1_000_000);
  }

  /** Token events of a result whose content events came at these ms after send. */
  public static List<TokenEvent> tokens(RequestResult r, double... atMs) {
    List<TokenEvent> out = new ArrayList<>();
    for (int i = 0; i < atMs.length; i++) {
      long sinceSent = Math.round(atMs[i] * 1e6);
      out.add(
          TokenEvent.newBuilder()
              .setRunId(r.getRunId())
              .setRequestId(r.getRequestId())
              .setSessionId(r.getSessionId())
              .setAttempt(r.getAttempt())
              .setWorkerId(r.getWorkerId())
              .setPhase(r.getPhase())
              .setModel(r.getModel())
              .setEndpoint(r.getEndpoint())
              .setIndex(i)
              .setKind(TokenKind.CONTENT)
              .setArrivalUs(r.getSentUs() + sinceSent / 1_000)
              .setSinceSentNs(sinceSent)
              .setGapNs(i == 0 ? null : sinceSent - Math.round(atMs[i - 1] * 1e6))
              .setChars(4)
              .build());
    }
    return out;
  }

  public static Reference reference(String scorer, String category) {
    return Reference.newBuilder()
        .setScorer(scorer)
        .setAnswer("B")
        .setCategory(category)
        .setMetadata(Map.of())
        .build();
  }

  public static Score score(
      RequestResult r, String scorer, double value, String category, Map<String, Double> parts) {
    return Score.newBuilder()
        .setRunId(r.getRunId())
        .setRequestId(r.getRequestId())
        .setSessionId(r.getSessionId())
        .setAttempt(r.getAttempt())
        .setPhase(r.getPhase())
        .setModel(r.getModel())
        .setEndpoint(r.getEndpoint())
        .setScorer(scorer)
        .setValue(value)
        .setParsed(true)
        .setCategory(category)
        .setComponents(parts)
        .setScoredUs(r.getCompletedUs() + 20_000)
        .build();
  }
}
