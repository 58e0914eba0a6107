package io.lakeshelf.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU used over a phase: by this process, and by the whole machine (Linux {@code /proc/stat}), so
 * that a phase slowed down by other processes competing for the cores shows as such.
 */
final class CpuMeter {

  private final long wall0 = System.nanoTime();
  private final long process0 = processCpuNanos();
  private final long[] machine0 = machineJiffies();

  /**
   * "this process 1.2 cores, whole machine 1.9 of 2 cores busy (others 0.7)" since construction.
   */
  String report() {
    double wall = System.nanoTime() - wall0;
    double own = (processCpuNanos() - process0) / wall;
    long[] machine1 = machineJiffies();
    int cores = Runtime.getRuntime().availableProcessors();
    if (machine0 == null || machine1 == null || machine1[0] == machine0[0]) {
      return String.format(Locale.ROOT, "this process %.2f cores busy on average", own);
    }
    double busyShare = 1 - (double) (machine1[1] - machine0[1]) / (machine1[0] - machine0[0]);
    double machine = busyShare * cores;
    return String.format(
        Locale.ROOT,
        "this process %.2f cores busy on average; whole machine %.2f of %d cores (other processes"
            + " ~%.2f)",
        own,
        machine,
        cores,
        Math.max(0, machine - own));
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** {total, idle + iowait} jiffies of all cores, or null where there is no /proc/stat. */
  private static long[] machineJiffies() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1;
          i < f.length && i <= 8;
          i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (Exception e) {
      return null;
    }
  }
}
