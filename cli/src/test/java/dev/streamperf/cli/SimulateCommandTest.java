package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateCommandTest {

  @Test
  void servesUntilStoppedWithTheOptionsGiven() throws Exception {
    CommandLine cli = StreamperfCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int[] code = {-1};
    Thread run =
        new Thread(
            () ->
                code[0] =
                    cli.execute(
                        "simulate",
                        "--sim-model",
                        "my-model",
                        "--sim-api-key",
                        "sk-1",
                        "--sim-ttft-ms",
                        "1",
                        "--sim-itl-ms",
                        "0.5",
                        "--sim-output-tokens-mean",
                        "7",
                        "--sim-output-tokens-stddev",
                        "0",
                        "--sim-fault",
                        "http-503=0"));
    run.start();
    Matcher url = Pattern.compile("listening on (http://\\S+)").matcher("");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // The banner's lines are printed one by one: wait for its last one, then read it whole.
    while (!out.toString().contains("Faults:")) {
      assertThat(System.nanoTime()).as("no banner printed: " + out).isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(url.reset(out.toString()).find()).as("URL in " + out).isTrue();
    String base = url.group(1);
    assertThat(out.toString()).contains("Models:        my-model").contains("Faults:        none");

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> unauthorized =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer sk-1")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"my-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"completion_tokens\":7");

    run.interrupt();
    run.join(10_000);
    assertThat(run.isAlive()).isFalse();
    assertThat(code[0]).isZero();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("streamperf-simulator")))
        .isEmpty();
  }

  @Test
  void badValuesNameTheOption() {
    StreamperfCommandTest.Run itl = StreamperfCommandTest.run("simulate", "--sim-itl-ms", "-1");
    assertThat(itl.code()).isEqualTo(1);
    assertThat(itl.err()).contains("--sim-itl-ms: inter-token latency: -1 ms (expected: >= 0)");
    StreamperfCommandTest.Run fault =
        StreamperfCommandTest.run("simulate", "--sim-fault", "explode=0.1");
    assertThat(fault.code()).isEqualTo(1);
    assertThat(fault.err()).contains("--sim-fault: fault: explode (expected one of: http-500");
    StreamperfCommandTest.Run rates =
        StreamperfCommandTest.run(
            "simulate", "--sim-fault", "reset=0.7", "--sim-fault", "stall=0.7");
    assertThat(rates.err()).contains("--sim-fault: fault rates:").contains("(expected: <= 1)");
    StreamperfCommandTest.Run answers =
        StreamperfCommandTest.run("simulate", "--sim-answers", "/nonexistent/answers.jsonl");
    assertThat(answers.code()).isEqualTo(1);
    assertThat(answers.err()).contains("/nonexistent/answers.jsonl");
  }
}
