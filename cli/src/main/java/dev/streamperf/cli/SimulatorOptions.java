package dev.streamperf.cli;

import dev.streamperf.schemas.tokenizer.Tokenizers;
import dev.streamperf.simulator.FaultKind;
import dev.streamperf.simulator.IntervalDistribution;
import dev.streamperf.simulator.OutputLengths;
import dev.streamperf.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The simulator's options, a mixin of {@code streamperf simulate} and of {@code streamperf profile}
 * (which starts the simulator when given no {@code --url}); prefixed {@code --sim-} so they never
 * clash with the worker's options for the real endpoint. Times are milliseconds.
 */
public final class SimulatorOptions {

  @Option(
      names = "--sim-host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address the simulator listens on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--sim-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Port; 0 takes a free one, printed at start (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--sim-model",
      paramLabel = "NAME",
      description =
          "Model name served; repeat for several, the first answers requests that name none"
              + " (default: "
              + SimulatorConfig.DEFAULT_MODEL
              + ").")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--sim-api-key",
      paramLabel = "KEY",
      description = "Answer 401 on /v1 unless the request carries Authorization: Bearer KEY.")
  String apiKey;

  @Option(
      names = "--sim-tokenizer",
      paramLabel = "SPEC",
      defaultValue = Tokenizers.BUILTIN,
      description =
          "Tokenizer that counts prompt and completion tokens: builtin (o200k_base), a"
              + " tokenizer.json, or a Hugging Face model id (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(
      names = "--sim-max-model-len",
      paramLabel = "TOKENS",
      defaultValue = "32768",
      description =
          "Context length: prompt plus max_tokens beyond it is a 400 (default: ${DEFAULT-VALUE}).")
  int maxModelLen;

  @Option(
      names = "--sim-ttft-ms",
      paramLabel = "MS",
      defaultValue = "15",
      description = "Time to first token after admission, base part (default: ${DEFAULT-VALUE}).")
  double ttftMs;

  @Option(
      names = "--sim-ttft-per-token-ms",
      paramLabel = "MS",
      defaultValue = "0.01",
      description = "Time to first token added per prompt token (default: ${DEFAULT-VALUE}).")
  double ttftPerTokenMs;

  @Option(
      names = "--sim-ttft-per-image-ms",
      paramLabel = "MS",
      defaultValue = "2",
      description =
          "Time to first token added per image or sampled video frame (default: ${DEFAULT-VALUE}).")
  double ttftPerImageMs;

  @Option(
      names = "--sim-itl-ms",
      paramLabel = "MS",
      defaultValue = "5",
      description = "Mean inter-token latency (default: ${DEFAULT-VALUE}).")
  double itlMs;

  @Option(
      names = "--sim-itl-distribution",
      paramLabel = "KIND",
      defaultValue = "constant",
      description = "constant, normal or lognormal (default: ${DEFAULT-VALUE}).")
  IntervalDistribution itlDistribution;

  @Option(
      names = "--sim-itl-jitter",
      paramLabel = "CV",
      defaultValue = "0",
      description =
          "Coefficient of variation of the inter-token latency for normal and lognormal"
              + " (default: ${DEFAULT-VALUE}).")
  double itlJitter;

  @Option(
      names = "--sim-decode-slowdown-ms",
      paramLabel = "MS",
      defaultValue = "0",
      description =
          "Added to each token's latency per sequence decoding at that moment (default:"
              + " ${DEFAULT-VALUE}).")
  double decodeSlowdownMs;

  @Option(
      names = "--sim-max-running",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "Sequences decoding at once, like vLLM's max_num_seqs; the rest queue (default:"
              + " ${DEFAULT-VALUE}).")
  int maxRunning;

  @Option(
      names = "--sim-tokens-per-chunk",
      paramLabel = "N",
      defaultValue = "1",
      description = "Tokens per content chunk after the first (default: ${DEFAULT-VALUE}).")
  int tokensPerChunk;

  @Option(
      names = "--sim-reasoning-tokens",
      paramLabel = "N",
      defaultValue = "0",
      description = "Tokens of reasoning_content before the content (default: ${DEFAULT-VALUE}).")
  int reasoningTokens;

  @Option(
      names = "--sim-output-tokens-mean",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Mean output length when a request does not fix it (default: ${DEFAULT-VALUE}).")
  double outputMean;

  @Option(
      names = "--sim-output-tokens-stddev",
      paramLabel = "N",
      defaultValue = "16",
      description = "Standard deviation of the output length (default: ${DEFAULT-VALUE}).")
  double outputStddev;

  @Option(
      names = "--sim-output-tokens-max",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Longest output drawn from the distribution (default: ${DEFAULT-VALUE}).")
  int outputMax;

  @Option(
      names = "--sim-image-patch",
      paramLabel = "PIXELS",
      defaultValue = "28",
      description =
          "An image costs one prompt token per started square patch of this side (default:"
              + " ${DEFAULT-VALUE}).")
  int imagePatch;

  @Option(
      names = "--sim-audio-tokens-per-second",
      paramLabel = "N",
      defaultValue = "25",
      description = "Prompt tokens per second of audio (default: ${DEFAULT-VALUE}).")
  double audioTokensPerSecond;

  @Option(
      names = "--sim-video-fps",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Video frames sampled per second, each charged as an image (default: ${DEFAULT-VALUE}).")
  double videoFps;

  @Option(
      names = "--sim-fault",
      paramLabel = "KIND=RATE",
      description =
          "Inject a fault into this share of requests, e.g. http-503=0.01; repeatable. Kinds:"
              + " http-500, http-503, http-429, reset, stall, malformed-chunk, cut, slow-headers.")
  Map<String, Double> faults = new LinkedHashMap<>();

  @Option(
      names = "--sim-stall-ms",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "How long a stall fault pauses the stream (default: ${DEFAULT-VALUE}).")
  double stallMs;

  @Option(
      names = "--sim-slow-headers-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description = "How long the slow-headers fault delays headers (default: ${DEFAULT-VALUE}).")
  double slowHeadersMs;

  @Option(
      names = "--sim-retry-after",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description = "Retry-After of injected 429 and 503 answers (default: ${DEFAULT-VALUE}).")
  int retryAfterSeconds;

  @Option(
      names = "--sim-seed",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Seed of faults, output lengths, jitter and unseeded text (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--sim-answers",
      paramLabel = "FILE",
      description =
          "Scripted answers, JSONL: {\"contains\": TEXT, \"answer\": TEXT} or {\"regex\": RE,"
              + " \"answer\": TEXT} per line; the first rule matching the last user message wins.")
  Path answers;

  @Option(
      names = "--sim-ground-truth-log",
      paramLabel = "FILE",
      description =
          "Append each finished request's intended and actual event instants (epoch µs) as JSON"
              + " lines.")
  Path groundTruthLog;

  @Option(
      names = "--sim-io-threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "Event-loop threads; 0 takes one per CPU (default: ${DEFAULT-VALUE}).")
  int ioThreads;

  /**
   * The configuration these options describe.
   *
   * @throws IllegalArgumentException naming the option and the bad value
   */
  public SimulatorConfig config() {
    SimulatorConfig.Builder b = SimulatorConfig.builder();
    set("--sim-host", () -> b.host(host));
    set("--sim-port", () -> b.port(port));
    set("--sim-io-threads", () -> b.ioThreads(ioThreads));
    if (!models.isEmpty()) {
      set("--sim-model", () -> b.models(models));
    }
    b.apiKey(apiKey);
    set("--sim-tokenizer", () -> b.tokenizer(Tokenizers.load(tokenizer)));
    set("--sim-max-model-len", () -> b.maxModelLen(maxModelLen));
    set("--sim-ttft-ms", () -> b.ttftBase(ms(ttftMs)));
    set("--sim-ttft-per-token-ms", () -> b.ttftPerPromptToken(ms(ttftPerTokenMs)));
    set("--sim-ttft-per-image-ms", () -> b.ttftPerImage(ms(ttftPerImageMs)));
    set("--sim-itl-ms", () -> b.itl(ms(itlMs)));
    b.itlDistribution(itlDistribution);
    set("--sim-itl-jitter", () -> b.itlJitter(itlJitter));
    set("--sim-decode-slowdown-ms", () -> b.decodeSlowdownPerSequence(ms(decodeSlowdownMs)));
    set("--sim-max-running", () -> b.maxRunningSequences(maxRunning));
    set("--sim-tokens-per-chunk", () -> b.tokensPerChunk(tokensPerChunk));
    set("--sim-reasoning-tokens", () -> b.reasoningTokens(reasoningTokens));
    set(
        "--sim-output-tokens-mean",
        () -> b.outputLengths(new OutputLengths(outputMean, outputStddev, 1, outputMax)));
    set("--sim-image-patch", () -> b.imagePatchPixels(imagePatch));
    set("--sim-audio-tokens-per-second", () -> b.audioTokensPerSecond(audioTokensPerSecond));
    set("--sim-video-fps", () -> b.videoFramesPerSecond(videoFps));
    for (Map.Entry<String, Double> fault : faults.entrySet()) {
      set("--sim-fault", () -> b.faultRate(FaultKind.fromLabel(fault.getKey()), fault.getValue()));
    }
    set("--sim-stall-ms", () -> b.stallDuration(ms(stallMs)));
    set("--sim-slow-headers-ms", () -> b.slowHeadersDelay(ms(slowHeadersMs)));
    set("--sim-retry-after", () -> b.retryAfter(Duration.ofSeconds(retryAfterSeconds)));
    b.seed(seed);
    if (answers != null) {
      set("--sim-answers", () -> b.scriptedAnswers(answers));
    }
    b.groundTruthLog(groundTruthLog);
    // nothing in a streamperf process reads the in-process record (the side log is how the truth
    // leaves it), and keeping 10,000 responses' events alive for tens of seconds makes each young
    // collection copy them (bench simulator: G1 pauses of 7-25 ms in the event loops, measured)
    b.groundTruthRetention(0);
    SimulatorConfig[] built = new SimulatorConfig[1];
    set("--sim-fault", () -> built[0] = b.build());
    return built[0];
  }

  private static Duration ms(double millis) {
    if (!Double.isFinite(millis)) {
      throw new IllegalArgumentException(millis + " ms (expected: a finite number)");
    }
    return Duration.ofNanos(Math.round(millis * 1e6));
  }

  /** Runs a builder step; a rejected value fails naming the option. */
  private static void set(String option, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }
}
