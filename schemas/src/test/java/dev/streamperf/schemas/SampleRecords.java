package dev.streamperf.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every contract, every optional field set, for round trips. */
public final class SampleRecords {

  private SampleRecords() {}

  public static Reference reference() {
    return Reference.newBuilder()
        .setScorer("multiple_choice")
        .setAnswer("B")
        .setCategory("coarse perception")
        .setMetadata(Map.of("A", "a cat", "B", "a dog"))
        .build();
  }

  public static InferenceRequest inferenceRequest() {
    ContentPart text =
        ContentPart.newBuilder().setType(PartType.TEXT).setText("What is shown?").build();
    ContentPart image =
        ContentPart.newBuilder()
            .setType(PartType.IMAGE)
            .setMediaSha256("ab".repeat(32))
            .setMimeType("image/png")
            .setWidth(640)
            .setHeight(480)
            .setSizeBytes(12_345L)
            .build();
    ContentPart audio =
        ContentPart.newBuilder()
            .setType(PartType.AUDIO)
            .setUrl("https://example.com/a.wav")
            .setMimeType("audio/wav")
            .setDurationMs(1_500L)
            .build();
    Turn turn =
        Turn.newBuilder()
            .setRequestId("run-1/s-7/0")
            .setDelayMs(250)
            .setMessages(
                List.of(
                    Message.newBuilder().setRole("system").setParts(List.of(text)).build(),
                    Message.newBuilder()
                        .setRole("user")
                        .setParts(List.of(text, image, audio))
                        .build()))
            .setMaxTokens(128)
            .setMinTokens(128)
            .setIgnoreEos(true)
            .setInputTokens(42)
            .setReference(reference())
            .build();
    return InferenceRequest.newBuilder()
        .setRunId("run-1")
        .setSessionId("s-7")
        .setSequence(7)
        .setPhase(Phase.WARMUP)
        .setIntendedSendUs(1_700_000_000_000_000L)
        .setCreditReleasedUs(1_699_999_999_000_000L)
        .setPublishedUs(1_699_999_999_500_000L)
        .setModel("Qwen/Qwen3-VL-8B-Instruct")
        .setStream(true)
        .setTurns(List.of(turn, Turn.newBuilder(turn).setRequestId("run-1/s-7/1").build()))
        .setSampling(
            SamplingParameters.newBuilder()
                .setTemperature(0.0)
                .setTopP(0.9)
                .setTopK(20)
                .setSeed(42L)
                .setStop(List.of("</s>"))
                .build())
        .setExtraBody("{\"cache_prompt\":false}")
        .setSource("inputs.jsonl:3")
        .build();
  }

