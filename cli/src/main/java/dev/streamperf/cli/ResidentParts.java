package dev.streamperf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * This process's anonymous resident memory, in MB, split by where it is mapped: the Java heap, the
 * code cache (compiled code; it grows while the JIT compiles, up to -XX:ReservedCodeCacheSize) and
 * the rest (malloc: direct buffers, the JDK's and libraries' native allocations; thread stacks;
 * metaspace). Read from /proc/self/smaps, with the heap's and the code cache's address ranges from
 * the HotSpot diagnostic commands {@code GC.heap_info} and {@code Compiler.codecache}. The used
 * sizes the JVM reports say what it holds; this says which pages the system counts, which is what
 * the RSS slope is made of.
 */
record ResidentParts(double heapMb, double codeMb, double restMb) {

  static final ResidentParts NONE = new ResidentParts(0, 0, 0);

  private static final Pattern CODE_HEAP =
      Pattern.compile("bounds \\[0x(\\p{XDigit}+), 0x\\p{XDigit}+, 0x(\\p{XDigit}+)]");
  private static final Pattern JAVA_HEAP =
      Pattern.compile("\\[0x(\\p{XDigit}+)(?:,\\s*0x\\p{XDigit}+)*,\\s*0x(\\p{XDigit}+)\\)");
  private static final Pattern MAPPING = Pattern.compile("^(\\p{XDigit}+)-\\p{XDigit}+ .*");

  /** Address ranges, {@code [from, to)}, of the Java heap and of each code heap. */
  record Ranges(long[] heap, List<long[]> code) {

    /**
     * Parses {@code GC.heap_info} (the span of its {@code [0x..., ..., 0x...)} ranges: G1's heap,
     * or Serial's and Parallel's generations, all inside the one range the heap reserves) and
     * {@code Compiler.codecache} (each code heap's {@code bounds [low, committed, reserved end]});
     * empty where either has none (ZGC and Shenandoah print no addresses).
     */
    static Optional<Ranges> parse(String heapInfo, String codeCache) {
      if (heapInfo == null || codeCache == null) {
        return Optional.empty();
      }
      long[] heap = null;
      for (Matcher m = JAVA_HEAP.matcher(heapInfo); m.find(); ) {
        long from = hex(m.group(1));
        long to = hex(m.group(2));
        heap =
            heap == null
                ? new long[] {from, to}
                : new long[] {
                  Long.compareUnsigned(from, heap[0]) < 0 ? from : heap[0],
                  Long.compareUnsigned(to, heap[1]) > 0 ? to : heap[1]
                };
      }
      List<long[]> code = new ArrayList<>();
      for (Matcher m = CODE_HEAP.matcher(codeCache); m.find(); ) {
        code.add(new long[] {hex(m.group(1)), hex(m.group(2))});
      }
      return heap == null || code.isEmpty()
          ? Optional.empty()
          : Optional.of(new Ranges(heap, code));
    }

    /** This JVM's ranges (they are reserved once, at start), or empty where it cannot say. */
    static Optional<Ranges> ofThisJvm() {
      return parse(
          HeapHistogram.diagnosticCommand("gcHeapInfo"),
          HeapHistogram.diagnosticCommand("compilerCodecache"));
    }

    private static long hex(String digits) {
      return Long.parseUnsignedLong(digits, 16);
    }

    private static boolean in(long[] range, long address) {
      return Long.compareUnsigned(address, range[0]) >= 0
          && Long.compareUnsigned(address, range[1]) < 0;
    }

    boolean inHeap(long address) {
      return in(heap, address);
    }

    boolean inCode(long address) {
      return code.stream().anyMatch(r -> in(r, address));
    }
  }

  /**
   * Sums the {@code Anonymous:} lines of smaps by the range each mapping starts in; their total is
   * the RssAnon of /proc/self/status.
   */
  static ResidentParts of(Stream<String> smaps, Ranges ranges) {
    long[] kb = new long[3];
    int[] part = {2};
    smaps.forEach(
        line -> {
          Matcher m = MAPPING.matcher(line);
          if (m.matches()) {
            long start = Ranges.hex(m.group(1));
            part[0] = ranges.inHeap(start) ? 0 : ranges.inCode(start) ? 1 : 2;
          } else if (line.startsWith("Anonymous:")) {
            kb[part[0]] += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        });
    return new ResidentParts(kb[0] / 1024.0, kb[1] / 1024.0, kb[2] / 1024.0);
  }

  /** This process's parts now; {@link #NONE} where there is no /proc or no ranges. */
  static ResidentParts read(Optional<Ranges> ranges) {
    if (ranges.isEmpty()) {
      return NONE;
    }
    try (Stream<String> smaps = Files.lines(Path.of("/proc/self/smaps"))) {
      return of(smaps, ranges.get());
    } catch (IOException | UncheckedIOException e) {
      return NONE;
    }
  }
}
