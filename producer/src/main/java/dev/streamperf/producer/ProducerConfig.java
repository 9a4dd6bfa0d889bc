package dev.streamperf.producer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.spec.AudioSpec;
import dev.streamperf.producer.spec.ConversationSpec;
import dev.streamperf.producer.spec.ExtraInputs;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.ModelSelection;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.clock.MicrosClock;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.IsolationLevel;

/**
 * Everything one run of the producer needs, immutable and checked where it is built: the cluster,
 * what is asked (models, synthetic text, images, audio, conversation shape, extra inputs), how it
 * is scheduled (closed or open loop, warmup, stop), and how it is published. Build with {@link
 * #builder(ClusterConfig)}; every setter and {@link Builder#build()} reject bad values with a
 * message naming the option and the value.
 */
public final class ProducerConfig {

  /** Default time a request is published ahead of its intended send time. */
  public static final Duration DEFAULT_LEAD = Duration.ofMillis(250);

  /**
   * Default longest time an open-loop transaction of requests stays uncommitted: well inside the
   * default lead, and long enough that commits do not throttle publication (10 ms measured 46,678
   * requests/s on 2 cores, 50 ms 60,164).
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);

  /** Default interval of the STARTED records that report the produced counts so far. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClusterConfig cluster;
  private final String runId;
  private final List<String> models;
  private final ModelSelection modelSelection;
  private final boolean streaming;
  private final String tokenizer;
  private final Long randomSeed;
  private final PromptSpec prompts;
  private final ConversationSpec conversation;
  private final ImageSpec images;
  private final AudioSpec audio;
  private final ExtraInputs extraInputs;
  private final LoadSpec load;
  private final StopSpec stop;
  private final boolean soak;

  /** Whether {@link #stop} is AIPerf's default, not what was given (toBuilder gives none back). */
  private final boolean stopDefaulted;

  private final WarmupSpec warmup;
  private final List<String> endpoints;
  private final Duration lead;
  private final Duration commitInterval;
  private final Duration progressInterval;
  private final IsolationLevel resultsIsolation;
  private final MicrosClock clock;
  private final Tokenizers.HubOptions tokenizerHub;
  private final InputSpec input;

  private ProducerConfig(Builder b) {
    this.cluster = b.cluster;
    this.runId = b.runId;
    this.models = List.copyOf(b.models);
    this.modelSelection = b.modelSelection;
    this.streaming = b.streaming;
    this.tokenizer = b.tokenizer;
    this.randomSeed = b.randomSeed;
    this.prompts = b.prompts;
    this.conversation = b.conversation;
    this.images = b.images;
    this.audio = b.audio;
    this.extraInputs = b.extraInputs;
    this.load = b.load;
    this.warmup = b.warmup;
    this.endpoints = List.copyOf(b.endpoints);
    this.lead = b.lead;
    this.commitInterval = b.commitInterval;
    this.progressInterval = b.progressInterval;
    this.resultsIsolation = b.resultsIsolation;
    this.clock = b.clock;
    this.tokenizerHub = b.tokenizerHub;
    this.input = b.input;
    if (b.soak && b.stop.bounded()) {
      throw new IllegalArgumentException(
          "--soak: expected without --request-count, --num-sessions or --benchmark-duration");
    }
    this.soak = b.soak;
    // a finite input (a file, a dataset, a replayed run) ends with its last session
    boolean endsByItself = b.input != null && b.input.finite();
    this.stopDefaulted = !b.stop.bounded() && !b.soak && !endsByItself;
    this.stop =
        b.stop.bounded() || b.soak || endsByItself
            ? b.stop
            : new StopSpec(defaultRequestCount(b.load), null, null);
  }

  /** AIPerf's default for synthetic data: {@code max(10, 2 × concurrency)} requests. */
  static long defaultRequestCount(LoadSpec load) {
    int concurrency = 1;
    if (load instanceof LoadSpec.ClosedLoop c) {
      concurrency = c.concurrency();
    } else if (load instanceof LoadSpec.OpenLoop o && o.concurrencyCap() != null) {
      concurrency = o.concurrencyCap();
    }
    return Math.max(10, 2L * concurrency);
  }

