package dev.streamperf.producer.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.producer.spec.AudioFormat;
import dev.streamperf.producer.spec.AudioSpec;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.schemas.PartType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaSynthesisTest {

  @Test
  void imagesDecodeBackInTheirFormatAndSize() throws Exception {
    for (ImageFormat format : List.of(ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.WEBP)) {
      ImageSynthesizer images =
          new ImageSynthesizer(new ImageSpec(1, 320, 0, 200, 0, format, ImageSpec.ASSETS));
      Medium medium = images.image(new SplittableRandom(1));
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(medium.data()));
      assertThat(decoded).as(format + " decodes").isNotNull();
      assertThat(decoded.getWidth()).isEqualTo(320);
      assertThat(decoded.getHeight()).isEqualTo(200);
      assertThat(medium.format()).isEqualTo(format.shortName());
      assertThat(medium.mimeType()).isEqualTo(format.mimeType());
      assertThat(medium.type()).isEqualTo(PartType.IMAGE);
      assertThat(medium.sha256()).isEqualTo(Medium.sha256(medium.data())).hasSize(64);
    }
    byte[] webp =
        new ImageSynthesizer(new ImageSpec(1, 64, 0, 64, 0, ImageFormat.WEBP, "noise"))
            .image(new SplittableRandom(2))
            .data();
    assertThat(new String(webp, 0, 4, "US-ASCII")).isEqualTo("RIFF");
    assertThat(new String(webp, 8, 4, "US-ASCII")).isEqualTo("WEBP");
  }

  @Test
  void imageSizesFollowTheirNormalDistributions() throws Exception {
    ImageSynthesizer images =
        new ImageSynthesizer(new ImageSpec(1, 300, 40, 180, 20, ImageFormat.PNG, "noise"));
    SplittableRandom random = new SplittableRandom(5);
    List<Integer> widths = new ArrayList<>();
    List<Integer> heights = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Medium m = images.image(new SplittableRandom(random.nextLong()));
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(m.data()));
      assertThat(decoded.getWidth()).isEqualTo(m.width());
      assertThat(decoded.getHeight()).isEqualTo(m.height());
      widths.add(m.width());
      heights.add(m.height());
    }
    // 300 samples: the standard error of the mean is stddev/17, of the stddev about stddev/24.
    assertThat(mean(widths)).isCloseTo(300, within(40 / 17.0 * 4));
    assertThat(stddev(widths)).isCloseTo(40, within(40 / 24.0 * 4));
    assertThat(mean(heights)).isCloseTo(180, within(20 / 17.0 * 4));
    assertThat(stddev(heights)).isCloseTo(20, within(20 / 24.0 * 4));
  }

  @Test
  void randomFormatUsesAllThree() {
    ImageSynthesizer images =
        new ImageSynthesizer(new ImageSpec(1, 32, 0, 32, 0, ImageFormat.RANDOM, "noise"));
    SplittableRandom random = new SplittableRandom(11);
    List<String> formats = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      formats.add(images.image(random).format());
    }
    assertThat(formats).contains("png", "jpeg", "webp");
  }

  @Test
  void directorySourceResizesItsFiles(@TempDir Path dir) throws Exception {
    BufferedImage square = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(square, "png", dir.resolve("a.png").toFile());
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    ImageSynthesizer images =
        new ImageSynthesizer(new ImageSpec(1, 90, 0, 30, 0, ImageFormat.JPEG, dir.toString()));
    Medium m = images.image(new SplittableRandom(1));
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(m.data()));
    assertThat(decoded.getWidth()).isEqualTo(90);
    assertThat(decoded.getHeight()).isEqualTo(30);
    assertThat(m.source()).endsWith("a.png");
  }

  @Test
  void wavClipsDecodeBackWithTheirRateDepthChannelsAndLength() throws Exception {
    for (int depth : List.of(8, 16, 24, 32)) {
      for (int channels : List.of(1, 2)) {
        AudioSynthesizer audio =
            new AudioSynthesizer(
                new AudioSpec(
                    1, 1.5, 0, AudioFormat.WAV, List.of(22.05), List.of(depth), channels));
        Medium clip = audio.clip(new SplittableRandom(depth * 10 + channels));
        try (AudioInputStream in =
            AudioSystem.getAudioInputStream(new ByteArrayInputStream(clip.data()))) {
          javax.sound.sampled.AudioFormat f = in.getFormat();
          assertThat(f.getSampleRate()).isEqualTo(22050f);
          assertThat(f.getSampleSizeInBits()).isEqualTo(depth);
          assertThat(f.getChannels()).isEqualTo(channels);
          assertThat(in.getFrameLength()).isEqualTo(Math.round(1.5 * 22050));
        }
        assertThat(clip.durationMs()).isEqualTo(1500);
        assertThat(clip.bitDepth()).isEqualTo(depth);
        assertThat(clip.format()).isEqualTo("wav");
      }
    }
  }

  @Test
  void wavLengthsFollowTheirDistribution() throws Exception {
    AudioSynthesizer audio =
        new AudioSynthesizer(
            new AudioSpec(1, 0.5, 0.1, AudioFormat.WAV, List.of(8.0, 16.0), List.of(16), 1));
    SplittableRandom random = new SplittableRandom(3);
    List<Double> seconds = new ArrayList<>();
    List<Integer> rates = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Medium clip = audio.clip(new SplittableRandom(random.nextLong()));
      try (AudioInputStream in =
          AudioSystem.getAudioInputStream(new ByteArrayInputStream(clip.data()))) {
        seconds.add(in.getFrameLength() / (double) in.getFormat().getSampleRate());
        rates.add((int) in.getFormat().getSampleRate());
      }
    }
    assertThat(seconds.stream().mapToDouble(d -> d).average().orElseThrow())
        .isCloseTo(0.5, within(0.1 / 17 * 4));
    assertThat(rates).contains(8000, 16000).containsOnly(8000, 16000);
  }

  @Test
  void mp3ClipsAreMpegAudioStreamsOfTheRightRateChannelsAndLength() {
    for (double khz : List.of(16.0, 44.1)) {
      for (int channels : List.of(1, 2)) {
        AudioSynthesizer audio =
            new AudioSynthesizer(
                new AudioSpec(1, 2.0, 0, AudioFormat.MP3, List.of(khz), List.of(16), channels));
        Medium clip = audio.clip(new SplittableRandom(1));
        Mp3Frames frames = Mp3Frames.parse(clip.data());
        int rate = (int) Math.round(khz * 1000);
        assertThat(frames.sampleRate()).isEqualTo(rate);
        assertThat(frames.channels()).isEqualTo(channels);
        // LAME prepends its encoder delay (576 + 529 samples), pads the last frame and may lead
        // with
        // an Info frame: at most four frames beyond the clip.
        double decodedSeconds = frames.samples() / (double) rate;
        assertThat(decodedSeconds).isBetween(2.0, 2.0 + 4.0 * frames.samplesPerFrame() / rate);
        assertThat(clip.mimeType()).isEqualTo("audio/mpeg");
        assertThat(clip.durationMs()).isEqualTo(2000);
      }
    }
  }

  @Test
  void sameSeedSameBytes() {
    AudioSynthesizer audio =
        new AudioSynthesizer(
            new AudioSpec(1, 0.2, 0, AudioFormat.MP3, List.of(16.0), List.of(16), 1));
    assertThat(audio.clip(new SplittableRandom(4)).data())
        .isEqualTo(audio.clip(new SplittableRandom(4)).data());
    ImageSynthesizer images =
        new ImageSynthesizer(
            new ImageSpec(1, 100, 10, 100, 10, ImageFormat.WEBP, ImageSpec.ASSETS));
    assertThat(images.image(new SplittableRandom(4)).data())
        .isEqualTo(images.image(new SplittableRandom(4)).data());
  }

  private static double mean(List<Integer> values) {
    return values.stream().mapToInt(i -> i).average().orElseThrow();
  }

  private static double stddev(List<Integer> values) {
    double m = mean(values);
    return Math.sqrt(values.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / values.size());
  }
}
