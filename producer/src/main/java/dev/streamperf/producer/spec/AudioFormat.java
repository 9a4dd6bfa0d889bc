package dev.streamperf.producer.spec;

import java.util.Locale;

/** Encoding of synthetic audio, as OpenAI's {@code input_audio.format} names it. */
public enum AudioFormat {
  WAV("audio/wav"),
  MP3("audio/mpeg");

  private final String mimeType;

  AudioFormat(String mimeType) {
    this.mimeType = mimeType;
  }

  public String mimeType() {
    return mimeType;
  }

  public String shortName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
