package dev.streamperf.cli;

import dev.streamperf.evaluator.mlperf.ImageFormat;
import dev.streamperf.evaluator.mlperf.ProductPrompt;
import dev.streamperf.evaluator.mlperf.ProductSample;
import dev.streamperf.evaluator.mlperf.QueryPlan;
import dev.streamperf.evaluator.mlperf.Scenario;
import dev.streamperf.producer.media.Medium;
import dev.streamperf.producer.schedule.Arrivals;
import dev.streamperf.producer.source.SessionSource;
import dev.streamperf.producer.source.SessionTemplate;
import dev.streamperf.producer.source.TurnTemplate;
import dev.streamperf.schemas.PartType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import javax.imageio.ImageIO;

/**
 * The planned queries of an MLPerf run as the producer's session source: query {@code seq_id} is
 * session {@code seq_id}, one turn with the reference's product prompt, the sample's image
 * published once to the media topic (by SHA-256) and referenced from the request, and the
 * hierarchical-F1 reference carrying the sample's {@code qsl_idx}. Its own schedule replaces the
 * producer's rate: every query at the start (Offline) or the plan's Poisson arrivals (Server), so
 * the requests' intended send times are LoadGen's scheduled times counted from the run's anchor.
 */
final class MlperfSource implements SessionSource {

  private final List<ProductSample> samples;
  private final List<QueryPlan.PlannedQuery> plan;
  private final Scenario scenario;
  private final String datasetName;
  private final SessionTemplate[] templates;

  /**
   * @param samples the loaded samples; sample {@code i} has {@code index() == i}
   * @param plan the run's queries, by sequence number
   */
  MlperfSource(
      List<ProductSample> samples,
      List<QueryPlan.PlannedQuery> plan,
      Scenario scenario,
      String datasetName) {
    this.samples = List.copyOf(samples);
    this.plan = List.copyOf(plan);
    this.scenario = scenario;
    this.datasetName = datasetName;
    this.templates = new SessionTemplate[samples.size()];
  }

  /** Builds every sample's request template (and decodes its image size) before the clock runs. */
  @Override
  public void prepare() {
    for (QueryPlan.PlannedQuery q : plan) {
      template(q.qslIndex());
    }
  }

  @Override
  public SessionTemplate session(long sequence) {
    QueryPlan.PlannedQuery query = plan.get(Math.toIntExact(sequence));
    return template(query.qslIndex());
  }

  private SessionTemplate template(int qslIndex) {
    SessionTemplate template = templates[qslIndex];
    if (template == null) {
      ProductSample sample = samples.get(qslIndex);
      Medium image = image(sample);
      TurnTemplate turn =
          new TurnTemplate(
              ProductPrompt.messages(sample, image.part()),
              List.of(image),
              null, // no max_tokens: the benchmark runs with the server's defaults
              null,
              null,
              null,
              0,
              ProductPrompt.reference(sample));
      template = new SessionTemplate(List.of(turn), null, sourceOf(sample));
      templates[qslIndex] = template;
    }
    return template;
  }

  /**
   * The sample's image as a medium. Its MIME type carries Pillow's format name ({@code
   * image/JPEG}), so the data URL the worker sends starts as the reference's does.
   */
  static Medium image(ProductSample sample) {
    byte[] bytes = sample.productImage();
    ImageFormat format = ImageFormat.detect(bytes);
    Integer width = null;
    Integer height = null;
    try {
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
      if (decoded != null) {
        width = decoded.getWidth();
        height = decoded.getHeight();
      }
    } catch (IOException e) {
      // the size is informational; a server decides whether it can read the image
    }
    return new Medium(
        Medium.sha256(bytes),
        PartType.IMAGE,
        "image/" + format.name(),
        format.name().toLowerCase(Locale.ROOT),
        bytes,
        width,
        height,
        null,
        null,
        null,
        null,
        sourceOf(sample));
  }

  private static String sourceOf(ProductSample sample) {
    return "Shopify/product-catalogue:" + sample.index();
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(plan.size());
  }

  @Override
  public Optional<Arrivals> schedule() {
    return Optional.of(
        new Arrivals() {
          private int next;

          @Override
          public long next() {
            return next < plan.size() ? plan.get(next++).scheduledNs() : END;
          }
        });
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "MLPerf %s: %d queries over %d samples of %s",
        scenario.loadGenName(),
        plan.size(),
        samples.size(),
        datasetName);
  }
}
