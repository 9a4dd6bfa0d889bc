package dev.streamperf.producer.media;

/**
 * Walks the frame headers of an MPEG-1/2/2.5 layer III stream (ISO 11172-3, 13818-3), the way a
 * decoder finds frames: test-side, independent of the encoder.
 */
record Mp3Frames(int frames, int sampleRate, int channels, int samplesPerFrame) {

  private static final int[][] BITRATES = {
    {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // MPEG-1 layer III
    {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160} // MPEG-2/2.5 layer III
  };
  private static final int[] RATES = {44100, 48000, 32000};

  long samples() {
    return (long) frames * samplesPerFrame;
  }

  static Mp3Frames parse(byte[] data) {
    int position = 0;
    if (data.length > 10 && data[0] == 'I' && data[1] == 'D' && data[2] == '3') {
      position =
          10
              + ((data[6] & 0x7F) << 21
                  | (data[7] & 0x7F) << 14
                  | (data[8] & 0x7F) << 7
                  | (data[9] & 0x7F));
    }
    int frames = 0;
    int rate = -1;
    int channels = -1;
    int perFrame = -1;
    while (position + 4 <= data.length) {
      int h =
          (data[position] & 0xFF) << 24
              | (data[position + 1] & 0xFF) << 16
              | (data[position + 2] & 0xFF) << 8
              | (data[position + 3] & 0xFF);
      if ((h >>> 21) != 0x7FF) {
        throw new IllegalArgumentException("no frame sync at byte " + position);
      }
      int version = (h >>> 19) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
      int layer = (h >>> 17) & 3;
      if (layer != 1) {
        throw new IllegalArgumentException("not layer III at byte " + position);
      }
      int bitrate = BITRATES[version == 3 ? 0 : 1][(h >>> 12) & 0xF] * 1000;
      int r = RATES[(h >>> 10) & 3] / (version == 3 ? 1 : version == 2 ? 2 : 4);
      int padding = (h >>> 9) & 1;
      int mode = (h >>> 6) & 3;
      int spf = version == 3 ? 1152 : 576;
      int length = (spf / 8) * bitrate / r + padding;
      rate = r;
      channels = mode == 3 ? 1 : 2;
      perFrame = spf;
      frames++;
      position += length;
    }
    return new Mp3Frames(frames, rate, channels, perFrame);
  }
}
