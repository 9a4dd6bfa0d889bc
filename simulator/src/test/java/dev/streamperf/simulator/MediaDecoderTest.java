package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaDecoderTest {

  @Test
  void imageSizesFromPngAndJpegHeaders() {
    assertThat(MediaDecoder.imageSize(TestMedia.image("png", 100, 60)))
        .isEqualTo(new MediaDecoder.ImageSize(100, 60));
    assertThat(MediaDecoder.imageSize(TestMedia.image("jpg", 281, 17)))
        .isEqualTo(new MediaDecoder.ImageSize(281, 17));
  }

  @Test
  void webpSizesFromLossyLosslessAndExtendedHeaders() {
    byte[] vp8 = webp("VP8 ", 30);
    vp8[23] = (byte) 0x9d;
    vp8[24] = 0x01;
    vp8[25] = 0x2a;
    vp8[26] = (byte) 200; // width 200
    vp8[28] = 100; // height 100
    assertThat(MediaDecoder.imageSize(vp8)).isEqualTo(new MediaDecoder.ImageSize(200, 100));

    byte[] vp8l = webp("VP8L", 30);
    vp8l[20] = 0x2f;
    int bits = (640 - 1) | (480 - 1) << 14;
    vp8l[21] = (byte) bits;
    vp8l[22] = (byte) (bits >> 8);
    vp8l[23] = (byte) (bits >> 16);
    vp8l[24] = (byte) (bits >> 24);
    assertThat(MediaDecoder.imageSize(vp8l)).isEqualTo(new MediaDecoder.ImageSize(640, 480));

    byte[] vp8x = webp("VP8X", 30);
    vp8x[24] = (byte) 0xff; // width - 1 = 1023 + 1
    vp8x[25] = 0x03;
    vp8x[27] = 0x1f; // height - 1 = 31
    assertThat(MediaDecoder.imageSize(vp8x)).isEqualTo(new MediaDecoder.ImageSize(1024, 32));
  }

  private static byte[] webp(String chunk, int length) {
    byte[] d = new byte[length];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, d, 0, 4);
    System.arraycopy("WEBP".getBytes(StandardCharsets.US_ASCII), 0, d, 8, 4);
    System.arraycopy(chunk.getBytes(StandardCharsets.US_ASCII), 0, d, 12, 4);
    return d;
  }

  @Test
  void garbageIsNotAnImage() {
    assertThatThrownBy(() -> MediaDecoder.imageSize(new byte[] {0, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an image");
  }

  @Test
  void wavDurationFromItsHeader() {
    assertThat(MediaDecoder.audioSeconds(TestMedia.wav(2.5), "wav")).isEqualTo(2.5);
    assertThat(MediaDecoder.audioSeconds(TestMedia.wav(0.25), null)).isEqualTo(0.25);
  }

  @Test
  void mp3DurationBySummingFrames() {
    double seconds = MediaDecoder.audioSeconds(TestMedia.mp3(100), "mp3");
    assertThat(seconds).isCloseTo(100 * 1152 / 44_100.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(MediaDecoder.audioSeconds(TestMedia.mp3(10), null))
        .isCloseTo(10 * 1152 / 44_100.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void wavBytesAreNotMp3() {
    assertThatThrownBy(() -> MediaDecoder.audioSeconds(TestMedia.wav(1), "mp3"))
        .hasMessageContaining("no MPEG audio frame");
    assertThatThrownBy(() -> MediaDecoder.audioSeconds(TestMedia.mp3(3), "wav"))
        .hasMessageContaining("not a readable WAV");
  }

  @Test
  void mp4SizeAndDurationFromMoov() {
    MediaDecoder.VideoInfo info = MediaDecoder.video(TestMedia.mp4(320, 240, 3000));
    assertThat(info).isEqualTo(new MediaDecoder.VideoInfo(320, 240, 3.0));
    assertThatThrownBy(() -> MediaDecoder.video(TestMedia.wav(1))).hasMessageContaining("not MP4");
  }
}
