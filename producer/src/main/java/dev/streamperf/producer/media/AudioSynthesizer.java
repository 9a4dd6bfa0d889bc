package dev.streamperf.producer.media;

import de.sciss.jump3r.lowlevel.LameEncoder;
import dev.streamperf.producer.random.Sampling;
import dev.streamperf.producer.spec.AudioFormat;
import dev.streamperf.producer.spec.AudioSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Synthetic audio as AIPerf makes it: Gaussian noise (standard deviation 0.3 of full scale,
 * clipped) of a length drawn from a normal distribution, at a sample rate and depth drawn from the
 * configured lists, written as PCM WAV or encoded as MP3 (LAME, through the pure-Java jump3r port,
 * from 16-bit PCM). A clip is a pure function of its seed.
 */
public final class AudioSynthesizer {

  private static final double NOISE_STDDEV = 0.3;

  private final AudioSpec spec;

  public AudioSynthesizer(AudioSpec spec) {
    this.spec = spec;
  }

  /** One clip; consumes a fixed pattern of draws from {@code random}. */
  public Medium clip(SplittableRandom random) {
    double seconds =
        Sampling.normal(random, spec.lengthMeanSeconds(), spec.lengthStddevSeconds(), 0.01);
    int sampleRate =
        (int)
            Math.round(
                spec.sampleRatesKhz().get(random.nextInt(spec.sampleRatesKhz().size())) * 1000);
    int depth = spec.depths().get(random.nextInt(spec.depths().size()));
    int channels = spec.channels();
    int frames = Math.max(1, (int) Math.round(seconds * sampleRate));
    double[] signal = new double[frames * channels];
    SplittableRandom noise = new SplittableRandom(random.nextLong());
    for (int i = 0; i < signal.length; i++) {
      signal[i] = Math.max(-1, Math.min(1, NOISE_STDDEV * Sampling.gaussian(noise)));
    }
    long durationMs = Math.round(frames * 1000.0 / sampleRate);
    if (spec.format() == AudioFormat.WAV) {
      return Medium.audio(
          AudioFormat.WAV.mimeType(),
          AudioFormat.WAV.shortName(),
          wav(signal, sampleRate, channels, depth),
          durationMs,
          sampleRate,
          channels,
          depth,
          "synthetic:noise");
    }
    return Medium.audio(
        AudioFormat.MP3.mimeType(),
        AudioFormat.MP3.shortName(),
        mp3(signal, sampleRate, channels),
        durationMs,
        sampleRate,
        channels,
        null,
        "synthetic:noise");
  }

  /** Interleaved samples in [-1, 1] as a RIFF/WAVE file of integer PCM. */
  static byte[] wav(double[] signal, int sampleRate, int channels, int depth) {
    int bytesPerSample = depth / 8;
    int dataSize = signal.length * bytesPerSample;
    ByteBuffer out = ByteBuffer.allocate(44 + dataSize).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + dataSize);
    out.put(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '}).putInt(16);
    out.putShort((short) 1).putShort((short) channels).putInt(sampleRate);
    out.putInt(sampleRate * channels * bytesPerSample)
        .putShort((short) (channels * bytesPerSample));
    out.putShort((short) depth);
    out.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataSize);
    long max = (1L << (depth - 1)) - 1;
    for (double sample : signal) {
      long value = Math.round(sample * max);
      switch (depth) {
        case 8 -> out.put((byte) (value + 128));
        case 16 -> out.putShort((short) value);
        case 24 -> {
          out.put((byte) value);
          out.put((byte) (value >> 8));
          out.put((byte) (value >> 16));
        }
        default -> out.putInt((int) value);
      }
    }
    return out.array();
  }

  /** Interleaved samples in [-1, 1] as a constant-bit-rate MP3 stream. */
  static byte[] mp3(double[] signal, int sampleRate, int channels) {
    byte[] pcm = new byte[signal.length * 2];
    ByteBuffer buffer = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
    for (double sample : signal) {
      buffer.putShort((short) Math.round(sample * Short.MAX_VALUE));
    }
    javax.sound.sampled.AudioFormat source =
        new javax.sound.sampled.AudioFormat(sampleRate, 16, channels, true, false);
    LameEncoder encoder =
        new LameEncoder(
            source,
            LameEncoder.BITRATE_AUTO,
            channels == 1 ? LameEncoder.CHANNEL_MODE_MONO : LameEncoder.CHANNEL_MODE_JOINT_STEREO,
            LameEncoder.QUALITY_MIDDLE,
            false);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length / 4 + 1024);
      byte[] chunk = new byte[encoder.getMP3BufferSize()];
      int step = encoder.getPCMBufferSize();
      for (int offset = 0; offset < pcm.length; offset += step) {
        int n = Math.min(step, pcm.length - offset);
        int written = encoder.encodeBuffer(pcm, offset, n, chunk);
        out.write(chunk, 0, written);
      }
      int last = encoder.encodeFinish(chunk);
      out.write(chunk, 0, last);
      return out.toByteArray();
    } finally {
      encoder.close();
    }
  }
}