  public static Builder builder(ClusterConfig cluster) {
    return new Builder(cluster);
  }

  /** A builder holding this configuration, to change a few values. */
  public Builder toBuilder() {
    Builder b = new Builder(cluster);
    b.runId = runId;
    b.models = models;
    b.modelSelection = modelSelection;
    b.streaming = streaming;
    b.tokenizer = tokenizer;
    b.randomSeed = randomSeed;
    b.prompts = prompts;
    b.conversation = conversation;
    b.images = images;
    b.audio = audio;
    b.extraInputs = extraInputs;
    b.load = load;
    b.stop = stopDefaulted ? new StopSpec(null, null, null) : stop;
    b.soak = soak;
    b.warmup = warmup;
    b.endpoints = endpoints;
    b.lead = lead;
    b.commitInterval = commitInterval;
    b.progressInterval = progressInterval;
    b.resultsIsolation = resultsIsolation;
    b.clock = clock;
    b.tokenizerHub = tokenizerHub;
    b.input = input;
    return b;
  }

  public ClusterConfig cluster() {
    return cluster;
  }

  /** The run id given, or null to generate one. */
  public String runId() {
    return runId;
  }

  public List<String> models() {
    return models;
  }

  public ModelSelection modelSelection() {
    return modelSelection;
  }

  public boolean streaming() {
    return streaming;
  }

  /**
   * The tokenizer spec: as given, or AIPerf's default (the model name) when the model is a Hugging
   * Face id ({@code ORG/NAME}), else {@code builtin}.
   */
  public String tokenizer() {
    if (tokenizer != null) {
      return tokenizer;
    }
    String model = models.get(0);
    return model.contains("/") ? model : Tokenizers.BUILTIN;
  }

  /** The seed given, or null to draw one (recorded with the run, so a restart reuses it). */
  public Long randomSeed() {
    return randomSeed;
  }

  public PromptSpec prompts() {
    return prompts;
  }

  public ConversationSpec conversation() {
    return conversation;
  }

  public ImageSpec images() {
    return images;
  }

  public AudioSpec audio() {
    return audio;
  }

  public ExtraInputs extraInputs() {
    return extraInputs;
  }

  public LoadSpec load() {
    return load;
  }

  /** The stop condition; AIPerf's default request count when none was given. */
  public StopSpec stop() {
    return stop;
  }

  /** Whether the run has no stop condition and publishes until stopped (soak testing). */
  public boolean soak() {
    return soak;
  }

  public WarmupSpec warmup() {
    return warmup;
  }

  public List<String> endpoints() {
    return endpoints;
  }

  public Duration lead() {
    return lead;
  }

