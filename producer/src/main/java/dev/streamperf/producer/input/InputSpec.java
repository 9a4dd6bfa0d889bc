package dev.streamperf.producer.input;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a run's sessions come from when they are not synthetic: an input file, a public dataset, or
 * an earlier run of the cluster. Each knows whether it is finite (a run of it ends with its last
 * session unless a count or duration stops it first) and whether it brings its own schedule.
 */
public sealed interface InputSpec permits InputSpec.File, InputSpec.Dataset, InputSpec.Replay {

  /** Whether publishing ends with the source's last session when no stop is given. */
  boolean finite();

  /** The fixed schedule, or null when the load spec schedules the sessions. */
  FixedSchedule schedule();

  /**
   * An input file ({@code --input-file}).
   *
   * @param path the file, or a directory of files (random pool)
   * @param format its format; null to infer it from the name and first line
   * @param mediaUrls what becomes of http(s) media
   * @param schedule the fixed schedule, or null to use the load spec
   */
  record File(Path path, InputFormat format, MediaUrls mediaUrls, FixedSchedule schedule)
      implements InputSpec {
    public File {
      Objects.requireNonNull(path, "--input-file");
      Objects.requireNonNull(mediaUrls, "--media-urls");
      if (schedule != null && format == InputFormat.RANDOM_POOL) {
        throw new IllegalArgumentException(
            "--fixed-schedule: expected not with --custom-dataset-type random_pool (a pool has no"
                + " timestamps)");
      }
    }

    @Override
    public boolean finite() {
      return format != InputFormat.RANDOM_POOL;
    }
  }

  /**
   * A public dataset ({@code --public-dataset}).
   *
   * @param name the dataset's name, e.g. {@code mmstar}
   * @param localPath a local copy ({@code --dataset-path}), or null to read it from the hub
   * @param endpoint the hub's datasets-server base URL ({@code --hf-endpoint})
   * @param cacheDir where rows and media are cached
   * @param token a Hugging Face token for gated datasets, or null
   */
  record Dataset(String name, Path localPath, URI endpoint, Path cacheDir, String token)
      implements InputSpec {
    public Dataset {
      Objects.requireNonNull(name, "--public-dataset");
      Objects.requireNonNull(endpoint, "--hf-endpoint");
      Objects.requireNonNull(cacheDir, "cacheDir");
    }

    @Override
    public boolean finite() {
      return true;
    }

    @Override
    public FixedSchedule schedule() {
      return null;
    }

    @Override
    public String toString() {
      return "Dataset[" + name + ", " + localPath + ", " + endpoint + "]";
    }
  }

  /**
   * An earlier run of the cluster re-published ({@code streamperf replay}).
   *
   * @param runId the run replayed
   * @param speed how many times faster than the original (intended gaps scaled by 1/speed)
   */
  record Replay(String runId, double speed) implements InputSpec {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Replay {
      if (runId == null || !RUN_ID.matcher(runId).matches()) {
        throw new IllegalArgumentException("--run: '" + runId + "' (expected: a run id)");
      }
      if (!(speed > 0) || Double.isInfinite(speed)) {
        throw new IllegalArgumentException(
            "--speed: " + speed + " (expected: a finite number > 0)");
      }
    }

    @Override
    public boolean finite() {
      return true;
    }

    @Override
    public FixedSchedule schedule() {
      return new FixedSchedule(true, null, null, speed);
    }
  }
}
