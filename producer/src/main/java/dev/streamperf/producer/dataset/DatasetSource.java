package dev.streamperf.producer.dataset;

import dev.streamperf.producer.input.InputSpec;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.schemas.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The sessions of a public dataset ({@code --public-dataset}), read whole (hub or local copy)
 * before the run: its rows in order, once each, or cycled when a count or duration asks for more.
 */
public final class DatasetSource implements SessionSource {

  /** The public datasets by name. */
  public static final List<String> NAMES = List.of("mmstar");

  private final InputSpec.Dataset spec;
  private final List<SessionTemplate> sessions;
  private final boolean cycle;

  /**
   * @param progress where download progress goes (stderr)
   * @param cycle go round again after the last row (a stop condition was given)
   */
  public DatasetSource(
      InputSpec.Dataset spec, Tokenizer tokenizer, PrintStream progress, boolean cycle) {
    this.spec = spec;
    this.cycle = cycle;
    HfRows hub = new HfRows(spec.endpoint(), spec.cacheDir(), spec.token(), progress);
    String name = spec.name().trim().toLowerCase(Locale.ROOT);
    this.sessions =
        switch (name) {
          case "mmstar" ->
              spec.localPath() != null
                  ? MmStar.fromFile(spec.localPath(), hub, tokenizer)
                  : MmStar.fromHub(hub, tokenizer);
          default ->
              throw new IllegalArgumentException(
                  "--public-dataset: '" + spec.name() + "' (expected one of: " + NAMES + ")");
        };
  }

  public List<SessionTemplate> sessions() {
    return sessions;
  }

  @Override
  public SessionTemplate session(long sequence) {
    return sessions.get((int) (sequence % sessions.size()));
  }

  @Override
  public OptionalLong size() {
    return cycle ? OptionalLong.empty() : OptionalLong.of(sessions.size());
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "public dataset %s (%d rows from %s%s)",
        spec.name(),
        sessions.size(),
        spec.localPath() != null ? spec.localPath() : spec.endpoint(),
        cycle ? ", cycled" : "");
  }
}
