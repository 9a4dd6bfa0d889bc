package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Anonymous RSS split by the JVM's heap and code cache ranges, as the soak prints it. */
class ResidentPartsTest {

  private static final String HEAP_INFO =
      """
       garbage-first heap   total 524288K, used 267060K [0x00000000e0000000, 0x0000000100000000)
        region size 1024K, 154 young (157696K), 0 survivors (0K)
       Metaspace       used 74949K, committed 76288K, reserved 1179648K
      """;

  private static final String CODE_CACHE =
      """
      CodeHeap 'non-profiled nmethods': size=120036Kb used=6234Kb max_used=6234Kb free=113801Kb
       bounds [0x00007f3a68ec7000, 0x00007f3a694e7000, 0x00007f3a70400000]
      CodeHeap 'profiled nmethods': size=120032Kb used=27683Kb max_used=29725Kb free=92349Kb
       bounds [0x00007f3a61400000, 0x00007f3a63110000, 0x00007f3a68938000]
      CodeHeap 'non-nmethods': size=5692Kb used=1753Kb max_used=1817Kb free=3938Kb
       bounds [0x00007f3a68938000, 0x00007f3a68ba8000, 0x00007f3a68ec7000]
       total_blobs=15364 nmethods=14161 adapters=1114
      """;

  @Test
  void eachMappingCountsTowardsTheRangeItStartsIn() {
    ResidentParts.Ranges ranges = ResidentParts.Ranges.parse(HEAP_INFO, CODE_CACHE).orElseThrow();
    Stream<String> smaps =
        Stream.of(
            "e0000000-100000000 rw-p 00000000 00:00 0",
            "Rss:              524288 kB",
            "Anonymous:        524288 kB",
            "55d1c0a00000-55d1c0e00000 rw-p 00000000 00:00 0                          [heap]",
            "Anonymous:          4096 kB",
            "7f3a61400000-7f3a63110000 rwxp 00000000 00:00 0",
            "Anonymous:         29000 kB",
            "7f3a63110000-7f3a68938000 ---p 00000000 00:00 0",
            "Anonymous:             0 kB",
            "7f3a68ec7000-7f3a694e7000 rwxp 00000000 00:00 0",
            "Anonymous:          6144 kB",
            "7f3a70400000-7f3a70600000 rw-p 00000000 00:00 0",
            "Anonymous:          1024 kB",
            "7f3a80000000-7f3a80021000 r-xp 00000000 08:01 1234    /usr/lib/libc.so.6",
            "Anonymous:             8 kB");

    ResidentParts parts = ResidentParts.of(smaps, ranges);

    assertThat(parts.heapMb()).isEqualTo(512.0);
    assertThat(parts.codeMb()).isCloseTo((29000 + 6144) / 1024.0, within(1e-9));
    // the C heap, the mapping just past the code cache's reserved end and a library's COW page
    assertThat(parts.restMb()).isCloseTo((4096 + 1024 + 8) / 1024.0, within(1e-9));
  }

  @Test
  void serialHeapIsTheSpanOfItsGenerations() {
    String serial =
        """
         def new generation   total 116160K, used 22725K [0x0000000687400000, 0x000000068f200000, \
        0x0000000704d50000)
          eden space 103296K,  22% used [0x0000000687400000, 0x0000000688a317c0, 0x000000068d8e0000)
         tenured generation   total 258048K, used 0K [0x0000000704d50000, 0x0000000714950000, \
        0x0000000800000000)
         Metaspace       used 11367K, committed 11584K, reserved 1114112K
        """;
    ResidentParts.Ranges ranges = ResidentParts.Ranges.parse(serial, CODE_CACHE).orElseThrow();

    assertThat(ranges.heap()).containsExactly(0x687400000L, 0x800000000L);
    assertThat(ranges.inHeap(0x704d50000L)).isTrue();
    assertThat(ranges.inHeap(0x800000000L)).as("the end is exclusive").isFalse();
    assertThat(ranges.inCode(0x7f3a68938000L)).isTrue();
  }

  @Test
  void withoutTheDiagnosticCommandsThereAreNoRanges() {
    assertThat(ResidentParts.Ranges.parse(null, CODE_CACHE)).isEmpty();
    assertThat(ResidentParts.Ranges.parse(HEAP_INFO, "compilation: disabled")).isEmpty();
    assertThat(ResidentParts.read(Optional.empty())).isEqualTo(ResidentParts.NONE);
  }

  @Test
  void inThisJvmThePartsAddUpToTheAnonymousRss() {
    Optional<ResidentParts.Ranges> ranges = ResidentParts.Ranges.ofThisJvm();
    assertThat(ranges).as("HotSpot's GC.heap_info and Compiler.codecache").isPresent();

    ResidentParts parts = ResidentParts.read(ranges);
    double rssAnon = SoakBenchCommand.residentMb().get("RssAnon");

    assertThat(parts.heapMb()).isPositive();
    assertThat(parts.codeMb()).as("compiled code is resident").isPositive();
    assertThat(parts.restMb()).isPositive();
    // read a moment apart, so not to the page
    assertThat(parts.heapMb() + parts.codeMb() + parts.restMb())
        .isCloseTo(rssAnon, within(rssAnon * 0.05 + 2));
  }
}
