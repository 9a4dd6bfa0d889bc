package dev.streamperf.producer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.spec.AudioFormat;
import dev.streamperf.producer.spec.AudioSpec;
import dev.streamperf.producer.spec.ConversationSpec;
import dev.streamperf.producer.spec.ExtraInputs;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import dev.streamperf.schemas.tokenizer.Tokenizers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest {

  static Tokenizer tokenizer;
  static PromptSynthesizer prompts;

  @BeforeAll
  static void load() {
    tokenizer = Tokenizers.builtin();
    prompts = PromptSynthesizer.load(tokenizer);
  }

  static SyntheticSource source(
      PromptSpec p, ConversationSpec c, ImageSpec i, AudioSpec a, long seed) {
    return new SyntheticSource(p, c, i, a, ExtraInputs.none(), new Seeds(seed), prompts);
  }

  @Test
  void everyUserPromptIsExactlyItsDrawnLengthAndLengthsFollowMeanAndStddev() {
    SyntheticSource source =
        source(
            new PromptSpec(200, 30, 64, 8, 0, 0, null, null, 400),
            ConversationSpec.singleTurn(),
            ImageSpec.none(),
            AudioSpec.none(),
            1);
    List<Integer> lengths = new ArrayList<>();
    List<Integer> outputs = new ArrayList<>();
    for (int k = 0; k < 400; k++) {
      TurnTemplate turn = source.entry(k).turns().get(0);
      String text = userText(turn.messages());
      int counted = tokenizer.count(text);
      assertThat(counted).as("entry %d", k).isEqualTo(turn.inputTokens());
      lengths.add(counted);
      outputs.add(turn.maxTokens());
    }
    assertThat(mean(lengths)).isCloseTo(200, within(30 / 20.0 * 4));
    assertThat(stddev(lengths)).isCloseTo(30, within(30 / 28.0 * 4));
    assertThat(mean(outputs)).isCloseTo(64, within(8 / 20.0 * 4));
  }

  @Test
  void systemPromptAndPrefixesAreExactToo() {
    SyntheticSource withSystem =
        source(
            new PromptSpec(100, 0, null, 0, 0, 0, 300, 50, 20),
            ConversationSpec.singleTurn(),
            ImageSpec.none(),
            AudioSpec.none(),
            2);
    Set<String> systems = new HashSet<>();
    for (int k = 0; k < 20; k++) {
      TurnTemplate turn = withSystem.entry(k).turns().get(0);
      Message system = turn.messages().get(0);
      assertThat(system.getRole()).isEqualTo("system");
      String systemText = system.getParts().get(0).getText();
      systems.add(systemText);
      assertThat(tokenizer.count(systemText)).isEqualTo(300);
      List<ContentPart> user = turn.messages().get(1).getParts();
      assertThat(tokenizer.count(user.get(0).getText())).as("user context").isEqualTo(50);
      assertThat(tokenizer.count(user.get(1).getText())).as("prompt").isEqualTo(100);
      assertThat(turn.inputTokens()).isEqualTo(450);
    }
    assertThat(systems).as("one system prompt shared by all").hasSize(1);

    SyntheticSource withPrefixes =
        source(
            new PromptSpec(100, 0, null, 0, 3, 40, null, null, 30),
            ConversationSpec.singleTurn(),
            ImageSpec.none(),
            AudioSpec.none(),
            3);
    Set<String> prefixes = new HashSet<>();
    for (int k = 0; k < 30; k++) {
      TurnTemplate turn = withPrefixes.entry(k).turns().get(0);
      String text = userText(turn.messages());
      assertThat(tokenizer.count(text)).isEqualTo(140);
      assertThat(turn.inputTokens()).isEqualTo(140);
      prefixes.add(text.substring(0, 60)); // 40 tokens are well over 60 characters
    }
    assertThat(prefixes).as("drawn from a pool of 3").hasSizeBetween(2, 3);
  }

  @Test
  void sessionsArePureFunctionsOfSeedAndPositionAndCycleThroughEveryEntry() {
    PromptSpec p = new PromptSpec(50, 10, null, 0, 0, 0, null, null, 10);
    ImageSpec images = new ImageSpec(2, 64, 8, 48, 4, ImageFormat.RANDOM, ImageSpec.ASSETS);
    AudioSpec audio = new AudioSpec(1, 0.1, 0, AudioFormat.MP3, List.of(16.0), List.of(16), 1);
    ConversationSpec turns = new ConversationSpec(3, 1, 500, 100, 1);
    SyntheticSource a = source(p, turns, images, audio, 99);
    SyntheticSource b = source(p, turns, images, audio, 99);
    // b is asked in another order: position 25 first
    SessionTemplate b25 = b.session(25);
    for (long i = 0; i < 30; i++) {
      SessionTemplate x = a.session(i);
      SessionTemplate y = i == 25 ? b25 : b.session(i);
      assertThat(x.source()).isEqualTo(y.source());
      assertThat(x.turns()).hasSameSizeAs(y.turns());
      for (int t = 0; t < x.turnCount(); t++) {
        assertThat(x.turns().get(t).messages()).isEqualTo(y.turns().get(t).messages());
        assertThat(x.turns().get(t).delayMs()).isEqualTo(y.turns().get(t).delayMs());
        for (int m = 0; m < x.turns().get(t).media().size(); m++) {
          assertThat(x.turns().get(t).media().get(m).data())
              .isEqualTo(y.turns().get(t).media().get(m).data());
        }
      }
    }
    Set<Integer> firstCycle = new HashSet<>();
    for (long i = 0; i < 10; i++) {
      firstCycle.add(a.entryOf(i));
    }
    assertThat(firstCycle).as("each pass shuffles all entries").hasSize(10);
    SyntheticSource other = source(p, turns, images, audio, 100);
    assertThat(other.session(0).turns().get(0).messages())
        .isNotEqualTo(a.session(0).turns().get(0).messages());
  }

  @Test
  void turnsCarryTheirMediaByReference() {
    SyntheticSource source =
        source(
            new PromptSpec(20, 0, null, 0, 0, 0, null, null, 5),
            new ConversationSpec(2, 0, 100, 0, 2),
            new ImageSpec(2, 32, 0, 32, 0, ImageFormat.PNG, "noise"),
            new AudioSpec(1, 0.05, 0, AudioFormat.WAV, List.of(16.0), List.of(16), 1),
            5);
    SessionTemplate session = source.session(0);
    assertThat(session.turnCount()).isEqualTo(2);
    assertThat(session.turns().get(1).delayMs()).isEqualTo(200);
    TurnTemplate turn = session.turns().get(0);
    List<ContentPart> parts = turn.messages().get(0).getParts();
    assertThat(parts)
        .extracting(ContentPart::getType)
        .containsExactly(PartType.TEXT, PartType.IMAGE, PartType.IMAGE, PartType.AUDIO);
    assertThat(turn.media()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(parts.get(i + 1).getMediaSha256()).isEqualTo(turn.media().get(i).sha256());
      assertThat(parts.get(i + 1).getSizeBytes()).isEqualTo(turn.media().get(i).data().length);
    }
  }

  static String userText(List<Message> messages) {
    StringBuilder text = new StringBuilder();
    for (Message m : messages) {
      if (m.getRole().equals("user")) {
        for (ContentPart part : m.getParts()) {
          if (part.getType() == PartType.TEXT) {
            text.append(part.getText());
          }
        }
      }
    }
    return text.toString();
  }

  static double mean(List<Integer> values) {
    return values.stream().mapToInt(i -> i).average().orElseThrow();
  }

  static double stddev(List<Integer> values) {
    double m = mean(values);
    return Math.sqrt(values.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / values.size());
  }
}
