package dev.streamperf.cli;

import dev.streamperf.worker.Endpoint;
import dev.streamperf.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The request worker's options, a mixin of {@code streamperf worker} and {@code streamperf
 * profile}: AIPerf's names where AIPerf has the option ({@code --url}, {@code --api-key}, {@code
 * --header}, {@code --request-timeout-seconds}, {@code --custom-endpoint}, {@code
 * --use-legacy-max-tokens}); {@code --tokenizer} is in {@link TokenizerOptions}.
 */
public final class WorkerOptions {

  @Option(
      names = {"--url", "-u"},
      paramLabel = "URL",
      description =
          "Endpoint base URL, e.g. http://localhost:8000 or host:port; repeat for several, used"
              + " round-robin per request.")
  List<String> urls = new ArrayList<>();

  @Option(
      names = {"--custom-endpoint", "--endpoint"},
      paramLabel = "PATH",
      defaultValue = Endpoint.CHAT_COMPLETIONS,
      description = "API path appended to each URL (default: ${DEFAULT-VALUE}).")
  String endpointPath;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "Sent as Authorization: Bearer KEY.")
  String apiKey;

  @Option(
      names = {"--header", "-H"},
      paramLabel = "NAME:VALUE",
      description = "A request header; repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--request-timeout-seconds",
      paramLabel = "S",
      defaultValue = "600",
      description =
          "From the request's first byte to the end of the response (default: ${DEFAULT-VALUE}).")
  double requestTimeoutSeconds;

  @Option(
      names = "--first-byte-timeout-seconds",
      paramLabel = "S",
      description =
          "From the request's first byte to the response headers (default: the request"
              + " timeout).")
  Double firstByteTimeoutSeconds;

  @Option(
      names = "--connect-timeout-seconds",
      paramLabel = "S",
      defaultValue = "10",
      description = "TCP (and TLS) connection setup (default: ${DEFAULT-VALUE}).")
  double connectTimeoutSeconds;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      defaultValue = "4096",
      description =
          "Most requests this worker keeps outstanding; later ones wait and their schedule delay"
              + " shows it (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = "--use-legacy-max-tokens",
      description = "Send max_tokens instead of max_completion_tokens.")
  boolean useLegacyMaxTokens;

  @Option(
      names = "--include-usage",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Ask streams for usage (stream_options.include_usage), the preferred source of ISL and"
              + " OSL (default: ${DEFAULT-VALUE}).")
  boolean includeUsage;

  @Option(
      names = "--worker-id",
      paramLabel = "ID",
      description = "This worker's id in results and its transactional id (default: host-pid).")
  String workerId;

  @Option(
      names = "--group-id",
      paramLabel = "GROUP",
      defaultValue = WorkerConfig.DEFAULT_GROUP_ID,
      description = "Consumer group of the workers sharing the load (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(
      names = "--output-text-max-chars",
      paramLabel = "N",
      defaultValue = "32768",
      description = "Bound of the answer text kept in each result (default: ${DEFAULT-VALUE}).")
  int outputTextMaxChars;

  @Option(
      names = "--keep-token-text",
      description = "Put each event's text into its token event (default: counts only).")
  boolean keepTokenText;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description = "Netty event loops (default: the number of cores).")
  Integer ioThreads;

  @Option(
      names = "--media-cache-mb",
      paramLabel = "MB",
      defaultValue = "256",
      description = "Bound of the encoded media kept in memory (default: ${DEFAULT-VALUE}).")
  long mediaCacheMb;

  @Option(
      names = "--media-wait-seconds",
      paramLabel = "S",
      defaultValue = "30",
      description =
          "How long a request waits for a medium to appear in the media topic before it fails"
              + " (default: ${DEFAULT-VALUE}).")
  double mediaWaitSeconds;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9464",
      description =
          "Port of the worker's Prometheus /metrics; 0 for a free one, -1 for none (default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "ADDRESS",
      defaultValue = "0.0.0.0",
      description = "Address of /metrics (default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(
      names = "--tls-ca-file",
      paramLabel = "PEM",
      description = "Trust these certificates for https endpoints instead of the JVM's.")
  Path tlsCaFile;

  @Option(
      names = "--tls-insecure",
      description = "Trust any certificate of https endpoints (self-signed test servers).")
  boolean tlsInsecure;

  /**
   * The worker configuration these options describe.
   *
   * @throws IllegalArgumentException naming the option and the value when one is invalid
   */
  public WorkerConfig config(TokenizerOptions tokenizer) {
    return config(tokenizer, urls);
  }

  /**
   * The worker configuration these options describe, calling the given endpoints (for a command
   * that supplies its own, such as the simulator it started).
   *
   * @throws IllegalArgumentException naming the option and the value when one is invalid
   */
  public WorkerConfig config(TokenizerOptions tokenizer, List<String> endpoints) {
    WorkerConfig.Builder b =
        WorkerConfig.builder()
            .endpointPath(endpointPath)
            .urls(endpoints)
            .connectTimeout(seconds("--connect-timeout-seconds", connectTimeoutSeconds))
            .requestTimeout(seconds("--request-timeout-seconds", requestTimeoutSeconds))
            .maxInFlight(maxInFlight)
            .useLegacyMaxTokens(useLegacyMaxTokens)
            .includeUsage(includeUsage)
            .tokenizer(tokenizer.specOrBuiltin())
            .groupId(groupId)
            .outputTextMaxChars(outputTextMaxChars)
            .keepTokenText(keepTokenText)
            .mediaCacheBytes(mediaCacheMb * 1024 * 1024)
            .mediaWaitTimeout(seconds("--media-wait-seconds", mediaWaitSeconds))
            .metricsPort(metricsPort)
            .metricsHost(metricsHost)
            .tlsInsecure(tlsInsecure)
            .tlsTrustCertificates(tlsCaFile);
    if (apiKey != null) {
      b.apiKey(apiKey);
    }
    headers.forEach(b::header);
    if (firstByteTimeoutSeconds != null) {
      b.firstByteTimeout(seconds("--first-byte-timeout-seconds", firstByteTimeoutSeconds));
    }
    if (workerId != null) {
      b.workerId(workerId);
    }
    if (ioThreads != null) {
      b.ioThreads(ioThreads);
    }
    return b.build();
  }

  private static Duration seconds(String option, double seconds) {
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(option + ": " + seconds + " (expected: > 0)");
    }
    return Duration.ofNanos((long) (seconds * 1e9));
  }
}