  public Duration commitInterval() {
    return commitInterval;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  public IsolationLevel resultsIsolation() {
    return resultsIsolation;
  }

  public MicrosClock clock() {
    return clock;
  }

  public Tokenizers.HubOptions tokenizerHub() {
    return tokenizerHub;
  }

  /**
   * Where the sessions come from when they are not synthetic (an input file, a public dataset, an
   * earlier run); null for synthetic sessions.
   */
  public InputSpec input() {
    return input;
  }

  /** Whether results are read back (closed loop, or an open loop with a concurrency cap). */
  public boolean readsResults() {
    return load instanceof LoadSpec.ClosedLoop
        || (load instanceof LoadSpec.OpenLoop o && o.concurrencyCap() != null);
  }

  /**
   * The configuration as recorded in the run's RunEvent: every option that shapes the requests and
   * their schedule, the seed in force, and how the cluster was reached, without secrets (no client
   * property values that could hold credentials, no user info in URLs).
   */
  public ObjectNode toJson(long effectiveSeed, String tokenizerName) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode modelArray = root.putArray("models");
    models.forEach(modelArray::add);
    root.put("model_selection", lower(modelSelection));
    root.put("streaming", streaming);
    root.put("tokenizer", tokenizer());
    root.put("tokenizer_name", tokenizerName);
    root.put("random_seed", effectiveSeed);
    root.put("random_seed_given", randomSeed != null);
    root.set("prompts", JSON.valueToTree(prompts));
    root.set("conversation", JSON.valueToTree(conversation));
    ObjectNode image = JSON.valueToTree(images);
    image.put("format", lower(images.format()));
    root.set("images", image);
    ObjectNode sound = JSON.valueToTree(audio);
    sound.put("format", lower(audio.format()));
    root.set("audio", sound);
    root.set("extra_inputs", extraInputs.asJson());
    if (input != null) {
      root.set("input", inputJson());
    }
    ObjectNode loadNode = root.putObject("load");
    if (load instanceof LoadSpec.ClosedLoop c) {
      loadNode.put("mode", "closed");
      loadNode.put("concurrency", c.concurrency());
      putDuration(loadNode, "concurrency_ramp", c.concurrencyRamp());
    } else if (load instanceof LoadSpec.OpenLoop o) {
      loadNode.put("mode", "open");
      loadNode.put("request_rate", o.rate());
      loadNode.put("arrival_pattern", lower(o.pattern()));
      loadNode.put("arrival_smoothness", o.shape());
      if (o.concurrencyCap() != null) {
        loadNode.put("concurrency", o.concurrencyCap());
      }
      putDuration(loadNode, "request_rate_ramp", o.rateRamp());
      putDuration(loadNode, "concurrency_ramp", o.concurrencyRamp());
    }
    ObjectNode stopNode = root.putObject("stop");
    if (stop.requestCount() != null) {
      stopNode.put("request_count", stop.requestCount());
    }
    if (stop.sessionCount() != null) {
      stopNode.put("session_count", stop.sessionCount());
    }
    putDuration(stopNode, "benchmark_duration", stop.duration());
    if (soak) {
      stopNode.put("soak", true);
    }
    ObjectNode warmupNode = root.putObject("warmup");
    if (warmup.requestCount() != null) {
      warmupNode.put("request_count", warmup.requestCount());
    }
    putDuration(warmupNode, "duration", warmup.duration());
    putDuration(root, "schedule_lead", lead);
    putDuration(root, "commit_interval", commitInterval);
    root.put("results_isolation", lower(resultsIsolation));
    ArrayNode endpointArray = root.putArray("endpoints");
    endpoints.forEach(e -> endpointArray.add(withoutUserInfo(e)));
    ObjectNode kafka = root.putObject("cluster");
    kafka.put("bootstrap_servers", cluster.bootstrapServers());
    kafka.put("schema_registry_url", withoutUserInfo(cluster.schemaRegistryUrl()));
    kafka.put("topic_prefix", cluster.topics().prefix());
    ArrayNode keys = kafka.putArray("kafka_property_keys");
    cluster.kafkaProperties().keySet().stream().sorted().forEach(keys::add);
    return root;
  }

  private ObjectNode inputJson() {
    ObjectNode node = JSON.createObjectNode();
    if (input instanceof InputSpec.File f) {
      node.put("input_file", f.path().toString());
      node.put("custom_dataset_type", f.format() == null ? null : f.format().label());
      node.put("media_urls", lower(f.mediaUrls()));
    } else if (input instanceof InputSpec.Dataset d) {
      node.put("public_dataset", d.name());
      node.put("dataset_path", d.localPath() == null ? null : d.localPath().toString());
      node.put("hf_endpoint", withoutUserInfo(d.endpoint().toString()));
    } else if (input instanceof InputSpec.Replay r) {
      node.put("replay_of", r.runId());
      node.put("speed", r.speed());
    }
    if (input.schedule() != null && !(input instanceof InputSpec.Replay)) {
      ObjectNode fixed = node.putObject("fixed_schedule");
      fixed.put("auto_offset", input.schedule().autoOffset());
      fixed.put("start_offset_ms", input.schedule().startOffsetMs());
      fixed.put("end_offset_ms", input.schedule().endOffsetMs());
      fixed.put("speedup", input.schedule().speedup());
    }
    return node;
  }