  public static MediaBlob mediaBlob() {
    return MediaBlob.newBuilder()
        .setSha256("cd".repeat(32))
        .setType(PartType.AUDIO)
        .setMimeType("audio/wav")
        .setFormat("wav")
        .setData(ByteBuffer.wrap("RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
        .setWidth(null)
        .setHeight(null)
        .setDurationMs(2_000L)
        .setSampleRate(16_000)
        .setChannels(1)
        .setBitDepth(16)
        .setCreatedUs(1_700_000_000_000_001L)
        .setSource("synthetic")
        .build();
  }

  public static TokenEvent tokenEvent() {
    return TokenEvent.newBuilder()
        .setRunId("run-1")
        .setRequestId("run-1/s-7/0")
        .setSessionId("s-7")
        .setAttempt(2)
        .setWorkerId("worker-a")
        .setPhase(Phase.PROFILING)
        .setModel("m")
        .setEndpoint("http://127.0.0.1:8000")
        .setIndex(3)
        .setKind(TokenKind.REASONING)
        .setArrivalUs(1_700_000_000_123_456L)
        .setSinceSentNs(123_456_789L)
        .setGapNs(1_234_567L)
        .setChars(5)
        .setText("hello")
        .build();
  }

  public static RequestResult requestResult() {
    return RequestResult.newBuilder()
        .setRunId("run-1")
        .setRequestId("run-1/s-7/0")
        .setSessionId("s-7")
        .setTurnIndex(0)
        .setSequence(7)
        .setAttempt(1)
        .setWorkerId("worker-a")
        .setPhase(Phase.PROFILING)
        .setModel("m")
        .setEndpoint("http://127.0.0.1:8000")
        .setSuccess(false)
        .setErrorKind(ErrorKind.HTTP_STATUS)
        .setHttpStatus(503)
        .setErrorMessage("Service Unavailable")
        .setIntendedSendUs(1_700_000_000_000_000L)
        .setCreditReleasedUs(1_699_999_999_990_000L)
        .setSentUs(1_700_000_000_000_250L)
        .setHeadersNs(900_000L)
        .setFirstContentNs(12_000_000L)
        .setSecondContentNs(14_000_000L)
        .setLastContentNs(90_000_000L)
        .setCompletedNs(90_500_000L)
        .setCompletedUs(1_700_000_000_090_750L)
        .setContentEvents(40)
        .setReasoningEvents(5)
        .setInputTokens(550)
        .setInputTokensSource(TokenCountSource.SERVER)
        .setOutputTokens(41)
        .setOutputTokensSource(TokenCountSource.TOKENIZER)
        .setReasoningTokens(5)
        .setCachedTokens(512)
        .setFinishReason("length")
        .setOutputText("The answer is (B).")
        .setOutputTruncated(true)
        .setImageCount(2)
        .setAudioCount(1)
        .setVideoCount(0)
        .setReference(reference())
        .build();
  }

  public static Score score() {
    return Score.newBuilder()
        .setRunId("run-1")
        .setRequestId("run-1/s-7/0")
        .setSessionId("s-7")
        .setAttempt(1)
        .setPhase(Phase.PROFILING)
        .setModel("m")
        .setEndpoint("http://127.0.0.1:8000")
        .setScorer("hierarchical_f1")
        .setValue(0.8333)
        .setParsed(true)
        .setCategory("Apparel")
        .setExtracted("Apparel > Shoes")
        .setExpected("Apparel > Shoes > Boots")
        .setComponents(Map.of("intersection", 2.0, "predicted", 2.0, "true", 3.0))
        .setScoredUs(1_700_000_000_200_000L)
        .build();
  }

  public static WindowedMetric windowedMetric() {
    return WindowedMetric.newBuilder()
        .setRunId("run-1")
        .setModel("m")
        .setEndpoint("http://127.0.0.1:8000")
        .setMetric("time_to_first_token")
        .setUnit("ms")
        .setLabels(Map.of("error_kind", "TIMEOUT"))
        .setScope(MetricScope.WINDOW)
        .setWindowStartUs(1_700_000_000_000_000L)
        .setWindowEndUs(1_700_000_010_000_000L)
        .setCount(3)
        .setSum(36.5)
        .setMin(10.0)
        .setMax(14.5)
        .setM2(10.5)
        .setHistogram(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
        .setHistogramScale(1000.0)
        .setLateRecords(1)
        .setClosed(true)
        .setEmittedUs(1_700_000_012_000_000L)
        .build();
  }

  public static RunEvent runEvent() {
    return RunEvent.newBuilder()
        .setRunId("run-1")
        .setStatus(RunStatus.FINISHED)
        .setCreatedUs(1_700_000_000_000_000L)
        .setUpdatedUs(1_700_000_100_000_000L)
        .setModel("m")
        .setEndpoints(List.of("http://127.0.0.1:8000"))
        .setConfig("{\"request_rate\":10}")
        .setProducedSessions(100)
        .setProducedRequests(120)
        .setWarmupRequests(10)
        .setFinishedUs(1_700_000_100_000_000L)
        .setMessage("all results in")
        .setReplayOf("run-0")
        .setProducerId("host-1/1234")
        .build();
  }

  /** Every sample, one per contract. */
  public static List<SpecificRecord> all() {
    return List.of(
        runEvent(),
        inferenceRequest(),
        mediaBlob(),
        tokenEvent(),
        requestResult(),
        score(),
        windowedMetric());
  }
}
