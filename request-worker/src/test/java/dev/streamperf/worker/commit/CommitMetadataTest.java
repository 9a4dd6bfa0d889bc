package dev.streamperf.worker.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CommitMetadataTest {

  private static final byte X = CommitMetadata.DONE;

  @Test
  void encodesRunsWithImplicitNeverStartedTail() {
    byte[] codes = {1, X, X, X, 0, 1, 1, 0, 0};
    CommitMetadata.Encoded encoded = CommitMetadata.encode(codes, codes.length, 4000);
    assertThat(encoded.text()).isEqualTo("spw1:b3Xa2b");
    assertThat(encoded.covered()).isEqualTo(codes.length);
    assertThat(CommitMetadata.decode(encoded.text())).containsExactly(1, X, X, X, 0, 1, 1);
  }

  @Test
  void emptyAndForeignMetadataDecodeToNothing() {
    assertThat(CommitMetadata.encode(new byte[] {0, 0}, 2, 100).text()).isEqualTo("spw1:");
    assertThat(CommitMetadata.decode("spw1:")).isEmpty();
    assertThat(CommitMetadata.decode("")).isEmpty();
    assertThat(CommitMetadata.decode(null)).isEmpty();
    assertThat(CommitMetadata.decode("written by another tool")).isEmpty();
  }

  @Test
  void malformedMetadataOfOursIsRejectedWithTheText() {
    assertThatThrownBy(() -> CommitMetadata.decode("spw1:3")).hasMessageContaining("'spw1:3'");
    assertThatThrownBy(() -> CommitMetadata.decode("spw1:b?")).hasMessageContaining("code '?'");
  }

  @Test
  void roundTripsRandomWindows() {
    Random random = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      byte[] codes = new byte[random.nextInt(300)];
      for (int i = 0; i < codes.length; i++) {
        int r = random.nextInt(10);
        codes[i] = r < 5 ? X : r < 8 ? 1 : (byte) random.nextInt(4);
      }
      CommitMetadata.Encoded encoded = CommitMetadata.encode(codes, codes.length, 100_000);
      byte[] decoded = CommitMetadata.decode(encoded.text());
      int end = codes.length;
      while (end > 0 && codes[end - 1] == 0) {
        end--;
      }
      assertThat(decoded).containsExactly(java.util.Arrays.copyOf(codes, end));
    }
  }

  @Test
  void aBoundedEncodingCoversAPrefixThatDecodesExactly() {
    Random random = new Random(7);
    byte[] codes = new byte[5_000];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = random.nextBoolean() ? X : 1;
    }
    CommitMetadata.Encoded encoded = CommitMetadata.encode(codes, codes.length, 1_000);
    assertThat(encoded.text().length()).isLessThanOrEqualTo(1_000);
    assertThat(encoded.covered()).isBetween(300, 4_999);
    byte[] decoded = CommitMetadata.decode(encoded.text());
    assertThat(decoded).containsExactly(java.util.Arrays.copyOf(codes, encoded.covered()));
  }

  @Test
  void aLongRunIsSplitToFitTheBound() {
    byte[] codes = new byte[200];
    java.util.Arrays.fill(codes, X);
    CommitMetadata.Encoded encoded = CommitMetadata.encode(codes, 200, "spw1:".length() + 3);
    assertThat(encoded.text()).isEqualTo("spw1:99X");
    assertThat(encoded.covered()).isEqualTo(99);
  }

  @Test
  void startCountsSaturateAtTheLastLetter() {
    byte[] codes = {40};
    assertThat(CommitMetadata.encode(codes, 1, 100).text()).isEqualTo("spw1:z");
  }
}
