package io.lakeshelf.bench;

import java.util.Arrays;
import java.util.Locale;

/** Durations of repeated operations, in nanoseconds, and their percentiles in milliseconds. */
final class Latencies {

  private long[] nanos;
  private int n;

  Latencies(int expected) {
    nanos = new long[Math.max(16, expected)];
  }

  void add(long ns) {
    if (n == nanos.length) {
      nanos = Arrays.copyOf(nanos, n * 2);
    }
    nanos[n++] = ns;
  }

  int count() {
    return n;
  }

  long totalNanos() {
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += nanos[i];
    }
    return t;
  }

  double meanMs() {
    return n == 0 ? Double.NaN : totalNanos() / 1e6 / n;
  }

  /** The nearest-rank percentile, {@code p} in (0, 100]. */
  double percentileMs(double p) {
    if (n == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * n);
    return sorted[Math.min(n, Math.max(1, rank)) - 1] / 1e6;
  }

  double maxMs() {
    return percentileMs(100);
  }

  /** Mean of the items from {@code from} (inclusive) to {@code to} (exclusive), in ms. */
  double meanMs(int from, int to) {
    from = Math.max(0, from);
    to = Math.min(n, to);
    if (to <= from) {
      return Double.NaN;
    }
    long t = 0;
    for (int i = from; i < to; i++) {
      t += nanos[i];
    }
    return t / 1e6 / (to - from);
  }

  /** "p50 1.234 ms, p99 5.678 ms, mean 2.345 ms" */
  String summary() {
    return String.format(
        Locale.ROOT,
        "p50 %.3f ms, p99 %.3f ms, mean %.3f ms",
        percentileMs(50),
        percentileMs(99),
        meanMs());
  }
}
