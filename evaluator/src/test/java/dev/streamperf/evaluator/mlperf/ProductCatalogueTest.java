package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProductCatalogueTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};

  private static Path fixture() throws Exception {
    return Path.of(
        ProductCatalogueTest.class.getResource("/mlperf/product_catalogue.jsonl").toURI());
  }

  private static String row(String image) {
    return "{\"product_title\": \"T\", \"product_description\": \"D\", \"product_image\": "
        + image
        + ", \"potential_product_categories\": [\"A > B\", \"A > C\"],"
        + " \"ground_truth_category\": \"A > B\", \"ground_truth_brand\": \"X\","
        + " \"ground_truth_is_secondhand\": true, \"extra\": 1}";
  }

  @Test
  void readsTheFixtureRowsInOrderWithTheirImages() throws Exception {
    List<ProductSample> rows = ProductCatalogue.readJsonLines(fixture(), 0);
    assertThat(rows).hasSize(8);
    assertThat(rows).extracting(ProductSample::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    ProductSample first = rows.get(0);
    assertThat(first.productTitle()).isEqualTo("SKU-A1001 Cotton Oxford Shirt");
    assertThat(first.groundTruthCategory()).isEqualTo("Apparel & Accessories > Clothing > Shirts");
    assertThat(first.potentialProductCategories()).hasSize(2);
    assertThat(ImageFormat.detect(first.productImage())).isEqualTo(ImageFormat.JPEG);
    assertThat(ImageFormat.detect(rows.get(1).productImage())).isEqualTo(ImageFormat.PNG);
    // row 3 stores the datasets library's {"bytes", "path"} object
    assertThat(ImageFormat.detect(rows.get(3).productImage())).isEqualTo(ImageFormat.PNG);
    assertThat(rows.get(4).truth().isSecondhand()).isTrue();

    assertThat(ProductCatalogue.readJsonLines(fixture(), 3)).hasSize(3);
  }

  @Test
  void imagesMayBeDataUrlsOrFilesBesideTheDataset(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), PNG);
    String base64 = Base64.getEncoder().encodeToString(PNG);
    Path file = dir.resolve("rows.jsonl");
    Files.writeString(
        file,
        row("\"data:image/png;base64," + base64 + "\"")
            + "\n"
            + row("{\"bytes\": null, \"path\": \"a.png\"}")
            + "\n");
    List<ProductSample> rows = ProductCatalogue.readJsonLines(file, 0);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).productImage()).isEqualTo(PNG);
    assertThat(rows.get(1).productImage()).isEqualTo(PNG);
  }

  @Test
  void badRowsNameTheFileLineAndField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rows.jsonl");
    String good = row("\"" + Base64.getEncoder().encodeToString(PNG) + "\"");
    Files.writeString(
        file, good + "\n" + good.replace("\"ground_truth_brand\": \"X\",", "") + "\n");
    assertThatThrownBy(() -> ProductCatalogue.readJsonLines(file, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(file + ":2: field 'ground_truth_brand': missing");

    Files.writeString(file, row("\"" + Base64.getEncoder().encodeToString(new byte[8]) + "\""));
    assertThatThrownBy(() -> ProductCatalogue.readJsonLines(file, 0))
        .hasMessageStartingWith(file + ":1: field 'product_image': unknown image format");

    Files.writeString(file, row("\"!!notbase64\""));
    assertThatThrownBy(() -> ProductCatalogue.readJsonLines(file, 0))
        .hasMessageStartingWith(file + ":1: field 'product_image': not base64");

    Files.writeString(file, row("{\"path\": \"missing.png\"}"));
    assertThatThrownBy(() -> ProductCatalogue.readJsonLines(file, 0))
        .hasMessageStartingWith(file + ":1: field 'product_image'.path: cannot read");

    Files.writeString(file, good + "\n");
    assertThatThrownBy(() -> ProductCatalogue.readJsonLines(file, 2))
        .hasMessage(file + ":1: only 1 rows (expected: at least 2, the sample count)");
  }
}
