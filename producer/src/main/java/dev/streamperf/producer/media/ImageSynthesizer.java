package dev.streamperf.producer.media;

import com.luciad.imageio.webp.WebPWriteParam;
import dev.streamperf.producer.random.Sampling;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Synthetic images as AIPerf makes them: a source picture (a shipped public-domain asset, a file of
 * a directory, or uniform noise) resized to a width and height drawn from normal distributions,
 * encoded as PNG, JPEG (quality 0.75) or lossy WebP (quality 0.75). Every choice comes from the
 * random generator it is given, so an image is a pure function of its seed.
 */
public final class ImageSynthesizer {

  /** The shipped pictures (Open Clip Art Library, public domain; see NOTICE.txt). */
  public static final List<String> ASSETS =
      List.of("landscape.png", "park.png", "fireworks.png", "menu.png");

  private static final String ASSET_DIR = "/dev/streamperf/producer/images/";
  private static final float QUALITY = 0.75f;
  private static final ImageFormat[] RANDOM_FORMATS = {
    ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.WEBP
  };

  private final ImageSpec spec;
  private final List<String> sourceNames;
  private final List<BufferedImage> assetImages;
  private final Path directory;

  public ImageSynthesizer(ImageSpec spec) {
    this.spec = spec;
    this.directory = spec.directory();
    if (spec.noise()) {
      this.sourceNames = List.of("noise");
      this.assetImages = List.of();
    } else if (directory == null) {
      this.sourceNames = ASSETS;
      List<BufferedImage> images = new ArrayList<>();
      for (String name : ASSETS) {
        try (InputStream in = ImageSynthesizer.class.getResourceAsStream(ASSET_DIR + name)) {
          if (in == null) {
            throw new IllegalStateException("image asset " + name + " is missing from the jar");
          }
          images.add(opaque(ImageIO.read(in)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read image asset " + name, e);
        }
      }
      this.assetImages = List.copyOf(images);
    } else {
      this.sourceNames = listImages(directory);
      this.assetImages = List.of();
    }
  }

  private static List<String> listImages(Path directory) {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files
          .filter(Files::isRegularFile)
          .filter(ImageSynthesizer::readableImage)
          .map(p -> p.getFileName().toString())
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException("--image-source " + directory + ": cannot list", e);
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "--image-source: "
              + directory
              + " (expected: a directory holding at least one PNG, JPEG, GIF, BMP or WebP file)");
    }
    return List.copyOf(names);
  }

  private static boolean readableImage(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return false;
    }
    Iterator<?> readers =
        ImageIO.getImageReadersBySuffix(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    return readers.hasNext();
  }

  /** One image; consumes a fixed pattern of draws from {@code random}. */
  public Medium image(SplittableRandom random) {
    ImageFormat format =
        spec.format() == ImageFormat.RANDOM
            ? RANDOM_FORMATS[random.nextInt(RANDOM_FORMATS.length)]
            : spec.format();
    int width = Sampling.normalInt(random, spec.widthMean(), spec.widthStddev(), 1);
    int height = Sampling.normalInt(random, spec.heightMean(), spec.heightStddev(), 1);
    long noiseSeed = random.nextLong();
    int sourceIndex = random.nextInt(sourceNames.size());
    BufferedImage image;
    String source;
    if (spec.noise()) {
      image = noise(new SplittableRandom(noiseSeed), width, height);
      source = "synthetic:noise";
    } else {
      BufferedImage original =
          directory == null ? assetImages.get(sourceIndex) : readSource(sourceIndex);
      image = resize(original, width, height);
      source =
          directory == null
              ? "synthetic:asset/" + sourceNames.get(sourceIndex)
              : "synthetic:" + directory.resolve(sourceNames.get(sourceIndex));
    }
    return Medium.image(
        format.mimeType(), format.shortName(), encode(image, format), width, height, source);
  }

  private BufferedImage readSource(int index) {
    Path file = directory.resolve(sourceNames.get(index));
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new IllegalArgumentException("--image-source: " + file + " is not a readable image");
      }
      return opaque(image);
    } catch (IOException e) {
      throw new UncheckedIOException("--image-source: cannot read " + file, e);
    }
  }

  private static BufferedImage opaque(BufferedImage image) {
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  private static BufferedImage resize(BufferedImage source, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static BufferedImage noise(SplittableRandom random, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        row[x] = random.nextInt() & 0xFFFFFF;
      }
      out.setRGB(0, y, width, 1, row, 0, width);
    }
    return out;
  }

  /** Encodes with the format's ImageIO writer. */
  static byte[] encode(BufferedImage image, ImageFormat format) {
    String writerName =
        switch (format) {
          case PNG -> "png";
          case JPEG -> "jpeg";
          case WEBP -> "webp";
          case RANDOM -> throw new IllegalArgumentException("format: random (expected: concrete)");
        };
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(writerName);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + writerName + " on the classpath");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format == ImageFormat.JPEG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(QUALITY);
      } else if (format == ImageFormat.WEBP) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(param.getCompressionTypes()[WebPWriteParam.LOSSY_COMPRESSION]);
        param.setCompressionQuality(QUALITY);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + writerName + " image", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
