package dev.streamperf.simulator;

import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link Simulator} does, fixed when it is built. Defaults suit a fast local run: TTFT
 * 15 ms plus 10 µs per prompt token and 2 ms per image, 5 ms per output token, 64 ± 16 output
 * tokens, 256 sequences decoding at once, no faults, model {@code streamperf-sim}, a free loopback
 * port.
 *
 * <p>Timing model: a request waits until fewer than {@link #maxRunningSequences()} sequences are
 * decoding (the batch); from admission its first token is due after {@code ttftBase +
 * ttftPerPromptToken × prompt tokens + ttftPerImage × images}; each following chunk of k tokens is
 * due k inter-token latencies (each a sample of {@link #itlDistribution()}, plus {@code
 * decodeSlowdownPerSequence × running sequences}) after the previous one. A chunk is written the
 * moment it is due; how late that was is the emission lateness the simulator measures.
 */
public final class SimulatorConfig {

  /** The model name served when none is configured. */
  public static final String DEFAULT_MODEL = "streamperf-sim";

  private final String host;
  private final int port;
  private final int ioThreads;
  private final List<String> models;
  private final String apiKey;
  private final Tokenizer tokenizer;
  private final int maxModelLen;
  private final int maxRequestBytes;
  private final Duration ttftBase;
  private final Duration ttftPerPromptToken;
  private final Duration ttftPerImage;
  private final Duration itl;
  private final IntervalDistribution itlDistribution;
  private final double itlJitter;
  private final Duration decodeSlowdownPerSequence;
  private final int maxRunningSequences;
  private final int tokensPerChunk;
  private final int reasoningTokens;
  private final OutputLengths outputLengths;
  private final int imagePatchPixels;
  private final double audioTokensPerSecond;
  private final double videoFramesPerSecond;
  private final Map<FaultKind, Double> faultRates;
  private final Duration stallDuration;
  private final Duration slowHeadersDelay;
  private final Duration retryAfter;
  private final long seed;
  private final ScriptedAnswers scriptedAnswers;
  private final Path groundTruthLog;
  private final int groundTruthRetention;
  private final Duration mediaFetchTimeout;

  private SimulatorConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.ioThreads = b.ioThreads;
    this.models = List.copyOf(b.models);
    this.apiKey = b.apiKey;
    this.tokenizer = b.tokenizer;
    this.maxModelLen = b.maxModelLen;
    this.maxRequestBytes = b.maxRequestBytes;
    this.ttftBase = b.ttftBase;
    this.ttftPerPromptToken = b.ttftPerPromptToken;
    this.ttftPerImage = b.ttftPerImage;
    this.itl = b.itl;
    this.itlDistribution = b.itlDistribution;
    this.itlJitter = b.itlJitter;
    this.decodeSlowdownPerSequence = b.decodeSlowdownPerSequence;
    this.maxRunningSequences = b.maxRunningSequences;
    this.tokensPerChunk = b.tokensPerChunk;
    this.reasoningTokens = b.reasoningTokens;
    this.outputLengths = b.outputLengths;
    this.imagePatchPixels = b.imagePatchPixels;
    this.audioTokensPerSecond = b.audioTokensPerSecond;
    this.videoFramesPerSecond = b.videoFramesPerSecond;
    this.faultRates = Collections.unmodifiableMap(new EnumMap<>(b.faultRates));
    this.stallDuration = b.stallDuration;
    this.slowHeadersDelay = b.slowHeadersDelay;
    this.retryAfter = b.retryAfter;
    this.seed = b.seed;
    this.scriptedAnswers = b.scriptedAnswers;
    this.groundTruthLog = b.groundTruthLog;
    this.groundTruthRetention = b.groundTruthRetention;
    this.mediaFetchTimeout = b.mediaFetchTimeout;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static SimulatorConfig defaults() {
    return builder().build();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The address it listens on; {@code 127.0.0.1} by default. */
  public String host() {
    return host;
  }

  /** The port; 0 takes a free one. */
  public int port() {
    return port;
  }

  /** Netty event-loop threads; 0 means one per available processor. */
  public int ioThreads() {
    return ioThreads;
  }

  /** The model names served; the first is used when a request names none. */
  public List<String> models() {
    return models;
  }

  /** The API key {@code /v1} requires as {@code Authorization: Bearer KEY}, if any. */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** Counts prompt and completion tokens (and chooses the text generated). */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Prompt plus completion tokens a request may need, like vLLM's {@code max_model_len}. */
  public int maxModelLen() {
    return maxModelLen;
  }

  /** The largest request body accepted (413 beyond). */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public Duration ttftBase() {
    return ttftBase;
  }

  public Duration ttftPerPromptToken() {
    return ttftPerPromptToken;
  }

  public Duration ttftPerImage() {
    return ttftPerImage;
  }

  /** Mean inter-token latency: the time one output token takes. */
  public Duration itl() {
    return itl;
  }

  public IntervalDistribution itlDistribution() {
    return itlDistribution;
  }

  /** Coefficient of variation of the inter-token latency (ignored for CONSTANT). */
  public double itlJitter() {
    return itlJitter;
  }

  /** Added to each token's latency per sequence decoding at that moment. */
  public Duration decodeSlowdownPerSequence() {
    return decodeSlowdownPerSequence;
  }

  /** At most this many sequences decode at once; the rest wait in arrival order. */
  public int maxRunningSequences() {
    return maxRunningSequences;
  }

  /** Tokens per content chunk: 1 like vLLM by default, more like speculative decoding. */
  public int tokensPerChunk() {
    return tokensPerChunk;
  }

  /** Tokens of {@code reasoning_content} emitted before the content (part of the output). */
  public int reasoningTokens() {
    return reasoningTokens;
  }

  public OutputLengths outputLengths() {
    return outputLengths;
  }

  /** An image costs one prompt token per started patch of this many pixels square (28). */
  public int imagePatchPixels() {
    return imagePatchPixels;
  }

  /** Prompt tokens per second of audio. */
  public double audioTokensPerSecond() {
    return audioTokensPerSecond;
  }

  /** Video frames sampled per second; each costs what an image of the frame size costs. */
  public double videoFramesPerSecond() {
    return videoFramesPerSecond;
  }

  /** The probability of each fault per request; absent kinds are 0. */
  public Map<FaultKind, Double> faultRates() {
    return faultRates;
  }

  /** The rate of one fault. */
  public double faultRate(FaultKind kind) {
    return faultRates.getOrDefault(kind, 0.0);
  }

  public Duration stallDuration() {
    return stallDuration;
  }

  public Duration slowHeadersDelay() {
    return slowHeadersDelay;
  }

  /** The {@code Retry-After} of 429 and 503 answers (whole seconds). */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Seeds faults, output lengths, jitter and the text of requests that carry no seed. */
  public long seed() {
    return seed;
  }

  public ScriptedAnswers scriptedAnswers() {
    return scriptedAnswers;
  }

  /** Where each finished request's ground truth is appended as one JSON line, if anywhere. */
  public Optional<Path> groundTruthLog() {
    return Optional.ofNullable(groundTruthLog);
  }

  /** How many finished requests' ground truth is kept in memory; 0 keeps none. */
  public int groundTruthRetention() {
    return groundTruthRetention;
  }

  /** How long fetching an http(s) media URL may take. */
  public Duration mediaFetchTimeout() {
    return mediaFetchTimeout;
  }

  /** Builds a {@link SimulatorConfig}; every setter checks its value and names it when bad. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private int ioThreads = 0;
    private List<String> models = List.of(DEFAULT_MODEL);
    private String apiKey;
    private Tokenizer tokenizer = Tokenizers.builtin();
    private int maxModelLen = 32_768;
    private int maxRequestBytes = 64 * 1024 * 1024;
    private Duration ttftBase = Duration.ofMillis(15);
    private Duration ttftPerPromptToken = Duration.ofNanos(10_000);
    private Duration ttftPerImage = Duration.ofMillis(2);
    private Duration itl = Duration.ofMillis(5);
    private IntervalDistribution itlDistribution = IntervalDistribution.CONSTANT;
    private double itlJitter = 0;
    private Duration decodeSlowdownPerSequence = Duration.ZERO;
    private int maxRunningSequences = 256;
    private int tokensPerChunk = 1;
    private int reasoningTokens = 0;
    private OutputLengths outputLengths = OutputLengths.DEFAULT;
    private int imagePatchPixels = 28;
    private double audioTokensPerSecond = 25;
    private double videoFramesPerSecond = 2;
    private final Map<FaultKind, Double> faultRates = new EnumMap<>(FaultKind.class);
    private Duration stallDuration = Duration.ofSeconds(2);
    private Duration slowHeadersDelay = Duration.ofSeconds(1);
    private Duration retryAfter = Duration.ofSeconds(1);
    private long seed = 0;
    private ScriptedAnswers scriptedAnswers = ScriptedAnswers.NONE;
    private Path groundTruthLog;
    private int groundTruthRetention = 10_000;
    private Duration mediaFetchTimeout = Duration.ofSeconds(10);

    private Builder() {}

    private Builder(SimulatorConfig c) {
      host = c.host;
      port = c.port;
      ioThreads = c.ioThreads;
      models = c.models;
      apiKey = c.apiKey;
      tokenizer = c.tokenizer;
      maxModelLen = c.maxModelLen;
      maxRequestBytes = c.maxRequestBytes;
      ttftBase = c.ttftBase;
      ttftPerPromptToken = c.ttftPerPromptToken;
      ttftPerImage = c.ttftPerImage;
      itl = c.itl;
      itlDistribution = c.itlDistribution;
      itlJitter = c.itlJitter;
      decodeSlowdownPerSequence = c.decodeSlowdownPerSequence;
      maxRunningSequences = c.maxRunningSequences;
      tokensPerChunk = c.tokensPerChunk;
      reasoningTokens = c.reasoningTokens;
      outputLengths = c.outputLengths;
      imagePatchPixels = c.imagePatchPixels;
      audioTokensPerSecond = c.audioTokensPerSecond;
      videoFramesPerSecond = c.videoFramesPerSecond;
      faultRates.putAll(c.faultRates);
      stallDuration = c.stallDuration;
      slowHeadersDelay = c.slowHeadersDelay;
      retryAfter = c.retryAfter;
      seed = c.seed;
      scriptedAnswers = c.scriptedAnswers;
      groundTruthLog = c.groundTruthLog;
      groundTruthRetention = c.groundTruthRetention;
      mediaFetchTimeout = c.mediaFetchTimeout;
    }

    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host: '" + host + "' (expected: an address)");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = inRange("port", port, 0, 65_535);
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = atLeast("io threads", ioThreads, 0);
      return this;
    }

    public Builder models(List<String> models) {
      Objects.requireNonNull(models, "models");
      if (models.isEmpty()) {
        throw new IllegalArgumentException("models: [] (expected: at least one model name)");
      }
      List<String> copy = new ArrayList<>();
      for (String model : models) {
        if (model == null || model.isBlank()) {
          throw new IllegalArgumentException(
              "models: '" + model + "' (expected: a non-blank name)");
        }
        if (copy.contains(model)) {
          throw new IllegalArgumentException("models: " + model + " given twice");
        }
        copy.add(model);
      }
      this.models = copy;
      return this;
    }

    /** The key clients must send as a Bearer token; null or blank turns authentication off. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    public Builder tokenizer(Tokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    public Builder maxModelLen(int maxModelLen) {
      this.maxModelLen = atLeast("max model len", maxModelLen, 1);
      return this;
    }

    public Builder maxRequestBytes(int maxRequestBytes) {
      this.maxRequestBytes = atLeast("max request bytes", maxRequestBytes, 1024);
      return this;
    }

    public Builder ttftBase(Duration ttftBase) {
      this.ttftBase = nonNegative("time to first token base", ttftBase);
      return this;
    }

    public Builder ttftPerPromptToken(Duration perToken) {
      this.ttftPerPromptToken = nonNegative("time to first token per prompt token", perToken);
      return this;
    }

    public Builder ttftPerImage(Duration perImage) {
      this.ttftPerImage = nonNegative("time to first token per image", perImage);
      return this;
    }

    public Builder itl(Duration itl) {
      this.itl = nonNegative("inter-token latency", itl);
      return this;
    }

    public Builder itlDistribution(IntervalDistribution distribution) {
      this.itlDistribution = Objects.requireNonNull(distribution, "itl distribution");
      return this;
    }

    public Builder itlJitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 10)) {
        throw new IllegalArgumentException(
            "inter-token latency jitter: " + jitter + " (expected: between 0 and 10)");
      }
      this.itlJitter = jitter;
      return this;
    }

    public Builder decodeSlowdownPerSequence(Duration slowdown) {
      this.decodeSlowdownPerSequence = nonNegative("decode slowdown per sequence", slowdown);
      return this;
    }

    public Builder maxRunningSequences(int max) {
      this.maxRunningSequences = atLeast("max running sequences", max, 1);
      return this;
    }

    public Builder tokensPerChunk(int tokens) {
      this.tokensPerChunk = atLeast("tokens per chunk", tokens, 1);
      return this;
    }

    public Builder reasoningTokens(int tokens) {
      this.reasoningTokens = atLeast("reasoning tokens", tokens, 0);
      return this;
    }

    public Builder outputLengths(OutputLengths lengths) {
      this.outputLengths = Objects.requireNonNull(lengths, "output lengths");
      return this;
    }

    public Builder imagePatchPixels(int pixels) {
      this.imagePatchPixels = atLeast("image patch pixels", pixels, 1);
      return this;
    }

    public Builder audioTokensPerSecond(double tokens) {
      if (!(tokens >= 0 && Double.isFinite(tokens))) {
        throw new IllegalArgumentException(
            "audio tokens per second: " + tokens + " (expected: >= 0)");
      }
      this.audioTokensPerSecond = tokens;
      return this;
    }

    public Builder videoFramesPerSecond(double fps) {
      if (!(fps > 0 && Double.isFinite(fps))) {
        throw new IllegalArgumentException("video frames per second: " + fps + " (expected: > 0)");
      }
      this.videoFramesPerSecond = fps;
      return this;
    }

    /** The probability, between 0 and 1, that a request suffers this fault. */
    public Builder faultRate(FaultKind kind, double rate) {
      Objects.requireNonNull(kind, "fault kind");
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException(
            "fault rate " + kind.label() + ": " + rate + " (expected: between 0 and 1)");
      }
      if (rate == 0) {
        faultRates.remove(kind);
      } else {
        faultRates.put(kind, rate);
      }
      return this;
    }

    public Builder stallDuration(Duration stall) {
      this.stallDuration = nonNegative("stall duration", stall);
      return this;
    }

    public Builder slowHeadersDelay(Duration delay) {
      this.slowHeadersDelay = nonNegative("slow headers delay", delay);
      return this;
    }

    public Builder retryAfter(Duration retryAfter) {
      nonNegative("retry after", retryAfter);
      if (retryAfter.getNano() != 0) {
        throw new IllegalArgumentException(
            "retry after: " + millis(retryAfter) + " (expected: whole seconds)");
      }
      this.retryAfter = retryAfter;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder scriptedAnswers(ScriptedAnswers answers) {
      this.scriptedAnswers = Objects.requireNonNull(answers, "scripted answers");
      return this;
    }

    /** Loads the rules file now, so a bad rule fails here with its file and line. */
    public Builder scriptedAnswers(Path file) {
      this.scriptedAnswers = ScriptedAnswers.load(file);
      return this;
    }

    public Builder groundTruthLog(Path file) {
      this.groundTruthLog = file;
      return this;
    }

    public Builder groundTruthRetention(int requests) {
      this.groundTruthRetention = atLeast("ground truth retention", requests, 0);
      return this;
    }

    public Builder mediaFetchTimeout(Duration timeout) {
      this.mediaFetchTimeout = nonNegative("media fetch timeout", timeout);
      if (timeout.isZero()) {
        throw new IllegalArgumentException("media fetch timeout: 0 ms (expected: > 0)");
      }
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException when the fault rates add up to more than 1
     */
    public SimulatorConfig build() {
      double total = 0;
      for (double rate : faultRates.values()) {
        total += rate;
      }
      if (total > 1 + 1e-9) {
        throw new IllegalArgumentException(
            "fault rates: " + faultRates + " sum to " + total + " (expected: <= 1)");
      }
      return new SimulatorConfig(this);
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(
            name + ": " + value + " (expected: " + (min == 1 ? "> 0" : ">= " + min) + ")");
      }
      return value;
    }

    private static int inRange(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + ": " + value + " (expected: between " + min + " and " + max + ")");
      }
      return value;
    }

    private static Duration nonNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + ": " + millis(value) + " (expected: >= 0)");
      }
      return value;
    }
  }

  /** "1.5 ms", "-1 ms": a duration as the messages show it. */
  static String millis(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString() + " ms";
  }
}
