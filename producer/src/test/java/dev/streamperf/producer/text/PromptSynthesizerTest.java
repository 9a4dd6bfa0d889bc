package dev.streamperf.producer.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptSynthesizerTest {

  static Tokenizer tokenizer;
  static PromptSynthesizer synthesizer;

  @BeforeAll
  static void load() {
    tokenizer = Tokenizers.builtin();
    synthesizer = PromptSynthesizer.load(tokenizer);
  }

  @Test
  void shipsAWholeCorpus() {
    assertThat(synthesizer.corpusTokens()).isGreaterThan(50_000);
  }

  @Test
  void everyPromptIsExactlyAsLongAsAsked() {
    SplittableRandom random = new SplittableRandom(42);
    for (int tokens : new int[] {1, 2, 3, 7, 64, 550, 1000, 4096}) {
      for (int i = 0; i < 40; i++) {
        String prompt = synthesizer.prompt(random, tokens);
        assertThat(tokenizer.count(prompt))
            .as("%d tokens, sample %d: %s", tokens, i, prompt)
            .isEqualTo(tokens);
      }
    }
  }

  @Test
  void longerThanTheCorpusWrapsAroundAndStaysExact() {
    int tokens = synthesizer.corpusTokens() + 1234;
    String prompt = synthesizer.prompt(new SplittableRandom(7), tokens);
    assertThat(tokenizer.count(prompt)).isEqualTo(tokens);
  }

  @Test
  void exactAlsoAfterAPrefix() {
    SplittableRandom random = new SplittableRandom(3);
    String prefix = synthesizer.prompt(random, 100);
    for (int i = 0; i < 50; i++) {
      String prompt = synthesizer.prompt(random, 200, prefix);
      assertThat(tokenizer.count(prefix + prompt)).isEqualTo(300);
    }
  }

  @Test
  void sameSeedSameText() {
    assertThat(synthesizer.prompt(new SplittableRandom(9), 300))
        .isEqualTo(synthesizer.prompt(new SplittableRandom(9), 300))
        .isNotEqualTo(synthesizer.prompt(new SplittableRandom(10), 300));
  }
}
