package dev.streamperf.simulator;

import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/chat/completions}: parses and checks the request, fetches and measures its media,
 * charges prompt tokens, draws the request's fault and output, and starts its {@link
 * ResponseStream}. One per simulator, shared by every connection.
 */
final class ChatCompletions {

  /** What a response tells the connection that carries it. */
  interface Exchange {
    /** The response is complete; {@code close} asks for the connection to be closed. */
    void responseDone(boolean close);

    /** The stream now answering, so a closing connection can abort it. */
    void streaming(ResponseStream stream);

    /** Answers an error; the connection stays open when keep-alive allows it. */
    void error(ApiError error, String requestId);
  }

  private final SimulatorConfig config;
  private final BatchScheduler scheduler;
  private final SimulatorMetrics metrics;
  private final GroundTruth groundTruth;
  private final GroundTruthLog truthLog;
  private final PreciseSelect select;
  private final MediaFetcher fetcher;
  private final Vocabulary vocabulary;
  private final Map<ScriptedAnswers.Rule, TextPieces> answers = new IdentityHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Map<EventLoop, Pacer> pacers = new ConcurrentHashMap<>();

  ChatCompletions(
      SimulatorConfig config,
      BatchScheduler scheduler,
      SimulatorMetrics metrics,
      GroundTruth groundTruth,
      GroundTruthLog truthLog,
      PreciseSelect select) {
    this.config = config;
    this.select = select;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.groundTruth = groundTruth;
    this.truthLog = truthLog;
    this.fetcher = new MediaFetcher(config.mediaFetchTimeout(), config.maxRequestBytes());
    this.vocabulary = Vocabulary.forTokenizer(config.tokenizer());
    for (ScriptedAnswers.Rule rule : config.scriptedAnswers().rules()) {
      answers.put(rule, TextPieces.of(rule.answer(), config.tokenizer()));
    }
  }

  SimulatorConfig config() {
    return config;
  }

  BatchScheduler scheduler() {
    return scheduler;
  }

  SimulatorMetrics metrics() {
    return metrics;
  }

  /** The pacer of an event loop (one per loop, used only on it). */
  Pacer pacer(EventLoop loop) {
    return pacers.computeIfAbsent(loop, l -> new Pacer(l, select));
  }

  boolean recordsTruth() {
    return config.groundTruthRetention() > 0 || truthLog != null;
  }

  void file(RequestTruth truth) {
    groundTruth.record(truth);
    if (truthLog != null) {
      truthLog.append(truth);
    }
  }

