package dev.streamperf.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One response being generated, driven by timers on its channel's event loop: headers (at once, or
 * late for the slow-headers fault), a wait for a batch slot, the first token a TTFT after
 * admission, then each chunk when due, written and flushed the moment its timer fires, then the
 * finish, usage and {@code [DONE]} events. Mid-stream faults strike when the chunk after the chosen
 * one is due. Every event is recorded with its intended and actual instant.
 *
 * <p>Event shapes are vLLM's: {@code {"id","object":"chat.completion.chunk","created","model",
 * "choices":[{"index":0,"delta":{...},"logprobs":null,"finish_reason":null}]}}; the first event's
 * delta is {@code {"role":"assistant","content":""}}; the finish event's delta is empty; the usage
 * event has {@code "choices":[]}.
 */
final class ResponseStream extends Pacer.Timed implements BatchScheduler.Sequence {

  private enum State {
    SLOW_HEADERS,
    QUEUED,
    RUNNING,
    ENDED
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] ROLE_DELTA =
      ascii(
          "\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
  private static final byte[] CONTENT_OPEN = ascii("\"content\":\"");
  private static final byte[] REASONING_OPEN = ascii("\"reasoning_content\":\"");
  private static final byte[] TOKEN_CLOSE =
      ascii("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
  private static final byte[] DATA = ascii("data: ");
  private static final byte[] DONE = ascii("[DONE]\n\n");
  private static final byte[] HEX = ascii("0123456789abcdef");

  /** A stream far behind its schedule writes at most this many events before others get a turn. */
  private static final int MAX_EVENTS_PER_FLUSH = 64;

  private final ChatCompletions service;
  private final Channel channel;
  private final EventLoop loop;
  private final Pacer pacer;
  private final ChannelHandlerContext raw;
  private final ChatCompletions.Exchange exchange;
  private final String requestId;
  private final String responseId;
  private final String model;
  private final long created;
  private final boolean stream;
  private final boolean includeUsage;
  private final boolean keepAlive;
  private final OutputPlan plan;
  private final int promptTokens;
  private final int images;
  private final FaultKind fault;
  private final int faultAfter;
  private final SplittableRandom timing;
  private final long receivedNanos;
  private final byte[] prefix;
  private final TruthRecorder truth;

  private State state;
  private long submittedNanos;
  private long admittedNanos = RequestTruth.NEVER;
  private long headersNanos = RequestTruth.NEVER;
  private long lastTokenNanos = RequestTruth.NEVER;
  private long nextDue;
  private int chunks;
  private int tokensWritten;
  private int pendingTokens;
  private boolean unflushed;
  private int status;
  private boolean faultDone;

  ResponseStream(
      ChatCompletions service,
      Channel channel,
      ChatCompletions.Exchange exchange,
      String requestId,
      String responseId,
      ChatRequest request,
      boolean keepAlive,
      OutputPlan plan,
      int promptTokens,
      int images,
      FaultKind fault,
      SplittableRandom timing,
      long receivedNanos) {
    this.service = service;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.pacer = service.pacer(loop);
    this.raw = channel.pipeline().context(SimulatorInitializer.RAW);
    this.exchange = exchange;
    this.requestId = requestId;
    this.responseId = responseId;
    this.model = request.model;
    this.created = System.currentTimeMillis() / 1000;
    this.stream = request.stream;
    this.includeUsage = request.includeUsage;
    this.keepAlive = keepAlive;
    this.plan = plan;
    this.promptTokens = promptTokens;
    this.images = images;
    this.fault = fault;
    this.timing = timing;
    this.receivedNanos = receivedNanos;
    int tokenChunks = countChunks(plan.reasoningTokens(), plan.completionTokens());
    int events =
        !stream
            ? 1
            : tokenChunks
                + 3
                + (includeUsage ? 1 : 0)
                + (fault == FaultKind.MALFORMED_CHUNK ? 1 : 0);
    this.truth = service.recordsTruth() ? new TruthRecorder(events) : null;
    // Mid-stream faults strike after chunk j, 1 <= j < n (j = n when n < 2): while it streams.
    this.faultAfter =
        fault != null && fault.midStream()
            ? (tokenChunks < 2 ? tokenChunks : 1 + timing.nextInt(tokenChunks - 1))
            : -1;
    this.prefix =
        ascii(
            "data: {\"id\":\""
                + responseId
                + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + created
                + ",\"model\":"
                + JSON.getNodeFactory().textNode(model)
                + ",\"choices\":[{\"index\":0,\"delta\":{");
  }

  /** Token-carrying chunks the output makes: the first holds one token, the others up to k. */
  private int countChunks(int reasoning, int total) {
    int k = service.config().tokensPerChunk();
    int content = total - reasoning;
    int first = total > 0 ? 1 : 0;
    int reasoningRest = reasoning > 0 ? reasoning - 1 : 0;
    int contentRest = reasoning > 0 ? content : Math.max(0, content - 1);
    return first + ceilDiv(reasoningRest, k) + ceilDiv(contentRest, k);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Begins: headers now (streams), or after the slow-headers delay. Runs on the event loop. */
  void start() {
    if (fault == FaultKind.SLOW_HEADERS) {
      service.metrics().fault(fault);
      state = State.SLOW_HEADERS;
      pacer.schedule(this, System.nanoTime() + service.config().slowHeadersDelay().toNanos());
    } else {
      submit();
    }
  }

  private void submit() {
    if (stream) {
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
          .set(HttpHandler.X_REQUEST_ID, requestId);
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      channel.writeAndFlush(response, channel.voidPromise());
      headersNanos = System.nanoTime();
      status = 200;
    }
    state = State.QUEUED;
    submittedNanos = System.nanoTime();
    service.scheduler().submit(this);
  }

  @Override
  public void admit(long nanoTime) {
    if (loop.inEventLoop()) {
      onAdmitted(nanoTime);
    } else {
      loop.execute(() -> onAdmitted(nanoTime));
    }
  }

  private void onAdmitted(long nanoTime) {
    if (state != State.QUEUED) {
      service.scheduler().release(); // the client left while the slot was on its way
      return;
    }
    state = State.RUNNING;
    admittedNanos = nanoTime;
    service.metrics().queued(nanoTime - submittedNanos);
    SimulatorConfig config = service.config();
    long ttft =
        config.ttftBase().toNanos()
            + config.ttftPerPromptToken().toNanos() * promptTokens
            + config.ttftPerImage().toNanos() * images;
    nextDue = nanoTime + ttft;
    if (!stream) {
      int later = Math.max(0, plan.completionTokens() - 1);
      nextDue += tokenLatency(later);
      if (fault == FaultKind.STALL) {
        service.metrics().fault(fault);
        nextDue += config.stallDuration().toNanos();
      }
    }
    pacer.schedule(this, nextDue);
  }

  @Override
  void fire() {
    switch (state) {
      case SLOW_HEADERS -> submit();
      case RUNNING -> {
        if (stream) {
          emitDue();
        } else {
          writeBody();
        }
      }
      default -> {
        // ended meanwhile (client closed): nothing to do
      }
    }
  }

  /**
   * Writes every event that is due, then flushes once: one chunk per flush while the stream is on
   * time, several when it catches up (as at zero inter-token latency), each its own SSE event.
   */
  private void emitDue() {
    long now = System.nanoTime();
    Outcome ended = null;
    int events = 0;
    while (ended == null && nextDue - now <= 0 && events < MAX_EVENTS_PER_FLUSH) {
      ended = step();
      events++;
      now = System.nanoTime();
    }
    if (ended == Outcome.RESET) {
      return; // reset() flushed what was pending and ended the stream
    }
    flushPending();
    if (ended != null) {
      end(ended);
    } else {
      pacer.schedule(this, nextDue);
    }
  }

  /** Writes the next due event(s); returns how the stream ended, or null while it goes on. */
  private Outcome step() {
    long intended = nextDue;
    if (fault != null && !faultDone && faultAfter == chunks && fault.midStream()) {
      faultDone = true;
      service.metrics().fault(fault);
      switch (fault) {
        case STALL -> {
          nextDue = intended + service.config().stallDuration().toNanos();
          return null;
        }
        case RESET -> {
          flushPending();
          reset();
          return Outcome.RESET;
        }
        case CUT -> {
          channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
          record(EventKind.DONE, 0, intended);
          unflushed = true;
          return Outcome.CUT;
        }
        default -> {
          // MALFORMED_CHUNK: an extra event, then this step goes on as usual
          writeMalformed();
          record(EventKind.MALFORMED, 0, intended);
        }
      }
    }
    if (chunks == 0) {
      writeEvent(prefix, ROLE_DELTA);
      record(EventKind.ROLE, 0, intended);
    }
    if (plan.hasNext()) {
      boolean reasoning = plan.nextIsReasoning();
      int limit = chunks == 0 ? 1 : service.config().tokensPerChunk();
      byte[] open = reasoning ? REASONING_OPEN : CONTENT_OPEN;
      int length = prefix.length + open.length + TOKEN_CLOSE.length;
      int tokens = 0;
      int pieces = 0;
      do {
        TextPieces.Piece piece = plan.next();
        pacer.pendingPiece(pieces++, piece);
        length += piece.json().length;
        tokens += piece.tokens();
      } while (tokens < limit && plan.hasNext() && plan.nextIsReasoning() == reasoning);
      ByteBuf buf = startChunk(length);
      buf.writeBytes(prefix).writeBytes(open);
      for (int i = 0; i < pieces; i++) {
        buf.writeBytes(pacer.pendingPiece(i).json());
      }
      buf.writeBytes(TOKEN_CLOSE);
      endChunk(buf);
      record(reasoning ? EventKind.REASONING : EventKind.CONTENT, tokens, intended);
      pacer.pendingChunk(intended);
      pendingTokens += tokens;
      chunks++;
      if (plan.hasNext()) {
        int next = Math.min(service.config().tokensPerChunk(), plan.tokensLeftInSegment());
        nextDue = intended + tokenLatency(next);
      }
      return null;
    }
    writeFinish();
    record(EventKind.FINISH, 0, intended);
    if (includeUsage) {
      writeUsage();
      record(EventKind.USAGE, 0, intended);
    }
    writeEvent(DATA, DONE);
    channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
    record(EventKind.DONE, 0, intended);
    return Outcome.COMPLETED;
  }

  /** Flushes what was written; charges the chunks among it their lateness and tokens. */
  private void flushPending() {
    if (!unflushed) {
      return;
    }
    long actual = flushAndStamp();
    int pending = pacer.pendingChunks();
    if (pending > 0) {
      SimulatorMetrics metrics = service.metrics();
      for (int i = 0; i < pending; i++) {
        metrics.chunkLateness(actual - pacer.pendingIntended(i));
      }
      metrics.generated(pendingTokens);
      if (tokensWritten == 0) {
        metrics.firstToken(actual - receivedNanos);
      }
      tokensWritten += pendingTokens;
      lastTokenNanos = actual;
    }
    pacer.clearPending();
    pendingTokens = 0;
  }

  /** The latency of {@code tokens} more tokens: ITL samples plus the batch-size slowdown. */
  private long tokenLatency(int tokens) {
    SimulatorConfig config = service.config();
    long itl = config.itl().toNanos();
    long slowdown = config.decodeSlowdownPerSequence().toNanos() * service.scheduler().running();
    long sum = 0;
    for (int i = 0; i < tokens; i++) {
      sum += config.itlDistribution().sample(itl, config.itlJitter(), timing) + slowdown;
    }
    return sum;
  }

  private void writeBody() {
    long intended = nextDue;
    if (fault != null && fault != FaultKind.STALL && fault.midStream()) {
      service.metrics().fault(fault);
      if (fault == FaultKind.RESET) {
        reset();
        return;
      }
    }
    byte[] body = completionBody();
    FaultKind applied = fault == FaultKind.CUT || fault == FaultKind.MALFORMED_CHUNK ? fault : null;
    int length = applied == null ? body.length : body.length / 2;
    ByteBuf content = Unpooled.wrappedBuffer(body, 0, length);
    HttpResponse response;
    if (applied == FaultKind.CUT) {
      // Announce the whole body, send half, close: the client reads a truncated body.
      response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      headers(response);
      channel.write(response, channel.voidPromise());
      channel.write(new DefaultHttpContent(content), channel.voidPromise());
    } else {
      FullHttpResponse full =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
      full.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
      headers(full);
      if (!keepAlive) {
        full.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      channel.write(full, channel.voidPromise());
    }
    status = 200;
    record(
        applied == null ? EventKind.BODY : EventKind.MALFORMED, plan.completionTokens(), intended);
    long actual = flushAndStamp();
    headersNanos = actual;
    lastTokenNanos = actual;
    service.metrics().chunkLateness(actual - intended);
    service.metrics().generated(plan.completionTokens());
    service.metrics().firstToken(actual - receivedNanos);
    tokensWritten = plan.completionTokens();
    if (applied == FaultKind.CUT) {
      end(Outcome.CUT); // closes the connection: the body stays short of its Content-Length
    } else {
      end(Outcome.COMPLETED);
    }
  }

  private void headers(HttpResponse response) {
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHandler.X_REQUEST_ID, requestId);
  }

  private byte[] completionBody() {
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    while (plan.hasNext()) {
      boolean isReasoning = plan.nextIsReasoning();
      (isReasoning ? reasoning : content).append(plan.next().text());
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("id", responseId);
    root.put("object", "chat.completion");
    root.put("created", created);
    root.put("model", model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (plan.reasoningTokens() > 0) {
      message.put("reasoning_content", reasoning.toString());
    }
    message.put("content", content.toString());
    choice.putNull("logprobs");
    choice.put("finish_reason", plan.finishReason());
    usage(root);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void usage(ObjectNode root) {
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", promptTokens);
    usage.put("total_tokens", promptTokens + plan.completionTokens());
    usage.put("completion_tokens", plan.completionTokens());
  }

  /** Connection reset: SO_LINGER 0 makes the close send RST instead of FIN. */
  private void reset() {
    channel.config().setOption(ChannelOption.SO_LINGER, 0);
    end(Outcome.RESET);
    channel.close();
  }

  /** A role, finish or malformed event: the prefix and the rest of the JSON. */
  private void writeEvent(byte[] head, byte[] rest) {
    ByteBuf buf = startChunk(head.length + rest.length);
    buf.writeBytes(head).writeBytes(rest);
    endChunk(buf);
  }

  private void writeFinish() {
    writeEvent(
        prefix,
        ascii("},\"logprobs\":null,\"finish_reason\":\"" + plan.finishReason() + "\"}]}\n\n"));
  }

  private void writeUsage() {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", responseId);
    root.put("object", "chat.completion.chunk");
    root.put("created", created);
    root.put("model", model);
    root.putArray("choices");
    usage(root);
    writeEvent(DATA, (root + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  private void writeMalformed() {
    writeEvent(
        DATA,
        ascii(
            "{\"id\":\""
                + responseId
                + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\n\n"));
  }

  /**
   * A pooled buffer that starts an HTTP/1.1 chunk of {@code length} bytes. Chunks are framed here
   * and written below the HTTP encoder, one buffer per event: the encoder's own framing would add a
   * wrapper and two extra buffers per event. Headers and the terminating chunk go through the
   * encoder, which keeps its state right for the next response on the connection.
   */
  private ByteBuf startChunk(int length) {
    ByteBuf buf = channel.alloc().buffer(length + 12);
    int shift = 28;
    while (shift > 0 && (length >>> shift) == 0) {
      shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
      buf.writeByte(HEX[(length >>> shift) & 0xf]);
    }
    return buf.writeByte('\r').writeByte('\n');
  }

  private void endChunk(ByteBuf buf) {
    buf.writeByte('\r').writeByte('\n');
    raw.write(buf, raw.voidPromise());
    unflushed = true;
  }

  private void record(EventKind kind, int tokens, long intended) {
    if (truth != null) {
      truth.add(kind, tokens, intended);
    }
  }

  /** Flushes; the instant is taken as the flush begins, so no client can read a chunk earlier. */
  private long flushAndStamp() {
    long actual = System.nanoTime();
    channel.flush();
    unflushed = false;
    if (truth != null) {
      truth.stamp(actual);
    }
    return actual;
  }

  /** The client went away: stop, give the slot back, file what was sent. */
  void abort() {
    if (state == State.ENDED) {
      return;
    }
    service.metrics().error("client_closed");
    end(Outcome.CLIENT_CLOSED);
  }

  private void end(Outcome outcome) {
    State was = state;
    state = State.ENDED;
    pacer.cancel(this);
    if (was == State.RUNNING) {
      service.scheduler().release();
    } else if (was == State.QUEUED) {
      // Not in the queue any more means a slot is on its way: onAdmitted sees ENDED, releases it.
      service.scheduler().cancel(this);
    }
    long e2e = lastTokenNanos == RequestTruth.NEVER ? 0 : lastTokenNanos - receivedNanos;
    service.metrics().finished(outcome, plan.finishReason(), e2e);
    service.file(
        new RequestTruth(
            requestId,
            responseId,
            model,
            stream,
            fault,
            fault != null && fault.midStream() ? faultAfter : -1,
            outcome,
            status,
            receivedNanos,
            admittedNanos,
            headersNanos,
            promptTokens,
            tokensWritten,
            outcome == Outcome.COMPLETED ? plan.finishReason() : null,
            truth == null ? TruthRecorder.Events.NONE : truth.freeze()));
    if (outcome == Outcome.COMPLETED || outcome == Outcome.CUT) {
      exchange.responseDone(!keepAlive || (outcome == Outcome.CUT && !stream));
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
