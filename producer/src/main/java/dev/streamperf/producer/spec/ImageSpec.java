package dev.streamperf.producer.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Synthetic images: how many per turn, their size distribution, encoding and where their pixels
 * come from. Images are sent only when the batch size and both mean dimensions are above 0
 * (AIPerf's rule).
 *
 * @param batchSize images per turn ({@code --image-batch-size}, AIPerf default 1)
 * @param widthMean mean width in pixels ({@code --image-width-mean}, default 0 = no images)
 * @param widthStddev ({@code --image-width-stddev})
 * @param heightMean ({@code --image-height-mean}, default 0 = no images)
 * @param heightStddev ({@code --image-height-stddev})
 * @param format png, jpeg, webp or random ({@code --image-format}, default png)
 * @param source {@code assets} (the public-domain pictures shipped with streamperf), {@code noise}
 *     (uniform random pixels) or a directory of images ({@code --image-source})
 */
public record ImageSpec(
    int batchSize,
    double widthMean,
    double widthStddev,
    double heightMean,
    double heightStddev,
    ImageFormat format,
    String source) {

  public static final String ASSETS = "assets";
  public static final String NOISE = "noise";

  public ImageSpec {
    Checks.atLeast("--image-batch-size", batchSize, 0);
    Checks.atLeast("--image-width-mean", widthMean, 0.0);
    Checks.atLeast("--image-width-stddev", widthStddev, 0.0);
    Checks.atLeast("--image-height-mean", heightMean, 0.0);
    Checks.atLeast("--image-height-stddev", heightStddev, 0.0);
    Objects.requireNonNull(format, "--image-format");
    Objects.requireNonNull(source, "--image-source");
    String lower = source.toLowerCase(Locale.ROOT);
    if (!lower.equals(ASSETS) && !lower.equals(NOISE) && !Files.isDirectory(Path.of(source))) {
      throw new IllegalArgumentException(
          "--image-source: " + source + " (expected: assets, noise or an existing directory)");
    }
  }

  /** No images (AIPerf's defaults: batch 1, sizes 0). */
  public static ImageSpec none() {
    return new ImageSpec(1, 0, 0, 0, 0, ImageFormat.PNG, ASSETS);
  }

  /** Whether turns carry images. */
  public boolean enabled() {
    return batchSize > 0 && widthMean > 0 && heightMean > 0;
  }

  /** The directory of source images, or null for assets and noise. */
  public Path directory() {
    String lower = source.toLowerCase(Locale.ROOT);
    return lower.equals(ASSETS) || lower.equals(NOISE) ? null : Path.of(source);
  }

  public boolean noise() {
    return source.toLowerCase(Locale.ROOT).equals(NOISE);
  }
}