  private static void putDuration(ObjectNode node, String name, Duration value) {
    if (value != null) {
      node.put(name, value.toString());
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  static String withoutUserInfo(String url) {
    StringBuilder out = new StringBuilder();
    for (String one : url.split(",")) {
      if (out.length() > 0) {
        out.append(',');
      }
      try {
        URI uri = URI.create(one.trim());
        if (uri.getUserInfo() != null) {
          out.append(
              new URI(
                  uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null));
          continue;
        }
      } catch (IllegalArgumentException | java.net.URISyntaxException ignored) {
        // not a URI (e.g. host:port): nothing to strip
      }
      out.append(one.trim());
    }
    return out.toString();
  }

  /** Builds a {@link ProducerConfig}; defaults are AIPerf's where AIPerf has the option. */
  public static final class Builder {
    private final ClusterConfig cluster;
    private String runId;
    private List<String> models = List.of();
    private ModelSelection modelSelection = ModelSelection.ROUND_ROBIN;
    private boolean streaming;
    private String tokenizer;
    private Long randomSeed;
    private PromptSpec prompts = PromptSpec.defaults();
    private ConversationSpec conversation = ConversationSpec.singleTurn();
    private ImageSpec images = ImageSpec.none();
    private AudioSpec audio = AudioSpec.none();
    private ExtraInputs extraInputs = ExtraInputs.none();
    private LoadSpec load = new LoadSpec.ClosedLoop(1, null);
    private StopSpec stop = new StopSpec(null, null, null);
    private boolean soak;
    private WarmupSpec warmup = WarmupSpec.none();
    private List<String> endpoints = List.of();
    private Duration lead = DEFAULT_LEAD;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
    private IsolationLevel resultsIsolation = IsolationLevel.READ_COMMITTED;
    private MicrosClock clock = MicrosClock.system();
    private Tokenizers.HubOptions tokenizerHub = Tokenizers.HubOptions.defaults();
    private InputSpec input;

    private Builder(ClusterConfig cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** Run id: letters, digits, '.', '_', '-'; null (default) generates one. */
    public Builder runId(String runId) {
      if (runId != null && !RUN_ID.matcher(runId).matches()) {
        throw new IllegalArgumentException(
            "--run-id: '"
                + runId
                + "' (expected: 1 to 128 letters, digits, '.', '_' or '-', not starting with a"
                + " punctuation mark)");
      }
      this.runId = runId;
      return this;
    }

    /** Model names; a comma inside one name splits it, as AIPerf's --model does. */
    public Builder models(List<String> models) {
      List<String> out = new ArrayList<>();
      for (String m : models) {
        for (String part : m.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      }
      this.models = out;
      return this;
    }

    public Builder model(String model) {
      return models(List.of(model));
    }

    public Builder modelSelection(ModelSelection selection) {
      this.modelSelection = Objects.requireNonNull(selection, "--model-selection-strategy");
      return this;
    }

    /** Ask for streamed (SSE) responses; AIPerf's default is off ({@code --streaming}). */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /** {@code builtin}, a tokenizer.json path, or a Hugging Face model id; null: the default. */
    public Builder tokenizer(String tokenizer) {
      this.tokenizer = tokenizer == null || tokenizer.isBlank() ? null : tokenizer.trim();
      return this;
    }

    public Builder randomSeed(Long seed) {
      this.randomSeed = seed;
      return this;
    }

    public Builder prompts(PromptSpec prompts) {
      this.prompts = Objects.requireNonNull(prompts, "prompts");
      return this;
    }

    public Builder conversation(ConversationSpec conversation) {
      this.conversation = Objects.requireNonNull(conversation, "conversation");
      return this;
    }

    public Builder images(ImageSpec images) {
      this.images = Objects.requireNonNull(images, "images");
      return this;
    }

    public Builder audio(AudioSpec audio) {
      this.audio = Objects.requireNonNull(audio, "audio");
      return this;
    }

    public Builder extraInputs(ExtraInputs extraInputs) {
      this.extraInputs = Objects.requireNonNull(extraInputs, "extraInputs");
      return this;
    }

    public Builder load(LoadSpec load) {
      this.load = Objects.requireNonNull(load, "load");
      return this;
    }

    public Builder stop(StopSpec stop) {
      this.stop = Objects.requireNonNull(stop, "stop");
      return this;
    }

    /**
     * No stop condition: publish until stopped. Without it, a run given no count or duration gets
     * AIPerf's default request count.
     */
    public Builder soak(boolean soak) {
      this.soak = soak;
      return this;
    }

    public Builder warmup(WarmupSpec warmup) {
      this.warmup = Objects.requireNonNull(warmup, "warmup");
      return this;
    }

    /** Endpoint URLs the run targets, recorded in its RunEvent (workers may have their own). */
    public Builder endpoints(List<String> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    /** How long before its intended time a request is published (open loop). */
    public Builder lead(Duration lead) {
      if (lead == null || lead.isNegative()) {
        throw new IllegalArgumentException("--schedule-lead: " + lead + " (expected: >= 0)");
      }
      this.lead = lead;
      return this;
    }

    /** Longest an open-loop transaction stays open; closed loop commits at once. */
    public Builder commitInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("--commit-interval: " + interval + " (expected: > 0)");
      }
      this.commitInterval = interval;
      return this;
    }

    public Builder progressInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("progress interval: " + interval + " (expected: > 0)");
      }
      this.progressInterval = interval;
      return this;
    }

    /**
     * How results are read for credits. read_committed (default) sees a result once the worker's
     * transaction commits, never one of an attempt that aborts; read_uncommitted sees it as soon as
     * it is written. Measured with {@code streamperf bench producer} on 2 cores against a responder
     * that commits eagerly, as the worker does: read_committed had the lower credit gap every time
     * (concurrency 1: p50 3.08 vs 4.58 ms, p99 9.66 vs 15.73 ms; concurrency 4: p50 5.35 vs 7.25
     * ms), the two transactions no longer competing for the coordinator and cores.
     */
    public Builder resultsIsolation(IsolationLevel isolation) {
      this.resultsIsolation = Objects.requireNonNull(isolation, "--results-isolation");
      return this;
    }

    public Builder clock(MicrosClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder tokenizerHub(Tokenizers.HubOptions hub) {
      this.tokenizerHub = Objects.requireNonNull(hub, "tokenizerHub");
      return this;
    }

    /** Sessions from an input file, a public dataset or an earlier run; null: synthetic. */
    public Builder input(InputSpec input) {
      this.input = input;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a value or a combination is invalid
     */
    public ProducerConfig build() {
      if (models.isEmpty()) {
        throw new IllegalArgumentException("--model: missing (expected: one or more model names)");
      }
      Integer osl = prompts.outputTokensMean();
      Integer min = extraInputs.minTokens();
      if (osl != null && min != null && min > osl && prompts.outputTokensStddev() == 0) {
        throw new IllegalArgumentException(
            "--extra-inputs min_tokens: "
                + min
                + " (expected: <= --output-tokens-mean "
                + osl
                + ", or servers reject the request)");
      }
      if (input != null && input.schedule() != null && load instanceof LoadSpec.ClosedLoop) {
        throw new IllegalArgumentException(
            "--fixed-schedule: expected with an open loop (the input's timestamps are the"
                + " schedule), not a closed loop of --concurrency");
      }
      return new ProducerConfig(this);
    }
  }

  @Override
  public String toString() {
    return "ProducerConfig" + Map.of("models", models, "load", load, "stop", stop);
  }
}
