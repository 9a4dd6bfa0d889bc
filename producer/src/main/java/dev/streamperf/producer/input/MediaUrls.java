package dev.streamperf.producer.input;

import java.util.Locale;

/** What becomes of an http(s) media URL in an input ({@code --media-urls}). */
public enum MediaUrls {
  /** Passed through in the request for the server to fetch. */
  PASS,
  /** Downloaded before the run, published once to the media topic and referenced. */
  FETCH;

  /** By name, case-insensitive; the message names the option. */
  public static MediaUrls of(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--media-urls: '" + name + "' (expected: pass or fetch)");
    }
  }
}
