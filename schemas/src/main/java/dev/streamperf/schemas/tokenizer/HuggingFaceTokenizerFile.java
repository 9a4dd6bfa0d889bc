package dev.streamperf.schemas.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face {@code tokenizer.json}, run by the tokenizers library through DJL's binding. */
final class HuggingFaceTokenizerFile implements Tokenizer {

  private final String name;
  private final HuggingFaceTokenizer tokenizer;

  HuggingFaceTokenizerFile(String name, Path tokenizerJson) {
    this.name = name;
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson, Map.of("addSpecialTokens", "false", "truncation", "false"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "tokenizer " + name + ": cannot load " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int count(String text) {
    return encodeRaw(text).getIds().length;
  }

  @Override
  public int[] encode(String text) {
    long[] ids = encodeRaw(text).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  private Encoding encodeRaw(String text) {
    return tokenizer.encode(text, false, false);
  }

  @Override
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, false);
  }
}
