package dev.streamperf.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live heap by class, taken in this process through the HotSpot diagnostic command MBean
 * ({@code GC.class_histogram}, the same as {@code jcmd PID GC.class_histogram} without attaching),
 * so a soak can name what grew between two points; and, where native memory tracking is on, the
 * native memory that grew ({@code VM.native_memory summary.diff}).
 */
final class HeapHistogram {

  private HeapHistogram() {}

  /**
   * Class name to {instances, bytes} of the live heap (forces a full collection); empty where the
   * JVM has no diagnostic command MBean.
   */
  static Map<String, long[]> live() {
    String text = diagnosticCommand("gcClassHistogram");
    return text == null ? Map.of() : parse(text);
  }

  /**
   * Native memory tracking: takes a baseline, so a later {@link #nativeMemoryGrowth()} shows what
   * grew; false where the JVM runs without {@code -XX:NativeMemoryTracking=summary}.
   */
  static boolean nativeMemoryBaseline() {
    String text = diagnosticCommand("vmNativeMemory", "baseline");
    return text != null && !text.contains("not enabled");
  }

  /** The native memory summary's difference from the baseline, in KB, or null. */
  static String nativeMemoryGrowth() {
    return diagnosticCommand("vmNativeMemory", "summary.diff", "scale=KB");
  }

  /** Runs a HotSpot diagnostic command in this JVM; null where it cannot. */
  static String diagnosticCommand(String operation, String... arguments) {
    try {
      return (String)
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  operation,
                  new Object[] {arguments},
                  new String[] {String[].class.getName()});
    } catch (JMException | RuntimeException e) {
      return null;
    }
  }

  /** Parses the rows of {@code GC.class_histogram}: " 1: instances bytes class (module)". */
  static Map<String, long[]> parse(String text) {
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":")) {
        continue;
      }
      try {
        classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      } catch (NumberFormatException e) {
        // a header or total line
      }
    }
    return classes;
  }

  /**
   * Prints the {@code top} classes whose live bytes grew most from {@code before} to {@code after}.
   */
  static void printGrowth(
      PrintWriter out, Map<String, long[]> before, Map<String, long[]> after, int top) {
    if (before.isEmpty() || after.isEmpty()) {
      out.println("live heap by class: not available in this JVM");
      return;
    }
    List<Map.Entry<String, long[]>> grown =
        after.entrySet().stream()
            .map(
                e -> {
                  long[] b = before.getOrDefault(e.getKey(), new long[2]);
                  return Map.entry(
                      e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
            .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
            .limit(top)
            .toList();
    out.println("live heap growth since warmup, by class (instances, bytes):");
    for (Map.Entry<String, long[]> e : grown) {
      out.printf(Locale.ROOT, "  %+10d %+12d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey());
    }
    out.flush();
  }
}
