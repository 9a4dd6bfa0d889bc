package dev.streamperf.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.streamperf.schemas.clock.MicrosClock;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each finished request's ground truth as one JSON line, instants as epoch microseconds of
 * the process clock, for comparison with a client in another process. Written by its own thread so
 * no event loop waits on the disk; when the queue is full the record is dropped and counted.
 *
 * <pre>
 * {"requestId":"r-1","responseId":"chatcmpl-…","model":"streamperf-sim","stream":true,
 *  "fault":null,"faultAfterChunk":-1,"outcome":"completed","status":200,"receivedUs":…,
 *  "admittedUs":…,"headersUs":…,"promptTokens":12,"completionTokens":64,"finishReason":"stop",
 *  "events":[{"kind":"role","tokens":0,"intendedUs":…,"actualUs":…},…]}
 * </pre>
 */
final class GroundTruthLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroundTruthLog.class);
  private static final RequestTruth STOP =
      new RequestTruth(
          "",
          "",
          "",
          false,
          null,
          -1,
          Outcome.COMPLETED,
          0,
          0,
          0,
          0,
          0,
          0,
          null,
          TruthRecorder.Events.NONE);

  private static final String[] KIND_NAMES = kindNames();

  private final Path file;
  private final MicrosClock clock;
  private final BlockingQueue<RequestTruth> queue = new ArrayBlockingQueue<>(65_536);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final OutputStream out;
  private final JsonGenerator json;
  private final Thread writer;

  GroundTruthLog(Path file, MicrosClock clock) {
    this.file = file;
    this.clock = clock;
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      this.out =
          new BufferedOutputStream(
              Files.newOutputStream(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING),
              1 << 16);
      this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    } catch (IOException e) {
      throw new UncheckedIOException("ground truth log " + file + ": cannot open", e);
    }
    this.writer = new Thread(this::drain, "streamperf-simulator-truth-log");
    writer.setDaemon(true);
    writer.start();
  }

  private static String[] kindNames() {
    EventKind[] kinds = EventKind.values();
    String[] names = new String[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      names[i] = kinds[i].name().toLowerCase(Locale.ROOT);
    }
    return names;
  }

  /** Queues a record; drops and counts it when the writer is too far behind. */
  void append(RequestTruth truth) {
    if (!queue.offer(truth)) {
      dropped.incrementAndGet();
    }
  }

  long dropped() {
    return dropped.get();
  }

  long written() {
    return written.get();
  }

  private void drain() {
    try {
      while (true) {
        RequestTruth truth = queue.take();
        if (truth == STOP) {
          break;
        }
        write(truth);
        written.incrementAndGet();
        if (queue.isEmpty()) {
          json.flush();
        }
      }
      json.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.error("ground truth log {}: write failed; no more lines will be written", file, e);
    }
  }

  private void write(RequestTruth t) throws IOException {
    json.writeStartObject();
    json.writeStringField("requestId", t.requestId());
    json.writeStringField("responseId", t.responseId());
    json.writeStringField("model", t.model());
    json.writeBooleanField("stream", t.stream());
    json.writeStringField("fault", t.fault() == null ? null : t.fault().label());
    json.writeNumberField("faultAfterChunk", t.faultAfterChunk());
    json.writeStringField("outcome", t.outcome().name().toLowerCase(Locale.ROOT));
    json.writeNumberField("status", t.status());
    json.writeNumberField("receivedUs", clock.toEpochMicros(t.receivedNanos()));
    writeInstant("admittedUs", t.admittedNanos());
    writeInstant("headersUs", t.headersNanos());
    json.writeNumberField("promptTokens", t.promptTokens());
    json.writeNumberField("completionTokens", t.completionTokens());
    json.writeStringField("finishReason", t.finishReason());
    json.writeArrayFieldStart("events");
    TruthRecorder.Events events = t.eventLog();
    for (int i = 0; i < events.size(); i++) {
      json.writeStartObject();
      json.writeStringField("kind", KIND_NAMES[events.kind(i).ordinal()]);
      json.writeNumberField("tokens", events.tokens(i));
      json.writeNumberField("intendedUs", clock.toEpochMicros(events.intended(i)));
      json.writeNumberField("actualUs", clock.toEpochMicros(events.actual(i)));
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeRaw('\n');
  }

  private void writeInstant(String field, long nanos) throws IOException {
    if (nanos == RequestTruth.NEVER) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, clock.toEpochMicros(nanos));
    }
  }

  /** Writes what is queued, then closes the file. */
  @Override
  public void close() {
    try {
      queue.put(STOP);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      json.close();
      out.close();
    } catch (IOException e) {
      log.warn("ground truth log {}: close failed", file, e);
    }
  }
}
