package dev.streamperf.cli;

import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.dataset.DatasetSource;
import dev.streamperf.producer.dataset.HfRows;
import dev.streamperf.producer.input.FixedSchedule;
import dev.streamperf.producer.input.InputFormat;
import dev.streamperf.producer.input.InputParser;
import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.input.MediaUrls;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.AudioFormat;
import dev.streamperf.producer.spec.AudioSpec;
import dev.streamperf.producer.spec.ConversationSpec;
import dev.streamperf.producer.spec.ExtraInputs;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.ModelSelection;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.IsolationLevel;
import picocli.CommandLine.Option;

/**
 * The producer's options, a mixin of {@code streamperf producer} and {@code streamperf profile}.
 * Names, aliases and defaults are AIPerf's where AIPerf has the option, so an AIPerf command line
 * carries over; AIPerf's durations are seconds, streamperf's own are ISO-8601.
 */
public final class ProducerOptions {

  // --- endpoint and run

  @Option(
      names = {"-m", "--model", "--model-names"},
      paramLabel = "NAME[,NAME...]",
      required = true,
      split = ",",
      description = "Model name(s) sent in each request; several are assigned per session.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--model-selection-strategy",
      paramLabel = "round_robin|random",
      defaultValue = "round_robin",
      converter = ModelSelectionConverter.class,
      description = "How a session's model is chosen among several (default: ${DEFAULT-VALUE}).")
  ModelSelection modelSelection;

