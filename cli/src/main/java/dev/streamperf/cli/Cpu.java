package dev.streamperf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of processes and of the machine, from Linux's /proc (NaN elsewhere). */
final class Cpu {

  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private Cpu() {}

  /** User plus system seconds of a process. */
  static double processSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** CPUs of the whole machine (those in /proc/stat), which a pinned process may not all have. */
  static int machineCpus() {
    try (var lines = Files.lines(Path.of("/proc/stat"))) {
      return (int) Math.max(1, lines.filter(l -> l.matches("cpu[0-9]+ .*")).count());
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** Busy seconds of the whole machine (all CPUs, everything but idle and iowait). */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
