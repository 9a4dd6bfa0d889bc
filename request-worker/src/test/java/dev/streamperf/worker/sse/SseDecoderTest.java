package dev.streamperf.worker.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SSE decoder on an EmbeddedChannel, every framing case, under paranoid leak detection. */
class SseDecoderTest {

  private static final String LLAMA_STREAM =
      "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\","
          + "\"content\":null}}],\"object\":\"chat.completion.chunk\"}\n\n"
          + "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":"
          + "\"\u6398\"}}],\"object\":\"chat.completion.chunk\"}\n\n"
          + ": keep-alive\n\n"
          + "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":"
          + "\"\u0e41\u0e25\u0e49\u0e27\"}}],\"object\":\"chat.completion.chunk\"}\n\n"
          + "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2,\"prompt_tokens\":19}}\n\n"
          + "data: [DONE]\n\n";

  private final List<ByteBuf> written = new ArrayList<>();
  private Collector collector;
  private EmbeddedChannel channel;

  @BeforeAll
  static void paranoid() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterEach
  void noLeaks() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    for (ByteBuf buf : written) {
      assertThat(buf.refCnt()).as("input buffer released").isZero();
    }
  }

  private EmbeddedChannel channel(int maxEventBytes) {
    collector = new Collector();
    channel = new EmbeddedChannel(new SseDecoder(maxEventBytes), collector);
    return channel;
  }

  private void response(String contentType) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    channel.writeInbound(response);
  }

  private void content(String text) {
    content(text.getBytes(StandardCharsets.UTF_8));
  }

  private void content(byte[] bytes) {
    ByteBuf buf = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    written.add(buf);
    channel.writeInbound(new DefaultHttpContent(buf));
  }

  private void last() {
    channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  private List<String> decodeWhole(String stream) {
    channel(1 << 16);
    response("text/event-stream; charset=utf-8");
    content(stream);
    last();
    return collector.data();
  }

  @Test
  void decodesLfFramedEvents() {
    assertThat(decodeWhole("data: a\n\ndata: b\n\n")).containsExactly("a", "b");
    assertThat(collector.ends).isEqualTo(1);
  }

  @Test
  void decodesCrlfFramedEvents() {
    assertThat(decodeWhole("data: a\r\n\r\ndata: b\r\n\r\n")).containsExactly("a", "b");
  }

  @Test
  void decodesBareCrFramedEvents() {
    assertThat(decodeWhole("data: a\r\rdata: b\r\r")).containsExactly("a", "b");
  }

  @Test
  void joinsMultiLineDataWithLineFeeds() {
    assertThat(decodeWhole("data: {\"a\":\ndata: 1}\n\ndata: x\r\ndata:y\r\n\r\n"))
        .containsExactly("{\"a\":\n1}", "x\ny");
  }

  @Test
  void ignoresCommentsKeepAlivesAndOtherFields() {
    assertThat(decodeWhole(": ping\n\n:\n\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n\n\n"))
        .containsExactly("x");
  }

  @Test
  void stripsExactlyOneSpaceAfterTheColon() {
    assertThat(decodeWhole("data:x\n\ndata:  y\n\ndata\n\ndata:\n\n"))
        .containsExactly("x", " y", "", "");
  }

  @Test
  void reportsTheEventTypeOfErrorEvents() {
    decodeWhole("event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\ndata: after\n\n");
    assertThat(collector.events).hasSize(2);
    assertThat(collector.events.get(0).type()).isEqualTo("error");
    assertThat(collector.events.get(0).isError()).isTrue();
    assertThat(collector.events.get(0).dataAsString())
        .isEqualTo("{\"error\":{\"message\":\"boom\"}}");
    assertThat(collector.events.get(1).type()).isEqualTo(SseEvent.DEFAULT_TYPE);
  }

  @Test
  void decodesSeveralEventsFromOneRead() {
    List<String> data = decodeWhole(LLAMA_STREAM);
    assertThat(data).hasSize(5);
    assertThat(data.get(1)).contains("\u6398");
    assertThat(collector.events.get(4).isDone()).isTrue();
    for (int i = 1; i < collector.events.size(); i++) {
      assertThat(collector.events.get(i).decodedNanos())
          .isGreaterThanOrEqualTo(collector.events.get(i - 1).decodedNanos());
    }
  }

  @Test
  void decodesAnEventSplitAcrossReadsAtEveryByteBoundary() {
    for (String stream :
        List.of(
            LLAMA_STREAM, LLAMA_STREAM.replace("\n", "\r\n"), LLAMA_STREAM.replace("\n", "\r"))) {
      List<String> expected = decodeWhole(stream);
      channel.finishAndReleaseAll();
      byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
      for (int split = 1; split < bytes.length; split++) {
        channel(1 << 16);
        response("text/event-stream");
        content(java.util.Arrays.copyOfRange(bytes, 0, split));
        content(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
        last();
        assertThat(collector.data()).as("split at byte %d", split).isEqualTo(expected);
        channel.finishAndReleaseAll();
      }
      channel(1 << 16);
      response("text/event-stream");
      for (byte b : bytes) {
        content(new byte[] {b});
      }
      last();
      assertThat(collector.data()).as("one byte per read").isEqualTo(expected);
    }
  }

  @Test
  void crAndLfInDifferentReadsAreOneLineEnd() {
    channel(1024);
    response("text/event-stream");
    content("data: a\r");
    content("\ndata: b\r\n\r\n");
    last();
    assertThat(collector.data()).containsExactly("a\nb");
  }

  @Test
  void discardsAnEventIncompleteWhenTheBodyEnds() {
    assertThat(decodeWhole("data: a\n\ndata: cut in the mid")).containsExactly("a");
    assertThat(collector.ends).isEqualTo(1);
  }

  @Test
  void startsEachResponseOnTheSameConnectionClean() {
    channel(1024);
    response("text/event-stream");
    content("data: first\n\ndata: unfinished");
    last();
    response("text/event-stream");
    content("data: second\n\n");
    last();
    assertThat(collector.data()).containsExactly("first", "second");
    assertThat(collector.ends).isEqualTo(2);
  }

  @Test
  void failsClearlyOnALineOverTheLimit() {
    channel(64);
    response("text/event-stream");
    content("data: ok\n\n");
    content("data: " + "x".repeat(40));
    content("x".repeat(40) + "\n\ndata: never\n\n");
    content("data: still discarded\n\n");
    last();
    assertThat(collector.data()).containsExactly("ok");
    assertThat(collector.errors).hasSize(1);
    assertThat(collector.errors.get(0))
        .isInstanceOf(TooLongSseEventException.class)
        .hasMessageContaining("limit 64 bytes");
    assertThat(collector.ends).as("the end of the body still passes").isEqualTo(1);
  }

  @Test
  void failsClearlyOnEventDataOverTheLimit() {
    channel(64);
    response("text/event-stream");
    content(
        "data: "
            + "y".repeat(30)
            + "\ndata: "
            + "y".repeat(30)
            + "\ndata: "
            + "y".repeat(30)
            + "\n\n");
    last();
    assertThat(collector.events).isEmpty();
    assertThat(collector.errors)
        .singleElement()
        .isInstanceOf(TooLongSseEventException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("event data"));
  }

  @Test
  void passesNonEventStreamResponsesThrough() {
    channel(1024);
    HttpResponse error =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR);
    error.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
    channel.writeInbound(error);
    content("{\"error\":\"data: not an event\\n\\n\"}");
    last();
    assertThat(collector.events).isEmpty();
    assertThat(collector.bodies).containsExactly("{\"error\":\"data: not an event\\n\\n\"}");
    assertThat(collector.responses).isEqualTo(1);
  }

  @Test
  void decodesAChunkedResponseFromTheWire() {
    collector = new Collector();
    channel = new EmbeddedChannel(new HttpResponseDecoder(), new SseDecoder(1024), collector);
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    String part1 = "data: {\"x\":1}\n\nda";
    String part2 = "ta: [DONE]\n\n";
    String wire =
        head
            + Integer.toHexString(part1.length())
            + "\r\n"
            + part1
            + "\r\n"
            + Integer.toHexString(part2.length())
            + "\r\n"
            + part2
            + "\r\n0\r\n\r\n";
    byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 7) {
      ByteBuf buf = Unpooled.directBuffer().writeBytes(bytes, i, Math.min(7, bytes.length - i));
      written.add(buf);
      channel.writeInbound(buf);
    }
    assertThat(collector.data()).containsExactly("{\"x\":1}", "[DONE]");
    assertThat(collector.ends).isEqualTo(1);
  }

  @Test
  void anEventSeenInItsReadIsExactlyItsDataWhereTheBufferHoldsMoreFromAnEarlierEvent() {
    // The decoder fires a view of its reused buffer; a handler that does not copy must still see
    // only this event's bytes, and [DONE] after a longer event must still read as [DONE].
    List<String> live = new ArrayList<>();
    List<Boolean> done = new ArrayList<>();
    List<Integer> capacities = new ArrayList<>();
    channel =
        new EmbeddedChannel(
            new SseDecoder(1024),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof SseEvent event) {
                  live.add(event.dataAsString());
                  done.add(event.isDone());
                  capacities.add(event.data().length);
                }
                ReferenceCountUtil.release(msg);
              }
            });
    response("text/event-stream");
    content("data: {\"choices\":[{\"delta\":{\"content\":\"a long first token\"}}]}\n\n");
    content("data: [DONE]\n\n");
    last();
    assertThat(live)
        .containsExactly(
            "{\"choices\":[{\"delta\":{\"content\":\"a long first token\"}}]}", "[DONE]");
    assertThat(done).containsExactly(false, true);
    assertThat(capacities.get(1)).as("the reused buffer is longer than [DONE]").isGreaterThan(6);
  }

  /** Records what the decoder fires and releases it. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    final List<SseEvent> events = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();
    int responses;
    int ends;

    List<String> data() {
      return events.stream().map(SseEvent::dataAsString).toList();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof SseEvent event) {
        events.add(event.copy());
      } else if (msg instanceof HttpResponse) {
        responses++;
      } else if (msg instanceof HttpContent content) {
        if (content.content().isReadable()) {
          bodies.add(content.content().toString(StandardCharsets.UTF_8));
        }
        if (msg instanceof LastHttpContent) {
          ends++;
        }
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }
}
