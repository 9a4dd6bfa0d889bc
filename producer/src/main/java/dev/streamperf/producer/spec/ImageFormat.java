package dev.streamperf.producer.spec;

import java.util.Locale;

/** Encoding of synthetic images; {@link #RANDOM} picks PNG, JPEG or WebP per image. */
public enum ImageFormat {
  PNG("image/png"),
  JPEG("image/jpeg"),
  WEBP("image/webp"),
  RANDOM(null);

  private final String mimeType;

  ImageFormat(String mimeType) {
    this.mimeType = mimeType;
  }

  public String mimeType() {
    return mimeType;
  }

  /** The short name as MediaBlob.format and data URLs carry it: png, jpeg, webp. */
  public String shortName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
