package dev.streamperf.producer.source;

import dev.streamperf.producer.media.AudioSynthesizer;
import dev.streamperf.producer.media.ImageSynthesizer;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.producer.random.Sampling;
import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.spec.AudioSpec;
import dev.streamperf.producer.spec.ConversationSpec;
import dev.streamperf.producer.spec.ExtraInputs;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.PartType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * AIPerf's synthetic dataset: {@code --num-dataset-entries} distinct sessions, each generated from
 * its own random stream (prompts exact in tokens, images, audio, turns, think times), cycled
 * through in a fresh shuffle every pass. Position {@code i} maps to entry {@code permutation(i /
 * n)[i % n]}, so the session at any position is a pure function of the seed and the position.
 * Entries are generated on first use and kept.
 */
public final class SyntheticSource implements SessionSource {

  private final PromptSpec prompts;
  private final ConversationSpec conversation;
  private final ImageSpec images;
  private final AudioSpec audio;
  private final ExtraInputs extra;
  private final Seeds seeds;
  private final PromptSynthesizer synthesizer;
  private final ImageSynthesizer imageSynthesizer;
  private final AudioSynthesizer audioSynthesizer;
  private final SessionTemplate[] entries;
  private final String systemPrompt;
  private final String[] prefixes;
  private final int[] prefixTokens;
  private long permutationCycle = -1;
  private int[] permutation;

  public SyntheticSource(
      PromptSpec prompts,
      ConversationSpec conversation,
      ImageSpec images,
      AudioSpec audio,
      ExtraInputs extra,
      Seeds seeds,
      PromptSynthesizer synthesizer) {
    this.prompts = prompts;
    this.conversation = conversation;
    this.images = images;
    this.audio = audio;
    this.extra = extra;
    this.seeds = seeds;
    this.synthesizer = synthesizer;
    this.imageSynthesizer = images.enabled() ? new ImageSynthesizer(images) : null;
    this.audioSynthesizer = audio.enabled() ? new AudioSynthesizer(audio) : null;
    this.entries = new SessionTemplate[prompts.datasetEntries()];
    this.systemPrompt =
        prompts.sharedSystemPromptLength() == null
            ? null
            : synthesizer.prompt(
                seeds.random(Seeds.Stream.SYSTEM_PROMPT, 0), prompts.sharedSystemPromptLength());
    this.prefixes = new String[prompts.prefixPoolSize()];
    this.prefixTokens = new int[prompts.prefixPoolSize()];
    for (int i = 0; i < prefixes.length; i++) {
      prefixes[i] =
          synthesizer.prompt(seeds.random(Seeds.Stream.PREFIX, i), prompts.prefixLength());
      prefixTokens[i] = prompts.prefixLength();
    }
  }

  /** Generates every dataset entry (AIPerf generates its dataset before the benchmark too). */
  @Override
  public void prepare() {
    for (int k = 0; k < entries.length; k++) {
      entry(k);
    }
  }

  @Override
  public SessionTemplate session(long sequence) {
    return entry(entryOf(sequence));
  }

  /** The dataset entry that position {@code sequence} uses. */
  public int entryOf(long sequence) {
    int n = entries.length;
    long cycle = sequence / n;
    if (cycle != permutationCycle) {
      permutation = shuffle(seeds.random(Seeds.Stream.SHUFFLE, cycle), n);
      permutationCycle = cycle;
    }
    return permutation[(int) (sequence % n)];
  }