  /** Handles one request read on {@code channel}'s event loop; the body is read before return. */
  void handle(
      Channel channel,
      FullHttpRequest http,
      boolean keepAlive,
      String clientRequestId,
      long receivedNanos,
      Exchange exchange) {
    String responseId = newResponseId();
    String requestId = clientRequestId != null ? clientRequestId : responseId;
    ChatRequest request;
    try {
      request =
          ChatRequest.parse(
              new ByteBufInputStream(http.content()), config.models(), config.tokenizer());
    } catch (ApiError e) {
      reject(e, requestId, responseId, receivedNanos, exchange);
      return;
    }
    List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
    for (ChatRequest.Media media : request.media) {
      fetches.add(
          media.data() != null
              ? CompletableFuture.completedFuture(media.data())
              : fetcher.fetch(media.url(), channel.eventLoop()));
    }
    CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, error) ->
                channel
                    .eventLoop()
                    .execute(
                        () -> {
                          if (!channel.isActive()) {
                            metrics.error("client_closed");
                            return;
                          }
                          List<byte[]> bodies = new ArrayList<>();
                          for (int i = 0; i < fetches.size(); i++) {
                            CompletableFuture<byte[]> fetch = fetches.get(i);
                            if (fetch.isCompletedExceptionally()) {
                              reject(
                                  ApiError.mediaFetchFailed(
                                      request.media.get(i).param(), cause(fetch)),
                                  requestId,
                                  responseId,
                                  receivedNanos,
                                  exchange);
                              return;
                            }
                            bodies.add(fetch.join());
                          }
                          start(
                              channel,
                              request,
                              bodies,
                              keepAlive,
                              requestId,
                              responseId,
                              receivedNanos,
                              exchange);
                        }));
  }

  private static String cause(CompletableFuture<byte[]> failed) {
    try {
      failed.join();
      return "fetch failed";
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return cause.getMessage();
    }
  }

  private void start(
      Channel channel,
      ChatRequest request,
      List<byte[]> media,
      boolean keepAlive,
      String requestId,
      String responseId,
      long receivedNanos,
      Exchange exchange) {
    int promptTokens = request.textTokens;
    int images = 0;
    int patch = config.imagePatchPixels();
    try {
      for (int i = 0; i < media.size(); i++) {
        ChatRequest.Media part = request.media.get(i);
        byte[] bytes = media.get(i);
        try {
          switch (part.kind()) {
            case IMAGE -> {
              MediaDecoder.ImageSize size = MediaDecoder.imageSize(bytes);
              promptTokens += patches(size.width(), size.height(), patch);
              images++;
            }
            case AUDIO -> {
              double seconds = MediaDecoder.audioSeconds(bytes, part.format());
              promptTokens += (int) Math.ceil(seconds * config.audioTokensPerSecond());
            }
            case VIDEO -> {
              MediaDecoder.VideoInfo video = MediaDecoder.video(bytes);
              int frames =
                  Math.max(1, (int) Math.ceil(video.seconds() * config.videoFramesPerSecond()));
              promptTokens += frames * patches(video.width(), video.height(), patch);
              images += frames;
            }
          }
        } catch (IllegalArgumentException e) {
          throw ApiError.badRequest(part.param(), e.getMessage());
        }
      }
      int maxLen = config.maxModelLen();
      if (promptTokens >= maxLen) {
        throw ApiError.badRequest(
            "messages",
            "the prompt is "
                + promptTokens
                + " tokens (expected: fewer than the maximum context length "
                + maxLen
                + ")");
      }
      if (request.maxTokens != null && promptTokens + request.maxTokens > maxLen) {
        throw ApiError.badRequest(
            "max_tokens",
            "This model's maximum context length is "
                + maxLen
                + " tokens. However, you requested "
                + (promptTokens + request.maxTokens)
                + " tokens ("
                + promptTokens
                + " in the messages, "
                + request.maxTokens
                + " in the completion).");
      }
    } catch (ApiError e) {
      reject(e, requestId, responseId, receivedNanos, exchange);
      return;
    }
    long seq = sequence.getAndIncrement();
    SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + seq);
    FaultKind fault = drawFault(random);
    if (fault == FaultKind.HTTP_500 || fault == FaultKind.HTTP_503 || fault == FaultKind.HTTP_429) {
      metrics.fault(fault);
      ApiError error =
          ApiError.injected(
              fault == FaultKind.HTTP_500
                  ? HttpResponseStatus.INTERNAL_SERVER_ERROR
                  : fault == FaultKind.HTTP_503
                      ? HttpResponseStatus.SERVICE_UNAVAILABLE
                      : HttpResponseStatus.TOO_MANY_REQUESTS);
      reject(error, requestId, responseId, receivedNanos, exchange, fault, promptTokens);
      return;
    }
    metrics.promptTokens(promptTokens);
    SplittableRandom text =
        request.seed != null
            ? new SplittableRandom(request.seed * 31 + request.lastUserText.hashCode())
            : random.split();
    TextPieces scripted =
        config.scriptedAnswers().match(request.lastUserText).map(answers::get).orElse(null);
    int maxTokens =
        request.maxTokens != null ? request.maxTokens : config.maxModelLen() - promptTokens;
    OutputPlan plan =
        OutputPlan.plan(
            vocabulary,
            text,
            config.reasoningTokens(),
            scripted,
            config.outputLengths().sample(text),
            maxTokens,
            request.minTokens,
            request.ignoreEos);
    ResponseStream stream =
        new ResponseStream(
            this,
            channel,
            exchange,
            requestId,
            responseId,
            request,
            keepAlive,
            plan,
            promptTokens,
            images,
            fault,
            random,
            receivedNanos);
    exchange.streaming(stream);
    stream.start();
  }

  private static int patches(int width, int height, int patch) {
    return ((width + patch - 1) / patch) * ((height + patch - 1) / patch);
  }

  private FaultKind drawFault(SplittableRandom random) {
    if (config.faultRates().isEmpty()) {
      return null;
    }
    double u = random.nextDouble();
    double cumulative = 0;
    for (FaultKind kind : FaultKind.values()) {
      cumulative += config.faultRate(kind);
      if (u < cumulative) {
        return kind;
      }
    }
    return null;
  }

  private void reject(
      ApiError error, String requestId, String responseId, long receivedNanos, Exchange exchange) {
    reject(error, requestId, responseId, receivedNanos, exchange, null, 0);
  }

  private void reject(
      ApiError error,
      String requestId,
      String responseId,
      long receivedNanos,
      Exchange exchange,
      FaultKind fault,
      int promptTokens) {
    if (fault == null) {
      metrics.error(error.metricKind());
    }
    metrics.finished(Outcome.ERROR_RESPONSE, null, 0);
    exchange.error(error, requestId);
    file(
        new RequestTruth(
            requestId,
            responseId,
            "",
            false,
            fault,
            -1,
            Outcome.ERROR_RESPONSE,
            error.status().code(),
            receivedNanos,
            RequestTruth.NEVER,
            System.nanoTime(),
            promptTokens,
            0,
            null,
            TruthRecorder.Events.NONE));
  }

  private static String newResponseId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "chatcmpl-"
        + HexFormat.of().toHexDigits(random.nextLong())
        + HexFormat.of().toHexDigits(random.nextLong());
  }
}
