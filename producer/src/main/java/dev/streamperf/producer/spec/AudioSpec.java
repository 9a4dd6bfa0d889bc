package dev.streamperf.producer.spec;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Synthetic audio: Gaussian noise clips of a length distribution, sample rate and depth drawn per
 * clip from lists, encoded as WAV or MP3. Sent only when the batch size and the mean length are
 * above 0 (AIPerf's rule).
 *
 * @param batchSize clips per turn ({@code --audio-batch-size}, AIPerf default 1)
 * @param lengthMeanSeconds mean length ({@code --audio-length-mean}, default 0 = no audio)
 * @param lengthStddevSeconds ({@code --audio-length-stddev})
 * @param format wav or mp3 ({@code --audio-format}, default wav)
 * @param sampleRatesKhz sample rates to choose from, kHz ({@code --audio-sample-rates}, default 16)
 * @param depths bits per sample to choose from: 8, 16, 24, 32 ({@code --audio-depths}, default 16)
 * @param channels 1 or 2 ({@code --audio-num-channels}, default 1)
 */
public record AudioSpec(
    int batchSize,
    double lengthMeanSeconds,
    double lengthStddevSeconds,
    AudioFormat format,
    List<Double> sampleRatesKhz,
    List<Integer> depths,
    int channels) {

  /** Sample rates an MP3 (MPEG-1, 2 or 2.5 layer III) stream can carry, Hz. */
  public static final Set<Integer> MP3_SAMPLE_RATES =
      Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000);

  private static final Set<Integer> DEPTHS = Set.of(8, 16, 24, 32);

  public AudioSpec {
    Checks.atLeast("--audio-batch-size", batchSize, 0);
    Checks.atLeast("--audio-length-mean", lengthMeanSeconds, 0.0);
    Checks.atLeast("--audio-length-stddev", lengthStddevSeconds, 0.0);
    Objects.requireNonNull(format, "--audio-format");
    sampleRatesKhz = List.copyOf(sampleRatesKhz);
    depths = List.copyOf(depths);
    if (sampleRatesKhz.isEmpty()) {
      throw new IllegalArgumentException("--audio-sample-rates: empty (expected: one or more kHz)");
    }
    for (double khz : sampleRatesKhz) {
      Checks.positive("--audio-sample-rates", khz);
      int hz = (int) Math.round(khz * 1000);
      if (format == AudioFormat.MP3 && !MP3_SAMPLE_RATES.contains(hz)) {
        throw new IllegalArgumentException(
            "--audio-sample-rates: "
                + khz
                + " (expected with --audio-format mp3: one of 8, 11.025, 12, 16, 22.05, 24, 32,"
                + " 44.1, 48 kHz)");
      }
    }
    if (depths.isEmpty()) {
      throw new IllegalArgumentException(
          "--audio-depths: empty (expected: one or more of 8, 16, 24, 32)");
    }
    for (int depth : depths) {
      if (!DEPTHS.contains(depth)) {
        throw new IllegalArgumentException(
            "--audio-depths: " + depth + " (expected: 8, 16, 24 or 32)");
      }
    }
    if (channels != 1 && channels != 2) {
      throw new IllegalArgumentException(
          "--audio-num-channels: " + channels + " (expected: 1 or 2)");
    }
    if (batchSize > 0 && lengthMeanSeconds > 0 && lengthMeanSeconds < 0.01) {
      throw new IllegalArgumentException(
          "--audio-length-mean: " + lengthMeanSeconds + " (expected: >= 0.01 seconds)");
    }
  }

  /** No audio (AIPerf's defaults: batch 1, length 0, wav, 16 kHz, 16 bit, mono). */
  public static AudioSpec none() {
    return new AudioSpec(1, 0, 0, AudioFormat.WAV, List.of(16.0), List.of(16), 1);
  }

  public boolean enabled() {
    return batchSize > 0 && lengthMeanSeconds > 0;
  }
}
