package dev.streamperf.producer.input;

import dev.streamperf.producer.random.Seeds;
import dev.streamperf.producer.schedule.Arrivals;
import dev.streamperf.producer.schedule.FixedArrivals;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.producer.text.PromptSynthesizer;
import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.Message;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The sessions of an input file. The whole file is loaded and checked when the source is made,
 * before anything is published. A file's sessions go out in file order (schedule order with a fixed
 * schedule), once each, or cycled when a request count, session count or duration asks for more; a
 * random pool's sessions are drawn at random, one entry of every pool file per session, from the
 * session's own stream so that any position is a pure function of the seed.
 */
public final class InputSource implements SessionSource {

  private final InputSpec.File spec;
  private final InputLoader.Loaded loaded;
  private final Seeds seeds;
  private final boolean cycle;

  /**
   * @param cycle go round the file again after its last session (a stop condition was given)
   * @throws InputException naming the file, line and field of the input's first problem
   */
  public InputSource(InputSpec.File spec, PromptSynthesizer prompts, Seeds seeds, boolean cycle) {
    this.spec = spec;
    this.seeds = seeds;
    this.loaded = InputLoader.load(spec, prompts, seeds);
    this.cycle = cycle && loaded.offsetsNanos() == null;
  }

  /** The loaded input (for tests and reports). */
  public InputLoader.Loaded loaded() {
    return loaded;
  }

  @Override
  public SessionTemplate session(long sequence) {
    if (loaded.pools() != null) {
      return pooled(sequence);
    }
    List<SessionTemplate> sessions = loaded.sessions();
    return sessions.get((int) (sequence % sessions.size()));
  }

  private SessionTemplate pooled(long sequence) {
    SplittableRandom random = seeds.random(Seeds.Stream.POOL, sequence);
    List<ContentPart> parts = new ArrayList<>();
    LinkedHashSet<dev.streamperf.producer.media.Medium> media = new LinkedHashSet<>();
    int tokens = 0;
    List<String> sources = new ArrayList<>();
    for (List<SessionTemplate> pool : loaded.pools()) {
      SessionTemplate entry = pool.get(random.nextInt(pool.size()));
      TurnTemplate turn = entry.turns().get(0);
      for (Message m : turn.messages()) {
        parts.addAll(m.getParts());
      }
      media.addAll(turn.media());
      tokens += turn.inputTokens() == null ? 0 : turn.inputTokens();
      sources.add(entry.source());
    }
    TurnTemplate turn =
        new TurnTemplate(
            List.of(new Message("user", parts)),
            new ArrayList<>(media),
            null,
            null,
            null,
            tokens,
            0,
            null);
    return new SessionTemplate(List.of(turn), null, String.join(" + ", sources));
  }

  @Override
  public OptionalLong size() {
    if (loaded.pools() != null || cycle) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(loaded.sessions().size());
  }

  @Override
  public Optional<Arrivals> schedule() {
    return loaded.offsetsNanos() == null
        ? Optional.empty()
        : Optional.of(new FixedArrivals(loaded.offsetsNanos()));
  }

  @Override
  public String describe() {
    if (loaded.pools() != null) {
      return String.format(
          Locale.ROOT,
          "input %s (random_pool, %d pool%s of %d entries)",
          spec.path(),
          loaded.pools().size(),
          loaded.pools().size() == 1 ? "" : "s",
          loaded.pools().stream().mapToInt(List::size).sum());
    }
    String schedule = "";
    if (loaded.offsetsNanos() != null) {
      long[] offsets = loaded.offsetsNanos();
      schedule =
          String.format(
              Locale.ROOT,
              ", fixed schedule over %.3f s (speedup %s)",
              (offsets[offsets.length - 1] - offsets[0]) / 1e9,
              spec.schedule().speedup());
    }
    return String.format(
        Locale.ROOT,
        "input %s (%s, %d sessions%s%s)",
        spec.path(),
        loaded.format().label(),
        loaded.sessions().size(),
        cycle ? ", cycled" : "",
        schedule);
  }
}
