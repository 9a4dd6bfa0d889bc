package dev.streamperf.evaluator.mlperf;

import dev.streamperf.evaluator.scoring.ProductMetadata;
import java.util.List;
import java.util.Objects;

/**
 * One row of the Shopify product catalogue ({@code Shopify/product-catalogue}, splits train then
 * test, 48,289 rows), by its column names: {@code product_title}, {@code product_description},
 * {@code product_image}, {@code potential_product_categories}, {@code ground_truth_category},
 * {@code ground_truth_brand}, {@code ground_truth_is_secondhand}.
 *
 * @param index the row's position in the concatenated splits: LoadGen's {@code qsl_idx}
 * @param productTitle {@code product_title}
 * @param productDescription {@code product_description} (may hold HTML, CSS or JavaScript)
 * @param productImage {@code product_image}: the encoded image bytes as stored in the dataset
 * @param potentialProductCategories {@code potential_product_categories}: the candidate paths
 * @param groundTruthCategory {@code ground_truth_category}, levels separated by {@code " > "}
 * @param groundTruthBrand {@code ground_truth_brand}
 * @param groundTruthIsSecondhand {@code ground_truth_is_secondhand}
 */
public record ProductSample(
    int index,
    String productTitle,
    String productDescription,
    byte[] productImage,
    List<String> potentialProductCategories,
    String groundTruthCategory,
    String groundTruthBrand,
    boolean groundTruthIsSecondhand) {

  public ProductSample {
    if (index < 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
    }
    Objects.requireNonNull(productTitle, "product_title");
    Objects.requireNonNull(productDescription, "product_description");
    Objects.requireNonNull(productImage, "product_image");
    potentialProductCategories =
        List.copyOf(
            Objects.requireNonNull(potentialProductCategories, "potential_product_categories"));
    Objects.requireNonNull(groundTruthCategory, "ground_truth_category");
    Objects.requireNonNull(groundTruthBrand, "ground_truth_brand");
  }

  /** The ground truth as the answer object the model is asked for. */
  public ProductMetadata truth() {
    return new ProductMetadata(groundTruthCategory, groundTruthBrand, groundTruthIsSecondhand);
  }
}