  @Option(
      names = "--streaming",
      description =
          "Ask for streamed (SSE) responses: needed for TTFT and ITL (AIPerf: off by default).")
  boolean streaming;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Run id (default: generated). Naming an interrupted open-loop run with the same options"
              + " resumes it where its committed requests end; any other existing run is refused.")
  String runId;

  @Option(
      names = "--random-seed",
      paramLabel = "N",
      description =
          "Seed of every random choice: the same seed publishes the same requests byte for byte.")
  Long randomSeed;

  // --- input sequence length, output length, prompts

  @Option(
      names = {"--synthetic-input-tokens-mean", "--prompt-input-tokens-mean", "--isl"},
      paramLabel = "N",
      defaultValue = "" + PromptSpec.DEFAULT_INPUT_TOKENS,
      description = "Mean prompt length in tokens, exact per prompt (default: ${DEFAULT-VALUE}).")
  int islMean;

  @Option(
      names = {"--synthetic-input-tokens-stddev", "--prompt-input-tokens-stddev", "--isl-stddev"},
      paramLabel = "N",
      defaultValue = "0",
      description = "Standard deviation of the prompt length (default: ${DEFAULT-VALUE}).")
  double islStddev;

  @Option(
      names = {"--output-tokens-mean", "--prompt-output-tokens-mean", "--osl"},
      paramLabel = "N",
      description = "Mean max_tokens per request (default: none sent).")
  Integer oslMean;

  @Option(
      names = {"--output-tokens-stddev", "--prompt-output-tokens-stddev", "--osl-stddev"},
      paramLabel = "N",
      defaultValue = "0",
      description = "Standard deviation of max_tokens (default: ${DEFAULT-VALUE}).")
  double oslStddev;

  @Option(
      names = {"--num-prefix-prompts", "--prompt-prefix-pool-size", "--prefix-prompt-pool-size"},
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Distinct prefix prompts, one prepended to every prompt (default: ${DEFAULT-VALUE}).")
  int prefixPool;

  @Option(
      names = {"--prefix-prompt-length", "--prompt-prefix-length"},
      paramLabel = "N",
      defaultValue = "0",
      description = "Tokens of each prefix prompt (default: ${DEFAULT-VALUE}).")
  int prefixLength;

  @Option(
      names = "--shared-system-prompt-length",
      paramLabel = "N",
      description = "Tokens of one system prompt shared by every session (default: none).")
  Integer systemPromptLength;

  @Option(
      names = "--user-context-prompt-length",
      paramLabel = "N",
      description =
          "Tokens of a context prompt unique to each dataset entry, before its first prompt.")
  Integer userContextLength;

  @Option(
      names = {"--num-dataset-entries", "--num-prompts"},
      paramLabel = "N",
      defaultValue = "" + PromptSpec.DEFAULT_DATASET_ENTRIES,
      description =
          "Distinct sessions generated and cycled through in shuffled passes (default: ${DEFAULT-VALUE}).")
  int datasetEntries;

  @Option(
      names = "--extra-inputs",
      paramLabel = "KEY:VALUE|JSON",
      arity = "1..*",
      description =
          "Merged into every request body, e.g. min_tokens:500 ignore_eos:true or '{\"top_k\": 20}'."
              + " Repeatable.")
  List<String> extraInputs = new ArrayList<>();

  // --- conversations

  @Option(
      names = {"--session-turns-mean", "--conversation-turn-mean"},
      paramLabel = "N",
      defaultValue = "1",
      description = "Mean turns per session (default: ${DEFAULT-VALUE}).")
  int turnsMean;

  @Option(
      names = {"--session-turns-stddev", "--conversation-turn-stddev"},
      paramLabel = "N",
      defaultValue = "0",
      description = "Standard deviation of turns per session (default: ${DEFAULT-VALUE}).")
  int turnsStddev;

  @Option(
      names = {"--session-turn-delay-mean", "--conversation-turn-delay-mean"},
      paramLabel = "MS",
      defaultValue = "0",
      description = "Mean think time before a later turn, ms (default: ${DEFAULT-VALUE}).")
  double delayMean;

  @Option(
      names = {"--session-turn-delay-stddev", "--conversation-turn-delay-stddev"},
      paramLabel = "MS",
      defaultValue = "0",
      description = "Standard deviation of the think time, ms (default: ${DEFAULT-VALUE}).")
  double delayStddev;

  @Option(
      names = {"--session-delay-ratio", "--conversation-turn-delay-ratio"},
      paramLabel = "X",
      defaultValue = "1",
      description = "Factor applied to every think time (default: ${DEFAULT-VALUE}).")
  double delayRatio;

  // --- images

  @Option(
      names = {"--image-batch-size", "--batch-size-image"},
      paramLabel = "N",
      defaultValue = "1",
      description = "Images per turn when image sizes are set (default: ${DEFAULT-VALUE}).")
  int imageBatch;

  @Option(
      names = "--image-width-mean",
      paramLabel = "PX",
      defaultValue = "0",
      description = "Mean image width; 0 sends no images (default: ${DEFAULT-VALUE}).")
  double imageWidthMean;

  @Option(
      names = "--image-width-stddev",
      paramLabel = "PX",
      defaultValue = "0",
      description = "Standard deviation of the width (default: ${DEFAULT-VALUE}).")
  double imageWidthStddev;

  @Option(
      names = "--image-height-mean",
      paramLabel = "PX",
      defaultValue = "0",
      description = "Mean image height; 0 sends no images (default: ${DEFAULT-VALUE}).")
  double imageHeightMean;

  @Option(
      names = "--image-height-stddev",
      paramLabel = "PX",
      defaultValue = "0",
      description = "Standard deviation of the height (default: ${DEFAULT-VALUE}).")
  double imageHeightStddev;

  @Option(
      names = "--image-format",
      paramLabel = "png|jpeg|webp|random",
      defaultValue = "png",
      description = "Image encoding; random picks one per image (default: ${DEFAULT-VALUE}).")
  ImageFormat imageFormat;

  @Option(
      names = "--image-source",
      paramLabel = "assets|noise|DIR",
      defaultValue = ImageSpec.ASSETS,
      description =
          "Pixels of the images: the public-domain pictures shipped with streamperf, uniform noise,"
              + " or the images of a directory, resized (default: ${DEFAULT-VALUE}).")
  String imageSource;

  // --- audio

  @Option(
      names = {"--audio-batch-size", "--batch-size-audio"},
      paramLabel = "N",
      defaultValue = "1",
      description = "Audio clips per turn when a length is set (default: ${DEFAULT-VALUE}).")
  int audioBatch;

  @Option(
      names = "--audio-length-mean",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Mean clip length; 0 sends no audio (default: ${DEFAULT-VALUE}).")
  double audioLengthMean;

  @Option(
      names = "--audio-length-stddev",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Standard deviation of the length (default: ${DEFAULT-VALUE}).")
  double audioLengthStddev;

  @Option(
      names = "--audio-format",
      paramLabel = "wav|mp3",
      defaultValue = "wav",
      description = "Audio encoding (default: ${DEFAULT-VALUE}).")
  AudioFormat audioFormat;

  @Option(
      names = "--audio-sample-rates",
      paramLabel = "KHZ",
      arity = "1..*",
      split = ",",
      description = "Sample rates to choose from per clip, kHz (default: 16).")
  List<Double> audioSampleRates = new ArrayList<>(List.of(16.0));

  @Option(
      names = "--audio-depths",
      paramLabel = "BITS",
      arity = "1..*",
      split = ",",
      description = "Bits per sample to choose from per clip: 8, 16, 24, 32 (default: 16).")
  List<Integer> audioDepths = new ArrayList<>(List.of(16));

  @Option(
      names = "--audio-num-channels",
      paramLabel = "1|2",
      defaultValue = "1",
      description = "Channels (default: ${DEFAULT-VALUE}).")
  int audioChannels;

  // --- load

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description =
          "Sessions outstanding across all workers: alone, a closed loop (one new session per final"
              + " result read back); with --request-rate, a cap (default: 1 without a rate).")
  Integer concurrency;

  @Option(
      names = "--request-rate",
      paramLabel = "PER_SECOND",
      description = "Open loop: sessions per second, whatever the endpoint does.")
  Double requestRate;

  @Option(
      names = {"--arrival-pattern", "--request-rate-mode"},
      paramLabel = "constant|poisson|gamma",
      defaultValue = "poisson",
      description = "Inter-arrival distribution of the open loop (default: ${DEFAULT-VALUE}).")
  ArrivalPattern arrivalPattern;

  @Option(
      names = {"--arrival-smoothness", "--vllm-burstiness"},
      paramLabel = "X",
      description = "Gamma shape: 1 is Poisson, below bursty, above regular (only with gamma).")
  Double smoothness;

  @Option(
      names = "--request-rate-ramp-duration",
      paramLabel = "SECONDS",
      description = "Ramp the rate linearly from 0 to --request-rate over this time.")
  Double rateRampSeconds;

  @Option(
      names = "--concurrency-ramp-duration",
      paramLabel = "SECONDS",
      description = "Ramp the concurrency linearly from 1 to --concurrency over this time.")
  Double concurrencyRampSeconds;

  @Option(
      names = {"--request-count", "--num-requests"},
      paramLabel = "N",
      description =
          "Profiling requests (turns) to publish (default: max(10, 2 x concurrency) when no stop is set).")
  Long requestCount;

  @Option(
      names = {"--num-sessions", "--conversation-num", "--num-conversations"},
      paramLabel = "N",
      description = "Profiling sessions to publish.")
  Long sessionCount;

  @Option(
      names = "--benchmark-duration",
      paramLabel = "SECONDS",
      description = "Profiling time after warmup.")
  Double durationSeconds;

  @Option(
      names = {"--warmup-request-count", "--num-warmup-requests"},
      paramLabel = "N",
      description = "Warmup requests first: executed and stored, excluded from metrics.")
  Long warmupCount;

  @Option(
      names = "--warmup-duration",
      paramLabel = "SECONDS",
      description = "Warmup time from the run's start.")
  Double warmupSeconds;

  // --- inputs

  @Option(
      names = "--input-file",
      paramLabel = "PATH",
      description =
          "Requests from a file instead of synthetic ones: AIPerf's single_turn, multi_turn,"
              + " random_pool (a file or a directory of files) or mooncake_trace JSON Lines,"
              + " GenAI-Perf's BYOD lines, or a BurstGPT CSV. Media are paths relative to the file"
              + " or http(s) URLs. The whole file is checked before anything is published.")
  Path inputFile;

  @Option(
      names = "--custom-dataset-type",
      paramLabel = "TYPE",
      description =
          "Format of --input-file: single_turn, multi_turn, random_pool, mooncake_trace,"
              + " genai_perf or burst_gpt_trace (default: from the file's name and first line).")
  String customDatasetType;

  @Option(
      names = "--media-urls",
      paramLabel = "pass|fetch",
      defaultValue = "pass",
      description =
          "http(s) media in an input: pass them for the server to fetch, or fetch them before the"
              + " run and publish them to the media topic (default: ${DEFAULT-VALUE}).")
  String mediaUrls;

  @Option(
      names = "--fixed-schedule",
      description =
          "Send each request at its input timestamp (ms) instead of --request-rate or"
              + " --concurrency; the default for mooncake_trace and burst_gpt_trace inputs when"
              + " neither is given.")
  boolean fixedSchedule;

  @Option(
      names = "--fixed-schedule-auto-offset",
      description = "Count the fixed schedule from the input's first timestamp.")
  boolean fixedScheduleAutoOffset;

  @Option(
      names = "--fixed-schedule-start-offset",
      paramLabel = "MS",
      description =
          "Start the fixed schedule at this timestamp (ms), skipping earlier requests; counted"
              + " from it.")
  Long fixedScheduleStart;

  @Option(
      names = "--fixed-schedule-end-offset",
      paramLabel = "MS",
      description = "End the fixed schedule at this timestamp (ms), skipping later requests.")
  Long fixedScheduleEnd;

  @Option(
      names = "--fixed-schedule-speedup",
      paramLabel = "X",
      description = "Run the fixed schedule X times faster: gaps scaled by 1/X (default: 1).")
  Double fixedScheduleSpeedup;

  @Option(
      names = "--public-dataset",
      paramLabel = "NAME",
      description =
          "Requests from a public dataset: mmstar (Lin-Chen/MMStar val: question and image, the"
              + " answer letter as the reference for the multiple_choice scorer). Rows and images"
              + " come from the Hugging Face datasets-server and are cached under"
              + " ~/.cache/streamperf/datasets.")
  String publicDataset;

  @Option(
      names = "--dataset-path",
      paramLabel = "PATH",
      description =
          "A local copy of --public-dataset: JSON Lines of its rows (or a directory holding"
              + " rows.jsonl), images as paths relative to it, URLs or base64 bytes.")
  Path datasetPath;

  @Option(
      names = "--hf-endpoint",
      paramLabel = "URL",
      description =
          "Base URL of the datasets-server rows API (default: $HF_ENDPOINT, else"
              + " https://datasets-server.huggingface.co).")
  String hfEndpoint;

  // --- streamperf's own

  @Option(
      names = "--schedule-lead",
      paramLabel = "DURATION",
      defaultValue = "PT0.25S",
      description =
          "How long before its intended send time a request is published, so Kafka's latency never"
              + " shifts the schedule (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration lead;

  @Option(
      names = "--commit-interval",
      paramLabel = "DURATION",
      defaultValue = "PT0.05S",
      description =
          "Longest an open-loop transaction of requests stays uncommitted; closed loop commits each"
              + " credit at once (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration commitInterval;

  @Option(
      names = "--results-isolation",
      paramLabel = "read_uncommitted|read_committed",
      defaultValue = "read_committed",
      converter = IsolationConverter.class,
      description =
          "How results are read back for credits: read_committed waits for the worker's commit and"
              + " never counts an aborted attempt; read_uncommitted sees a result as soon as it is"
              + " written (default: ${DEFAULT-VALUE}, the lower credit gap measured).")
  IsolationLevel resultsIsolation;

  /** The producer's configuration on a cluster; checks every value. */
  public ProducerConfig config(
      ClusterConfig cluster, List<String> endpoints, TokenizerOptions tokenizer) {
    InputSpec input = input();
    LoadSpec load;
    if (input != null && input.schedule() != null) {
      if (requestRate != null) {
        throw new IllegalArgumentException(
            "--request-rate: "
                + requestRate
                + " (expected: not with --fixed-schedule; the input's timestamps are the"
                + " schedule)");
      }
      // the input's schedule replaces this rate; a --concurrency caps it
      load = new LoadSpec.OpenLoop(1, ArrivalPattern.CONSTANT, null, concurrency, null, null);
    } else if (requestRate != null) {
      load =
          new LoadSpec.OpenLoop(
              requestRate,
              arrivalPattern,
              smoothness,
              concurrency,
              seconds("--request-rate-ramp-duration", rateRampSeconds),
              seconds("--concurrency-ramp-duration", concurrencyRampSeconds));
    } else {
      if (rateRampSeconds != null) {
        throw new IllegalArgumentException(
            "--request-rate-ramp-duration: "
                + rateRampSeconds
                + " (expected: with --request-rate)");
      }
      if (smoothness != null) {
        throw new IllegalArgumentException(
            "--arrival-smoothness: " + smoothness + " (expected: with --request-rate)");
      }
      load =
          new LoadSpec.ClosedLoop(
              concurrency == null ? 1 : concurrency,
              seconds("--concurrency-ramp-duration", concurrencyRampSeconds));
    }
    return ProducerConfig.builder(cluster)
        .runId(runId)
        .models(models)
        .modelSelection(modelSelection)
        .streaming(streaming)
        .tokenizer(tokenizer.spec())
        .randomSeed(randomSeed)
        .prompts(
            new PromptSpec(
                islMean,
                islStddev,
                oslMean,
                oslStddev,
                prefixPool,
                prefixLength,
                systemPromptLength,
                userContextLength,
                datasetEntries))
        .conversation(
            new ConversationSpec(turnsMean, turnsStddev, delayMean, delayStddev, delayRatio))
        .images(
            new ImageSpec(
                imageBatch,
                imageWidthMean,
                imageWidthStddev,
                imageHeightMean,
                imageHeightStddev,
                imageFormat,
                imageSource))
        .audio(
            new AudioSpec(
                audioBatch,
                audioLengthMean,
                audioLengthStddev,
                audioFormat,
                audioSampleRates,
                audioDepths,
                audioChannels))
        .extraInputs(ExtraInputs.parse(extraInputs))
        .load(load)
        .stop(
            new StopSpec(
                requestCount, sessionCount, seconds("--benchmark-duration", durationSeconds)))
        .warmup(new WarmupSpec(warmupCount, seconds("--warmup-duration", warmupSeconds)))
        .endpoints(endpoints)
        .lead(lead)
        .commitInterval(commitInterval)
        .resultsIsolation(resultsIsolation)
        .input(input)
        .build();
  }

  /** The input the options name, or null for synthetic sessions. */
  InputSpec input() {
    boolean scheduleOptions =
        fixedSchedule
            || fixedScheduleAutoOffset
            || fixedScheduleStart != null
            || fixedScheduleEnd != null
            || fixedScheduleSpeedup != null;
    if (publicDataset != null) {
      if (inputFile != null) {
        throw new IllegalArgumentException(
            "--public-dataset: " + publicDataset + " (expected: not with --input-file)");
      }
      if (customDatasetType != null || scheduleOptions) {
        throw new IllegalArgumentException(
            (customDatasetType != null ? "--custom-dataset-type" : "--fixed-schedule")
                + ": expected with --input-file, not --public-dataset");
      }
      if (!DatasetSource.NAMES.contains(publicDataset.trim().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "--public-dataset: '"
                + publicDataset
                + "' (expected one of: "
                + String.join(", ", DatasetSource.NAMES)
                + ")");
      }
      URI endpoint;
      try {
        endpoint =
            hfEndpoint == null ? HfRows.endpointFromEnvironment() : new URI(hfEndpoint.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "--hf-endpoint: '" + hfEndpoint + "' (expected: an http(s) URL)");
      }
      return new InputSpec.Dataset(
          publicDataset.trim().toLowerCase(Locale.ROOT),
          datasetPath,
          endpoint,
          HfRows.defaultCacheDir(),
          System.getenv("HF_TOKEN"));
    }
    if (datasetPath != null || hfEndpoint != null) {
      throw new IllegalArgumentException(
          (datasetPath != null ? "--dataset-path" : "--hf-endpoint")
              + ": expected with --public-dataset");
    }
    if (inputFile == null) {
      if (customDatasetType != null || scheduleOptions) {
        throw new IllegalArgumentException(
            (customDatasetType != null ? "--custom-dataset-type" : "--fixed-schedule")
                + ": expected with --input-file");
      }
      return null;
    }
    InputFormat format = customDatasetType == null ? null : InputFormat.of(customDatasetType);
    boolean trace =
        InputParser.formatOf(inputFile, format).trace()
            && requestRate == null
            && concurrency == null;
    FixedSchedule schedule = null;
    if (scheduleOptions || trace) {
      schedule =
          new FixedSchedule(
              fixedScheduleAutoOffset,
              fixedScheduleStart,
              fixedScheduleEnd,
              fixedScheduleSpeedup == null ? 1.0 : fixedScheduleSpeedup);
    }
    return new InputSpec.File(inputFile, format, MediaUrls.of(mediaUrls), schedule);
  }

  static Duration seconds(String option, Double seconds) {
    if (seconds == null) {
      return null;
    }
    if (!(seconds > 0) || seconds.isInfinite()) {
      throw new IllegalArgumentException(option + ": " + seconds + " (expected: seconds > 0)");
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /** Accepts round_robin, round-robin and random. */
  static final class ModelSelectionConverter
      implements picocli.CommandLine.ITypeConverter<ModelSelection> {
    @Override
    public ModelSelection convert(String value) {
      String v = value.trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT);
      try {
        return ModelSelection.valueOf(v);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' (expected: round_robin or random)");
      }
    }
  }

  /** Accepts Kafka's isolation level names. */
  static final class IsolationConverter
      implements picocli.CommandLine.ITypeConverter<IsolationLevel> {
    @Override
    public IsolationLevel convert(String value) {
      try {
        return IsolationLevel.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' (expected: read_uncommitted or read_committed)");
      }
    }
  }
}
