package dev.streamperf.producer.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.Reference;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MMStar through a local server on loopback that answers like the hub's datasets-server (rows
 * pages, images by URL): no real network.
 */
class MmStarTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Tokenizer TOKENIZER = Tokenizers.builtin();

  @TempDir Path cache;
  HttpServer server;
  URI endpoint;
  final AtomicInteger rowRequests = new AtomicInteger();
  final AtomicInteger imageRequests = new AtomicInteger();
  final List<String> queries = new ArrayList<>();

  static Path fixture(String name) {
    try {
      return Path.of(MmStarTest.class.getResource("/datasets/mmstar/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void startHub() throws IOException {
    List<ObjectNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(fixture("rows.jsonl"))) {
      rows.add((ObjectNode) JSON.readTree(line));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int port = server.getAddress().getPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
    server.createContext(
        "/rows",
        exchange -> {
          rowRequests.incrementAndGet();
          Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
          synchronized (queries) {
            queries.add(exchange.getRequestURI().getRawQuery());
          }
          int offset = Integer.parseInt(q.get("offset"));
          int length = Integer.parseInt(q.get("length"));
          ObjectNode page = JSON.createObjectNode();
          ArrayNode features = page.putArray("features");
          features.addObject().put("name", "question");
          ArrayNode out = page.putArray("rows");
          for (int i = offset; i < Math.min(rows.size(), offset + length); i++) {
            ObjectNode row = rows.get(i).deepCopy();
            ObjectNode image = JSON.createObjectNode();
            image.put(
                "src",
                endpoint
                    + "/assets/Lin-Chen/MMStar/--/val/val/"
                    + i
                    + "/image/image.png?Expires=1&Signature=x");
            image.put("height", 3);
            image.put("width", 4);
            row.set("image", image);
            ObjectNode wrapper = out.addObject();
            wrapper.put("row_idx", i);
            wrapper.set("row", row);
            wrapper.putArray("truncated_cells");
          }
          page.put("num_rows_total", rows.size());
          page.put("num_rows_per_page", 100);
          page.put("partial", false);
          byte[] body = JSON.writeValueAsBytes(page);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/assets/",
        exchange -> {
          imageRequests.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          int index = Integer.parseInt(path.split("/")[7]);
          String file = rows.get(index).get("image").asText();
          byte[] body = Files.readAllBytes(fixture(file));
          exchange.getResponseHeaders().add("Content-Type", "image/png");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopHub() {
    if (server != null) {
      server.stop(0);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  static void checkRows(List<SessionTemplate> sessions) {
    assertThat(sessions).hasSize(5);
    SessionTemplate first = sessions.get(0);
    List<ContentPart> parts = first.turns().get(0).messages().get(0).getParts();
    assertThat(parts.get(0).getText())
        .startsWith("Which colour fills the image?\nOptions: A: red")
        .endsWith(MmStar.INSTRUCTION);
    assertThat(parts.get(1).getType()).isEqualTo(PartType.IMAGE);
    assertThat(parts.get(1).getWidth()).isEqualTo(4);
    assertThat(first.turns().get(0).media()).hasSize(1);
    Reference reference = first.turns().get(0).reference();
    assertThat(reference.getScorer()).isEqualTo("multiple_choice");
    assertThat(reference.getAnswer()).isEqualTo("A");
    assertThat(reference.getCategory()).isEqualTo("coarse perception");
    assertThat(reference.getMetadata())
        .containsEntry("A", "red")
        .containsEntry("B", "blue")
        .containsEntry("D", "black")
        .hasSize(4);
    assertThat(sessions)
        .extracting(s -> s.turns().get(0).reference().getAnswer())
        .containsExactly("A", "B", "C", "A", "D");
    assertThat(first.turns().get(0).inputTokens())
        .isEqualTo(TOKENIZER.count(parts.get(0).getText()));
  }

  @Test
  void rowsAndImagesComeFromTheHubInPagesWithProgressThenFromTheCache() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream progress = new PrintStream(err, true, StandardCharsets.UTF_8);
    HfRows hub = new HfRows(endpoint, cache, null, progress, 2);
    checkRows(MmStar.fromHub(hub, TOKENIZER));
    assertThat(rowRequests).hasValue(3);
    assertThat(queries.get(0))
        .isEqualTo("dataset=Lin-Chen%2FMMStar&config=val&split=val&offset=0&length=2");
    assertThat(imageRequests).hasValue(5);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("dataset Lin-Chen/MMStar: 5/5 rows");
    assertThat(cache.resolve("Lin-Chen__MMStar/val/val/rows-0-2.json")).exists();

    server.stop(0);
    server = null;
    checkRows(MmStar.fromHub(new HfRows(endpoint, cache, null, progress, 2), TOKENIZER));
  }

  @Test
  void theDatasetSourceCyclesOnlyWhenAStopAsksForMore() {
    InputSpec.Dataset spec = new InputSpec.Dataset("mmstar", null, endpoint, cache, null);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    DatasetSource once = new DatasetSource(spec, TOKENIZER, quiet, false);
    assertThat(once.size()).hasValue(5);
    assertThat(once.describe()).contains("public dataset mmstar (5 rows from " + endpoint);
    DatasetSource cycled = new DatasetSource(spec, TOKENIZER, quiet, true);
    assertThat(cycled.size()).isEmpty();
    assertThat(cycled.session(5)).isEqualTo(cycled.session(0));
  }

  @Test
  void aLocalCopyNeedsNoHub() {
    server.stop(0);
    server = null;
    HfRows hub = new HfRows(endpoint, cache, null, System.err, 100);
    checkRows(MmStar.fromFile(fixture("rows.jsonl"), hub, TOKENIZER));
    checkRows(MmStar.fromFile(fixture("rows.jsonl").getParent(), hub, TOKENIZER));
  }

  @Test
  void anUnreachableHubOrUnknownDatasetSaysWhat() {
    server.stop(0);
    server = null;
    HfRows hub = new HfRows(endpoint, cache, null, System.err, 100);
    assertThatThrownBy(() -> MmStar.fromHub(hub, TOKENIZER))
        .hasMessageContaining("GET " + endpoint + "/rows?dataset=Lin-Chen%2FMMStar")
        .hasMessageContaining("--dataset-path");
    InputSpec.Dataset unknown = new InputSpec.Dataset("nope", null, endpoint, cache, null);
    assertThatThrownBy(() -> new DatasetSource(unknown, TOKENIZER, System.err, false))
        .hasMessage("--public-dataset: 'nope' (expected one of: [mmstar])");
  }
}
