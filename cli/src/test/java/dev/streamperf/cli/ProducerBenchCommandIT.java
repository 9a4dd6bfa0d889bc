package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The producer benchmark at a tiny scale on the embedded broker: its figure is printed. */
class ProducerBenchCommandIT {

  @Test
  void printsThePublishRate() {
    StreamperfCommandTest.Run run =
        StreamperfCommandTest.run(
            "bench", "producer", "--only", "throughput", "--throughput-requests", "2000");
    assertThat(run.code()).as(run.out() + run.err()).isIn(0, 3);
    Matcher rate =
        Pattern.compile(
                "publish rate: ([0-9,]+) synthetic text requests/s \\(2000 requests of (\\d+)"
                    + " tokens in ([0-9.]+) s\\) +target >= 50,000 +(PASS|MISS)")
            .matcher(run.out());
    assertThat(rate.find()).as(run.out()).isTrue();
    assertThat(Long.parseLong(rate.group(1).replace(",", ""))).isPositive();
    assertThat(Integer.parseInt(rate.group(2))).isPositive();
    assertThat(run.out()).doesNotContain("poisson schedule").doesNotContain("credit gap");
  }
}