  private static int[] shuffle(SplittableRandom random, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** Entry {@code k}, generated from its own stream on first use. */
  public SessionTemplate entry(int k) {
    SessionTemplate entry = entries[k];
    if (entry == null) {
      entry = generate(k);
      entries[k] = entry;
    }
    return entry;
  }

  private SessionTemplate generate(int k) {
    SplittableRandom random = seeds.random(Seeds.Stream.ENTRY, k);
    int turnCount =
        Sampling.normalInt(random, conversation.turnsMean(), conversation.turnsStddev(), 1);
    String context =
        prompts.userContextPromptLength() == null
            ? null
            : synthesizer.prompt(random, prompts.userContextPromptLength());
    List<TurnTemplate> turns = new ArrayList<>(turnCount);
    for (int t = 0; t < turnCount; t++) {
      turns.add(turn(random, t, context));
    }
    return new SessionTemplate(turns, null, "synthetic:entry=" + k);
  }

  private TurnTemplate turn(SplittableRandom random, int index, String context) {
    int isl = Sampling.normalInt(random, prompts.inputTokensMean(), prompts.inputTokensStddev(), 1);
    Integer osl =
        prompts.outputTokensMean() == null
            ? null
            : Sampling.normalInt(
                random, prompts.outputTokensMean(), prompts.outputTokensStddev(), 1);
    String prefix = "";
    int tokens = isl;
    if (prefixes.length > 0) {
      int p = random.nextInt(prefixes.length);
      prefix = prefixes[p];
      tokens += prefixTokens[p];
    }
    String text = prefix + synthesizer.prompt(random, isl, prefix);
    long delayMs = 0;
    if (index > 0) {
      delayMs =
          Math.round(
              Sampling.normal(random, conversation.delayMeanMs(), conversation.delayStddevMs(), 0)
                  * conversation.delayRatio());
    }
    List<Medium> media = new ArrayList<>();
    if (imageSynthesizer != null) {
      for (int i = 0; i < images.batchSize(); i++) {
        media.add(imageSynthesizer.image(new SplittableRandom(random.nextLong())));
      }
    }
    if (audioSynthesizer != null) {
      for (int i = 0; i < audio.batchSize(); i++) {
        media.add(audioSynthesizer.clip(new SplittableRandom(random.nextLong())));
      }
    }
    List<Message> messages = new ArrayList<>(2);
    if (index == 0 && systemPrompt != null) {
      messages.add(new Message("system", List.of(text(systemPrompt))));
      tokens += prompts.sharedSystemPromptLength();
    }
    List<ContentPart> parts = new ArrayList<>(2 + media.size());
    if (index == 0 && context != null) {
      parts.add(text(context));
      tokens += prompts.userContextPromptLength();
    }
    parts.add(text(text));
    for (Medium medium : media) {
      parts.add(medium.part());
    }
    messages.add(new Message("user", parts));
    return new TurnTemplate(
        messages,
        distinct(media),
        osl != null ? osl : extra.maxTokens(),
        extra.minTokens(),
        extra.ignoreEos(),
        tokens,
        delayMs,
        null);
  }

  private static List<Medium> distinct(List<Medium> media) {
    List<Medium> out = new ArrayList<>(media.size());
    for (Medium m : media) {
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  private static ContentPart text(String text) {
    return ContentPart.newBuilder().setType(PartType.TEXT).setText(text).build();
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.empty();
  }

  @Override
  public String describe() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "synthetic: %d entries, ISL %d±%s tokens of %s",
                entries.length,
                prompts.inputTokensMean(),
                trim(prompts.inputTokensStddev()),
                synthesizer.tokenizer().name()));
    if (prompts.outputTokensMean() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              ", OSL %d±%s",
              prompts.outputTokensMean(),
              trim(prompts.outputTokensStddev())));
    }
    if (conversation.turnsMean() > 1 || conversation.turnsStddev() > 0) {
      out.append(
          String.format(
              Locale.ROOT, ", %d±%d turns", conversation.turnsMean(), conversation.turnsStddev()));
    }
    if (images.enabled()) {
      out.append(
          String.format(
              Locale.ROOT,
              ", %d× %s image %s±%s × %s±%s px from %s",
              images.batchSize(),
              images.format().shortName(),
              trim(images.widthMean()),
              trim(images.widthStddev()),
              trim(images.heightMean()),
              trim(images.heightStddev()),
              images.source()));
    }
    if (audio.enabled()) {
      out.append(
          String.format(
              Locale.ROOT,
              ", %d× %s audio %s±%s s",
              audio.batchSize(),
              audio.format().shortName(),
              trim(audio.lengthMeanSeconds()),
              trim(audio.lengthStddevSeconds())));
    }
    return out.toString();
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
