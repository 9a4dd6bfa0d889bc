package dev.streamperf.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.simulator.EventKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Compares what the worker measured with what a simulator in another process did, from the
 * simulator's ground-truth log ({@code --sim-ground-truth-log}: one JSON line per finished request,
 * instants as epoch microseconds).
 *
 * <p>TTFT error: the worker's TTFT (first content event decoded minus request sent) minus the
 * simulator's (first token flushed minus request received), so the request's and the token's way
 * through the sockets both count as error. Chunk gap error: the difference between the worker's gap
 * between consecutive content events and the simulator's gap between flushing them. Both are
 * differences of readings taken within one process each, so they hold across processes; the
 * delivery time (worker read minus simulator flush) compares the two processes' epoch clocks, each
 * anchored once at start, so it carries their anchors' difference too.
 */
final class TruthComparison {

  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

  final Histogram ttftError = new Histogram(HOUR_NANOS, 3);
  final Histogram gapError = new Histogram(HOUR_NANOS, 3);
  final Histogram delivery = new Histogram(HOUR_NANOS, 3);

  /** How late the simulator flushed each compared token event after its intended instant. */
  final Histogram lateness = new Histogram(HOUR_NANOS, 3);

  /** Measured responses the log has no line for, or whose token events do not pair up. */
  long mismatched;

  private final MicrosClock clock;

  TruthComparison(MicrosClock clock) {
    this.clock = clock;
  }

  /**
   * Compares every measured response with its line in the log, then counts those left without one.
   *
   * @param measured request id to the worker's readings: {@code sentNanos} followed by the instant
   *     each content event was decoded, all {@link System#nanoTime()}; taken out as they are
   *     matched
   */
  static TruthComparison compare(Path log, Map<String, long[]> measured, MicrosClock clock) {
    TruthComparison comparison = new TruthComparison(clock);
    long line = 1;
    try (JsonParser json = new JsonFactory().createParser(log.toFile())) {
      Line record = new Line();
      for (JsonToken t = json.nextToken(); t != null; t = json.nextToken()) {
        line = json.currentLocation().getLineNr();
        if (t != JsonToken.START_OBJECT) {
          throw new IOException("expected an object, found " + t);
        }
        record.read(json);
        long[] readings = record.requestId == null ? null : measured.remove(record.requestId);
        if (readings != null) {
          comparison.add(record, readings);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("ground truth log " + log + ", line " + line, e);
    }
    comparison.mismatched += measured.size();
    return comparison;
  }

  private void add(Line truth, long[] readings) {
    int events = readings.length - 1;
    if (events <= 0 || truth.tokens != events) {
      mismatched++;
      return;
    }
    long sent = readings[0];
    long measuredTtft = readings[1] - sent;
    long trueTtft = (truth.actualUs[0] - truth.receivedUs) * 1_000;
    record(ttftError, Math.abs(measuredTtft - trueTtft));
    for (int i = 0; i < events; i++) {
      long read = readings[i + 1];
      record(delivery, (clock.toEpochMicros(read) - truth.actualUs[i]) * 1_000);
      record(lateness, (truth.actualUs[i] - truth.intendedUs[i]) * 1_000);
      if (i > 0) {
        long measuredGap = read - readings[i];
        long trueGap = (truth.actualUs[i] - truth.actualUs[i - 1]) * 1_000;
        record(gapError, Math.abs(measuredGap - trueGap));
      }
    }
  }

  private static void record(Histogram histogram, long nanos) {
    histogram.recordValue(Math.min(HOUR_NANOS, Math.max(0, nanos)));
  }

  /** One line of the log, the fields this comparison reads, reused from line to line. */
  private static final class Line {
    String requestId;
    long receivedUs;
    int tokens;
    long[] intendedUs = new long[64];
    long[] actualUs = new long[64];

    void read(JsonParser json) throws IOException {
      requestId = null;
      tokens = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "requestId" -> requestId = json.getValueAsString();
          case "receivedUs" -> receivedUs = json.getLongValue();
          case "events" -> readEvents(json, value);
          default -> json.skipChildren();
        }
      }
    }

    private void readEvents(JsonParser json, JsonToken start) throws IOException {
      if (start != JsonToken.START_ARRAY) {
        throw new IOException("events: expected an array, found " + start);
      }
      while (json.nextToken() == JsonToken.START_OBJECT) {
        boolean carriesTokens = false;
        long intended = 0;
        long actual = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String field = json.currentName();
          json.nextToken();
          switch (field) {
            case "kind" ->
                carriesTokens =
                    EventKind.valueOf(json.getText().toUpperCase(Locale.ROOT)).carriesTokens();
            case "intendedUs" -> intended = json.getLongValue();
            case "actualUs" -> actual = json.getLongValue();
            default -> json.skipChildren();
          }
        }
        if (carriesTokens) {
          if (tokens == actualUs.length) {
            intendedUs = Arrays.copyOf(intendedUs, tokens * 2);
            actualUs = Arrays.copyOf(actualUs, tokens * 2);
          }
          intendedUs[tokens] = intended;
          actualUs[tokens] = actual;
          tokens++;
        }
      }
    }
  }
}
