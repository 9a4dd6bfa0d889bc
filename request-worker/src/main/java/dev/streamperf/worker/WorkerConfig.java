package dev.streamperf.worker;

import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a request worker needs besides the cluster: the endpoints, how to call them, how much
 * to keep in flight, what to record. Immutable; made with {@link #builder()}, whose setters check
 * their argument and name it in the message.
 */
public final class WorkerConfig {

  /** Default consumer group of the workers. */
  public static final String DEFAULT_GROUP_ID = "streamperf-workers";

  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  private final List<Endpoint> endpoints;
  private final List<String> urls;
  private final String endpointPath;
  private final String apiKey;
  private final Map<String, String> headers;
  private final Duration connectTimeout;
  private final Duration firstByteTimeout;
  private final Duration requestTimeout;
  private final Duration poolIdleTimeout;
  private final int maxInFlight;
  private final int maxPendingSessions;
  private final String workerId;
  private final String groupId;
  private final int outputTextMaxChars;
  private final boolean keepTokenText;
  private final Tokenizer tokenizer;
  private final boolean useLegacyMaxTokens;
  private final boolean includeUsage;
  private final int ioThreads;
  private final int maxEventBytes;
  private final int maxBodyBytes;
  private final long mediaCacheBytes;
  private final Duration mediaWaitTimeout;
  private final String metricsHost;
  private final int metricsPort;
  private final Path tlsTrustCertificates;
  private final boolean tlsInsecure;

  private WorkerConfig(Builder b) {
    this.endpoints = List.copyOf(b.endpoints);
    this.urls = List.copyOf(b.urls);
    this.endpointPath = b.endpointPath;
    this.apiKey = b.apiKey;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.firstByteTimeout = b.firstByteTimeout != null ? b.firstByteTimeout : b.requestTimeout;
    this.poolIdleTimeout = b.poolIdleTimeout;
    this.maxInFlight = b.maxInFlight;
    this.maxPendingSessions =
        b.maxPendingSessions > 0 ? b.maxPendingSessions : Math.max(10_000, 2 * b.maxInFlight);
    this.workerId = b.workerId != null ? b.workerId : defaultWorkerId();
    this.groupId = b.groupId;
    this.outputTextMaxChars = b.outputTextMaxChars;
    this.keepTokenText = b.keepTokenText;
    this.tokenizer = b.tokenizer != null ? b.tokenizer : Tokenizers.builtin();
    this.useLegacyMaxTokens = b.useLegacyMaxTokens;
    this.includeUsage = b.includeUsage;
    this.ioThreads = b.ioThreads;
    this.maxEventBytes = b.maxEventBytes;
    this.maxBodyBytes = b.maxBodyBytes;
    this.mediaCacheBytes = b.mediaCacheBytes;
    this.mediaWaitTimeout = b.mediaWaitTimeout;
    this.metricsHost = b.metricsHost;
    this.metricsPort = b.metricsPort;
    this.tlsTrustCertificates = b.tlsTrustCertificates;
    this.tlsInsecure = b.tlsInsecure;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endpointPath = endpointPath;
    b.urls(urls);
    b.apiKey = apiKey;
    b.headers.putAll(headers);
    b.connectTimeout = connectTimeout;
    b.firstByteTimeout = firstByteTimeout;
    b.requestTimeout = requestTimeout;
    b.poolIdleTimeout = poolIdleTimeout;
    b.maxInFlight = maxInFlight;
    b.maxPendingSessions = maxPendingSessions;
    b.workerId = workerId;
    b.groupId = groupId;
    b.outputTextMaxChars = outputTextMaxChars;
    b.keepTokenText = keepTokenText;
    b.tokenizer = tokenizer;
    b.useLegacyMaxTokens = useLegacyMaxTokens;
    b.includeUsage = includeUsage;
    b.ioThreads = ioThreads;
    b.maxEventBytes = maxEventBytes;
    b.maxBodyBytes = maxBodyBytes;
    b.mediaCacheBytes = mediaCacheBytes;
    b.mediaWaitTimeout = mediaWaitTimeout;
    b.metricsHost = metricsHost;
    b.metricsPort = metricsPort;
    b.tlsTrustCertificates = tlsTrustCertificates;
    b.tlsInsecure = tlsInsecure;
    return b;
  }

  /** The servers, used round-robin per request; at least one. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The API path appended to each URL. */
  public String endpointPath() {
    return endpointPath;
  }

  /** Sent as {@code Authorization: Bearer KEY}. */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** Extra request headers, sent after (and so overriding) the worker's own. */
  public Map<String, String> headers() {
    return headers;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** From the request's first byte to the response headers. */
  public Duration firstByteTimeout() {
    return firstByteTimeout;
  }

  /** From the request's first byte to the end of the response. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** A kept-alive connection idle longer than this is closed instead of reused. */
  public Duration poolIdleTimeout() {
    return poolIdleTimeout;
  }

  /**
   * Most HTTP requests outstanding at once; later ones wait (and their schedule delay shows it).
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Most sessions fetched and not finished before fetching pauses. */
  public int maxPendingSessions() {
    return maxPendingSessions;
  }

  public String workerId() {
    return workerId;
  }

  public String groupId() {
    return groupId;
  }

  /** Bound on RequestResult.outputText, in UTF-16 chars. */
  public int outputTextMaxChars() {
    return outputTextMaxChars;
  }

  /** Whether TokenEvent.text is filled. */
  public boolean keepTokenText() {
    return keepTokenText;
  }

  /** Counts ISL and OSL when the server reports no usage. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Send {@code max_tokens} instead of {@code max_completion_tokens}. */
  public boolean useLegacyMaxTokens() {
    return useLegacyMaxTokens;
  }

  /** Ask streamed responses for usage ({@code stream_options.include_usage}). */
  public boolean includeUsage() {
    return includeUsage;
  }

  /** Netty event loops. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Longest SSE line or event data accepted. */
  public int maxEventBytes() {
    return maxEventBytes;
  }

  /** Largest non-streamed response body (answer or error) kept. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Bound of the media cache in bytes of encoded (base64) media. */
  public long mediaCacheBytes() {
    return mediaCacheBytes;
  }

  /** How long a request waits for a medium it references to appear in the media topic. */
  public Duration mediaWaitTimeout() {
    return mediaWaitTimeout;
  }

  public String metricsHost() {
    return metricsHost;
  }

  /** Port of Prometheus {@code /metrics}: 0 for a free one, -1 for none. */
  public int metricsPort() {
    return metricsPort;
  }

  /** PEM certificates to trust for TLS endpoints instead of the JVM's trust store. */
  public Optional<Path> tlsTrustCertificates() {
    return Optional.ofNullable(tlsTrustCertificates);
  }

  /** Trust any TLS certificate (self-signed test servers). */
  public boolean tlsInsecure() {
    return tlsInsecure;
  }

  @Override
  public String toString() {
    return "WorkerConfig{endpoints="
        + endpoints.stream().map(Endpoint::baseUrl).toList()
        + ", workerId="
        + workerId
        + ", groupId="
        + groupId
        + ", maxInFlight="
        + maxInFlight
        + ", requestTimeout="
        + requestTimeout
        + ", tokenizer="
        + tokenizer.name()
        + "}";
  }

  static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "worker";
    }
    String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-").toLowerCase(Locale.ROOT);
    return cleaned + "-" + ProcessHandle.current().pid();
  }

  /** Builds a {@link WorkerConfig}; every setter checks its argument. */
  public static final class Builder {
    private final List<Endpoint> endpoints = new ArrayList<>();
    private String endpointPath = Endpoint.CHAT_COMPLETIONS;
    private final List<String> urls = new ArrayList<>();
    private String apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration firstByteTimeout;
    private Duration requestTimeout = Duration.ofMinutes(10);
    private Duration poolIdleTimeout = Duration.ofSeconds(4);
    private int maxInFlight = 4_096;
    private int maxPendingSessions;
    private String workerId;
    private String groupId = DEFAULT_GROUP_ID;
    private int outputTextMaxChars = 32_768;
    private boolean keepTokenText;
    private Tokenizer tokenizer;
    private boolean useLegacyMaxTokens;
    private boolean includeUsage = true;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int maxEventBytes = 4 << 20;
    private int maxBodyBytes = 16 << 20;
    private long mediaCacheBytes = 256L << 20;
    private Duration mediaWaitTimeout = Duration.ofSeconds(30);
    private String metricsHost = "0.0.0.0";
    private int metricsPort = -1;
    private Path tlsTrustCertificates;
    private boolean tlsInsecure;

    private Builder() {}

    /** Adds a server URL ({@code host:port} or {@code http(s)://host[:port][/prefix]}). */
    public Builder url(String url) {
      urls.add(url);
      endpoints.add(Endpoint.parse(url, endpointPath));
      return this;
    }

    /** Replaces the server URLs. */
    public Builder urls(List<String> urls) {
      this.urls.clear();
      this.endpoints.clear();
      urls.forEach(this::url);
      return this;
    }

    /** The API path appended to each URL; default {@value Endpoint#CHAT_COMPLETIONS}. */
    public Builder endpointPath(String path) {
      Endpoint.parse("localhost", path); // checks the path
      this.endpointPath = path;
      List<String> again = List.copyOf(urls);
      this.urls.clear();
      this.endpoints.clear();
      again.forEach(this::url);
      return this;
    }

    public Builder apiKey(String apiKey) {
      if (apiKey != null && apiKey.isBlank()) {
        throw new IllegalArgumentException("api key: blank (expected: a key, or none)");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** Adds a request header. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(value, "header value");
      if (name == null || !HEADER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "header: '" + name + "' (expected: an HTTP header name, e.g. X-Team)");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + name + ": value contains a line break");
      }
      headers.put(name, value);
      return this;
    }

    /** Adds a header given as {@code Name:Value} (AIPerf's {@code --header}). */
    public Builder header(String nameColonValue) {
      int colon = nameColonValue == null ? -1 : nameColonValue.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "header: '" + nameColonValue + "' (expected: Name:Value)");
      }
      return header(
          nameColonValue.substring(0, colon).trim(), nameColonValue.substring(colon + 1).trim());
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect timeout", timeout);
      return this;
    }

    /** Default: the request timeout. */
    public Builder firstByteTimeout(Duration timeout) {
      this.firstByteTimeout = positive("first byte timeout", timeout);
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("request timeout", timeout);
      return this;
    }

    public Builder poolIdleTimeout(Duration timeout) {
      this.poolIdleTimeout = positive("pool idle timeout", timeout);
      return this;
    }

    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = atLeast("max in flight", maxInFlight, 1);
      return this;
    }

    /** Default: max(10000, 2 x max in flight). */
    public Builder maxPendingSessions(int maxPending) {
      this.maxPendingSessions = atLeast("max pending sessions", maxPending, 1);
      return this;
    }

    /** Default: host name and process id. */
    public Builder workerId(String workerId) {
      if (workerId == null || !ID.matcher(workerId).matches()) {
        throw new IllegalArgumentException(
            "worker id: '" + workerId + "' (expected: letters, digits, '.', '_' or '-')");
      }
      this.workerId = workerId;
      return this;
    }

    public Builder groupId(String groupId) {
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("group id: blank (expected: a consumer group name)");
      }
      this.groupId = groupId;
      return this;
    }

    public Builder outputTextMaxChars(int chars) {
      this.outputTextMaxChars = atLeast("output text bound", chars, 0);
      return this;
    }

    public Builder keepTokenText(boolean keep) {
      this.keepTokenText = keep;
      return this;
    }

    public Builder tokenizer(Tokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * Loads a tokenizer now: {@code builtin}, a tokenizer.json path or a Hugging Face model id.
     *
     * @throws IllegalArgumentException when it cannot be loaded
     */
    public Builder tokenizer(String spec) {
      this.tokenizer = Tokenizers.load(spec);
      return this;
    }

    public Builder useLegacyMaxTokens(boolean legacy) {
      this.useLegacyMaxTokens = legacy;
      return this;
    }

    public Builder includeUsage(boolean include) {
      this.includeUsage = include;
      return this;
    }

    public Builder ioThreads(int threads) {
      this.ioThreads = atLeast("io threads", threads, 1);
      return this;
    }

    public Builder maxEventBytes(int bytes) {
      this.maxEventBytes = atLeast("max event bytes", bytes, 1024);
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = atLeast("max body bytes", bytes, 1024);
      return this;
    }

    public Builder mediaCacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("media cache bytes: " + bytes + " (expected: >= 0)");
      }
      this.mediaCacheBytes = bytes;
      return this;
    }

    public Builder mediaWaitTimeout(Duration timeout) {
      this.mediaWaitTimeout = positive("media wait timeout", timeout);
      return this;
    }

    public Builder metricsHost(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("metrics host: blank (expected: an address to bind)");
      }
      this.metricsHost = host;
      return this;
    }

    /** 0 for a free port, -1 for no metrics server. */
    public Builder metricsPort(int port) {
      if (port < -1 || port > 65_535) {
        throw new IllegalArgumentException(
            "metrics port: " + port + " (expected: -1 for none, 0 for any, or 1..65535)");
      }
      this.metricsPort = port;
      return this;
    }

    public Builder tlsTrustCertificates(Path pemFile) {
      if (pemFile != null && !Files.isReadable(pemFile)) {
        throw new IllegalArgumentException(
            "TLS trust certificates: " + pemFile + " (expected: a readable PEM file)");
      }
      this.tlsTrustCertificates = pemFile;
      return this;
    }

    public Builder tlsInsecure(boolean insecure) {
      this.tlsInsecure = insecure;
      return this;
    }

    /**
     * @throws IllegalArgumentException when no URL was given
     */
    public WorkerConfig build() {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("url: missing (expected: at least one --url)");
      }
      if (firstByteTimeout != null && firstByteTimeout.compareTo(requestTimeout) > 0) {
        throw new IllegalArgumentException(
            "first byte timeout: "
                + firstByteTimeout
                + " (expected: <= request timeout "
                + requestTimeout
                + ")");
      }
      if (tlsInsecure && tlsTrustCertificates != null) {
        throw new IllegalArgumentException(
            "TLS: trust certificates and insecure both given (expected: one of them)");
      }
      return new WorkerConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
      }
      return value;
    }
  }
}
