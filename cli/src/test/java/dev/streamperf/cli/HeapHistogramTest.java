package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeapHistogramTest {

  /** Kept reachable between the two histograms so the growth is live. */
  private static final List<int[]> HELD = new ArrayList<>();

  @Test
  void namesTheClassThatGrewBetweenTwoHistogramsOfThisProcess() {
    Map<String, long[]> before = HeapHistogram.live();
    assertThat(before).containsKey("java.lang.String");
    for (int i = 0; i < 20_000; i++) {
      HELD.add(new int[64]);
    }
    Map<String, long[]> after = HeapHistogram.live();

    StringWriter text = new StringWriter();
    HeapHistogram.printGrowth(new PrintWriter(text), before, after, 1);
    // 20,000 int[64] arrays: 20,000 more instances of [I and at least 5 MB more bytes
    String[] top = text.toString().lines().skip(1).findFirst().orElseThrow().trim().split("\\s+");
    assertThat(top[2]).isEqualTo("[I");
    assertThat(Long.parseLong(top[0])).isGreaterThanOrEqualTo(20_000);
    assertThat(Long.parseLong(top[1])).isGreaterThanOrEqualTo(20_000L * 64 * 4);
    HELD.clear();
  }

  @Test
  void parsesTheRowsOfTheDiagnosticCommandAndSkipsItsHeaderAndTotal() {
    String text =
        " num     #instances         #bytes  class name (module)\n"
            + "-------------------------------------------------------\n"
            + "   1:        164772        8340904  [B (java.base@17.0.15)\n"
            + "   2:         36082        1731936  java.util.concurrent.ConcurrentSkipListMap"
            + " (java.base@17.0.15)\n"
            + "Total        200854       10072840\n";
    Map<String, long[]> classes = HeapHistogram.parse(text);
    assertThat(classes).containsOnlyKeys("[B", "java.util.concurrent.ConcurrentSkipListMap");
    assertThat(classes.get("[B")).containsExactly(164772, 8340904);
  }
}
