package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.embedded.LlamaCppServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator and a real llama.cpp server answer the same requests (text, image, audio) with
 * streams of the same event shapes, compared field by field. The differences allowed are the ones
 * each server is known for, listed in {@link #ALLOWED}; every other field must exist in both with
 * the same JSON type, and the values a client relies on must agree.
 */
class LlamaCppConformanceIT {

  /** Field paths one side has and the other lacks, or types that differ, by design. */
  static final Set<String> ALLOWED =
      Set.of(
          // llama.cpp's own additions
          "system_fingerprint",
          "timings",
          "usage.prompt_tokens_details",
          // vLLM (the simulator) writes logprobs: null in every choice
          "choices[].logprobs",
          // role chunk: vLLM sends content "", llama.cpp sends content null
          "choices[].delta.content",
          // the simulator's error bodies name the offending field
          "error.param");

  static LlamaCppServer llama;
  static Simulator sim;
  static final SseClient client = new SseClient();

  @BeforeAll
  static void start() {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(LlamaCppServer.isBuilt())
          .as("CI=true: llama.cpp must have been built by .ci/run")
          .isTrue();
    }
    assumeTrue(
        LlamaCppServer.isBuilt(), "llama.cpp server not built (shared/tools/llama-endpoint)");
    llama = LlamaCppServer.start(0, List.of());
    sim =
        Simulator.start(
            SimulatorConfig.builder()
                .models(List.of(LlamaCppServer.MODEL))
                .ttftBase(Duration.ofMillis(5))
                .itl(Duration.ofMillis(1))
                .build());
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
    if (llama != null) {
      llama.close();
    }
  }

  static ObjectNode request(boolean stream, ObjectNode... media) {
    ObjectNode body = SseClient.JSON.createObjectNode();
    body.put("model", LlamaCppServer.MODEL);
    body.put("stream", stream);
    if (stream) {
      body.putObject("stream_options").put("include_usage", true);
    }
    body.put("max_tokens", 8);
    body.put("ignore_eos", true);
    body.put("seed", 11);
    body.put("temperature", 0.8);
    body.put("cache_prompt", false);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    ArrayNode content = message.putArray("content");
    content.addObject().put("type", "text").put("text", "Describe this in a few words.");
    for (ObjectNode part : media) {
      content.add(part);
    }
    return body;
  }

  static ObjectNode image() {
    ObjectNode part = SseClient.JSON.createObjectNode().put("type", "image_url");
    part.putObject("image_url")
        .put("url", TestMedia.dataUrl("image/png", TestMedia.image("png", 64, 48)));
    return part;
  }

  static ObjectNode audio() {
    ObjectNode part = SseClient.JSON.createObjectNode().put("type", "input_audio");
    part.putObject("input_audio")
        .put("data", TestMedia.base64(TestMedia.wav(1.0)))
        .put("format", "wav");
    return part;
  }

  enum Kind {
    ROLE,
    CONTENT,
    FINISH,
    USAGE,
    DONE
  }

  static Kind kind(SseClient.Event e) {
    if (e.done()) {
      return Kind.DONE;
    }
    JsonNode json = e.json();
    if (json.path("choices").size() == 0) {
      return Kind.USAGE;
    }
    JsonNode choice = json.path("choices").get(0);
    if (!choice.path("finish_reason").isNull()) {
      return Kind.FINISH;
    }
    return choice.path("delta").has("role") ? Kind.ROLE : Kind.CONTENT;
  }

  /** ROLE CONTENT+ FINISH USAGE DONE, with runs of CONTENT collapsed to one. */
  static List<Kind> shape(SseClient.Response r) {
    List<Kind> shape = new ArrayList<>();
    for (SseClient.Event e : r.events()) {
      Kind k = kind(e);
      if (shape.isEmpty() || k != Kind.CONTENT || shape.get(shape.size() - 1) != Kind.CONTENT) {
        shape.add(k);
      }
    }
    return shape;
  }

  /** Every field path with its JSON type; array items merged under "[]". */
  static Map<String, String> fields(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    collect("", node, out);
    return out;
  }

  private static void collect(String path, JsonNode node, Map<String, String> out) {
    if (!path.isEmpty()) {
      out.merge(path, node.getNodeType().name(), (a, b) -> a.equals(b) ? a : a + "|" + b);
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        collect(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        collect(path + "[]", item, out);
      }
    }
  }

  static boolean allowed(String path) {
    for (String a : ALLOWED) {
      if (path.equals(a) || path.startsWith(a + ".") || path.startsWith(a + "[]")) {
        return true;
      }
    }
    return false;
  }

  static void assertSameFields(String what, JsonNode simulator, JsonNode real) {
    Map<String, String> s = fields(simulator);
    Map<String, String> r = fields(real);
    Set<String> paths = new TreeSet<>(s.keySet());
    paths.addAll(r.keySet());
    List<String> differences = new ArrayList<>();
    for (String path : paths) {
      if (!allowed(path) && !java.util.Objects.equals(s.get(path), r.get(path))) {
        differences.add(path + ": simulator " + s.get(path) + ", llama.cpp " + r.get(path));
      }
    }
    assertThat(differences)
        .as(what + "\nsimulator: " + simulator + "\nllama.cpp: " + real)
        .isEmpty();
  }

  /** Both servers' events of one kind, merged field-wise per side, must have the same fields. */
  static void assertSameEvents(SseClient.Response simulator, SseClient.Response real) {
    for (Kind k : List.of(Kind.ROLE, Kind.CONTENT, Kind.FINISH, Kind.USAGE)) {
      ObjectNode s = merged(simulator, k);
      ObjectNode r = merged(real, k);
      assertSameFields(k.name() + " events", s, r);
    }
  }

  private static ObjectNode merged(SseClient.Response response, Kind k) {
    ArrayNode all = SseClient.JSON.createArrayNode();
    for (SseClient.Event e : response.events()) {
      if (kind(e) == k) {
        all.add(e.json());
      }
    }
    // compare the first event of the kind and check the others share its fields
    ObjectNode first = (ObjectNode) all.get(0);
    for (JsonNode other : all) {
      assertThat(fields(other)).as(k + " events of one server").isEqualTo(fields(first));
    }
    return first;
  }

  static void assertValuesAClientReliesOn(SseClient.Response r, String server) {
    assertThat(r.status()).as(server).isEqualTo(200);
    assertThat(r.header("content-type")).as(server).startsWith("text/event-stream");
    List<SseClient.Event> events = r.events();
    String id = events.get(0).json().path("id").asText();
    assertThat(id).as(server).startsWith("chatcmpl-");
    long now = System.currentTimeMillis() / 1000;
    for (SseClient.Event e : events.subList(0, events.size() - 1)) {
      JsonNode json = e.json();
      assertThat(json.path("id").asText()).as(server).isEqualTo(id);
      assertThat(json.path("object").asText()).as(server).isEqualTo("chat.completion.chunk");
      assertThat(json.path("model").asText()).as(server).isEqualTo(LlamaCppServer.MODEL);
      assertThat(json.path("created").asLong()).as(server).isBetween(now - 60, now + 60);
      for (JsonNode choice : json.path("choices")) {
        assertThat(choice.path("index").asInt()).as(server).isZero();
      }
    }
    assertThat(events.get(0).json().path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    JsonNode finish =
        events.stream().filter(e -> kind(e) == Kind.FINISH).findFirst().orElseThrow().json();
    assertThat(finish.path("choices").get(0).path("finish_reason").asText())
        .as(server)
        .isEqualTo("length");
    assertThat(finish.path("choices").get(0).path("delta").size()).as(server).isZero();
    JsonNode usage =
        events.stream()
            .filter(e -> kind(e) == Kind.USAGE)
            .findFirst()
            .orElseThrow()
            .json()
            .path("usage");
    assertThat(usage.path("completion_tokens").asInt()).as(server).isEqualTo(8);
    assertThat(usage.path("total_tokens").asInt())
        .as(server)
        .isEqualTo(usage.path("prompt_tokens").asInt() + 8);
    // llama.cpp may merge tokens into fewer chunks; never more chunks than tokens
    assertThat(r.tokenEvents()).as(server).hasSizeBetween(1, 8);
  }

  static int promptTokens(SseClient.Response r) {
    return r.events().stream()
        .filter(e -> kind(e) == Kind.USAGE)
        .findFirst()
        .orElseThrow()
        .json()
        .path("usage")
        .path("prompt_tokens")
        .asInt();
  }

  SseClient.Response[] both(ObjectNode body) throws Exception {
    return new SseClient.Response[] {
      client.post(sim.baseUrl() + "/v1/chat/completions", body.toString()),
      client.post(llama.baseUrl() + "/v1/chat/completions", body.toString())
    };
  }

  @Test
  void textImageAndAudioStreamsHaveTheSameEventShapes() throws Exception {
    Map<String, int[]> prompt = new TreeMap<>();
    for (Map.Entry<String, ObjectNode> c :
        Map.of(
                "text", request(true),
                "image", request(true, image()),
                "audio", request(true, audio()))
            .entrySet()) {
      SseClient.Response[] r = both(c.getValue());
      assertValuesAClientReliesOn(r[0], "simulator " + c.getKey());
      assertValuesAClientReliesOn(r[1], "llama.cpp " + c.getKey());
      List<Kind> expected = List.of(Kind.ROLE, Kind.CONTENT, Kind.FINISH, Kind.USAGE, Kind.DONE);
      assertThat(shape(r[0])).as("simulator " + c.getKey()).isEqualTo(expected);
      assertThat(shape(r[1])).as("llama.cpp " + c.getKey()).isEqualTo(expected);
      assertSameEvents(r[0], r[1]);
      prompt.put(c.getKey(), new int[] {promptTokens(r[0]), promptTokens(r[1])});
    }
    // both charge media as prompt tokens (each its own way)
    for (int server = 0; server < 2; server++) {
      assertThat(prompt.get("image")[server]).isGreaterThan(prompt.get("text")[server]);
      assertThat(prompt.get("audio")[server]).isGreaterThan(prompt.get("text")[server]);
    }
  }

  @Test
  void nonStreamingBodiesHaveTheSameFields() throws Exception {
    SseClient.Response[] r = both(request(false, image()));
    assertThat(r[0].status()).isEqualTo(200);
    assertThat(r[1].status()).isEqualTo(200);
    assertSameFields("chat.completion", r[0].bodyJson(), r[1].bodyJson());
    for (SseClient.Response response : r) {
      JsonNode body = response.bodyJson();
      assertThat(body.path("object").asText()).isEqualTo("chat.completion");
      assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
      assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
    }
  }

  @Test
  void badPartsGetTheSameErrorShape() throws Exception {
    ObjectNode bogus = SseClient.JSON.createObjectNode().put("type", "hologram");
    SseClient.Response[] r = both(request(false, bogus));
    assertThat(r[0].status()).isEqualTo(400);
    assertThat(r[1].status()).isEqualTo(400);
    assertSameFields("error body", r[0].bodyJson(), r[1].bodyJson());
    assertThat(r[0].bodyJson().path("error").path("code").asInt()).isEqualTo(400);
    assertThat(r[1].bodyJson().path("error").path("code").asInt()).isEqualTo(400);
  }
}
