package dev.streamperf.worker;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One OpenAI-compatible server the worker sends to: where to connect, whether over TLS, and the
 * request path. Made from what a user types after {@code --url}: {@code host:port}, {@code
 * http://host:port} or {@code https://host/prefix}; the chat path ({@code /v1/chat/completions} by
 * default) is appended to any prefix.
 *
 * @param baseUrl scheme, host, port and prefix, as results record it
 * @param host the host to connect to
 * @param port the port to connect to
 * @param tls whether to speak TLS
 * @param path the request path, prefix included
 * @param hostHeader the {@code Host} header value
 */
public record Endpoint(
    String baseUrl, String host, int port, boolean tls, String path, String hostHeader) {

  /** The chat completions path of the OpenAI API. */
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

  /**
   * Parses a URL.
   *
   * @param url {@code host:port}, {@code http(s)://host[:port][/prefix]}
   * @param endpointPath the API path appended to the URL's own path, e.g. {@value
   *     #CHAT_COMPLETIONS}
   * @throws IllegalArgumentException naming the URL and what is wrong with it
   */
  public static Endpoint parse(String url, String endpointPath) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url: missing (expected: http(s)://HOST[:PORT])");
    }
    if (endpointPath == null || !endpointPath.startsWith("/")) {
      throw new IllegalArgumentException(
          "endpoint path: " + endpointPath + " (expected: a path starting with /)");
    }
    String text = url.trim();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url: " + url + " (" + e.getMessage() + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls;
    if (scheme.equals("http")) {
      tls = false;
    } else if (scheme.equals("https")) {
      tls = true;
    } else {
      throw new IllegalArgumentException(
          "url: " + url + " (expected: scheme http or https, got " + scheme + ")");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("url: " + url + " (expected: a host name or address)");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("url: " + url + " (expected: no query or fragment)");
    }
    int defaultPort = tls ? 443 : 80;
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("url: " + url + " (expected: port 1..65535)");
    }
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String hostHeader = port == defaultPort ? hostPart : hostPart + ":" + port;
    String baseUrl = scheme + "://" + hostPart + ":" + port + prefix;
    return new Endpoint(baseUrl, bareHost, port, tls, prefix + endpointPath, hostHeader);
  }
}
