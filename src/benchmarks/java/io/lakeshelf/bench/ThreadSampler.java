package io.lakeshelf.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A poor man's profiler: every few milliseconds, takes the stacks of the service's runnable
 * platform threads (Tomcat request threads, Lakeshelf's index build and sync threads, Lucene's
 * merge threads) and counts, per sample, the innermost Lakeshelf method on the stack and the
 * library the top frame belongs to. Enough to tell where an ingest spends its time; the counts are
 * thread-samples, so with two busy threads a second of wall time yields two seconds of samples.
 */
final class ThreadSampler implements AutoCloseable {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final long intervalMs;
  private final Map<String, Integer> lakeshelfFrames = new HashMap<>();
  private final Map<String, Integer> topLibraries = new HashMap<>();
  private final Map<String, Integer> pairs = new HashMap<>();
  private final Map<String, Integer> threadKinds = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int samples;
  private int busy;

  ThreadSampler(long intervalMs) {
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::run, "bench-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private static boolean serviceThread(String name) {
    return name.startsWith("http-nio-")
        || name.startsWith("lakeshelf-")
        || name.startsWith("Lucene Merge Thread");
  }

  private static String kind(String name) {
    if (name.startsWith("http-nio-")) {
      return "http request threads";
    }
    if (name.startsWith("Lucene Merge Thread")) {
      return "Lucene merge threads";
    }
    return name.replaceAll("-\\d+$", "") + " threads";
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(intervalMs);
      } catch (InterruptedException e) {
        return;
      }
      ThreadInfo[] infos = threads.dumpAllThreads(false, false, 200);
      synchronized (this) {
        samples++;
        for (ThreadInfo t : infos) {
          if (t == null
              || t.getThreadState() != Thread.State.RUNNABLE
              || !serviceThread(t.getThreadName())) {
            continue;
          }
          StackTraceElement[] stack = t.getStackTrace();
          if (stack.length == 0 || idle(stack)) {
            continue;
          }
          busy++;
          threadKinds.merge(kind(t.getThreadName()), 1, Integer::sum);
          String lib = library(stack[0].getClassName());
          if (lib.startsWith("JDK")) {
            lib = lib + ": " + simpleName(stack[0].getClassName()) + "." + stack[0].getMethodName();
          }
          topLibraries.merge(lib, 1, Integer::sum);
          String own = "(no Lakeshelf frame)";
          for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("io.lakeshelf.")
                && !e.getClassName().startsWith("io.lakeshelf.bench.")) {
              own = simpleName(e.getClassName()) + "." + e.getMethodName();
              break;
            }
          }
          lakeshelfFrames.merge(own, 1, Integer::sum);
          pairs.merge(own + " -> " + lib, 1, Integer::sum);
        }
      }
    }
  }

  /** A thread parked in a socket accept/poll is runnable to the JVM but idle. */
  private static boolean idle(StackTraceElement[] stack) {
    String top = stack[0].getClassName() + "." + stack[0].getMethodName();
    return top.startsWith("sun.nio.ch.")
            && (top.contains("accept") || top.contains("poll") || top.contains("Poll"))
        || top.startsWith("sun.nio.ch.EPoll");
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  static String library(String className) {
    String[][] known = {
      {"org.apache.lucene.", "Lucene"},
      {"io.delta.", "Delta Kernel"},
      {"org.apache.parquet.", "Parquet"},
      {"shaded.parquet.", "Parquet"},
      {"org.apache.hadoop.", "Hadoop"},
      {"tools.jackson.", "Jackson"},
      {"com.fasterxml.jackson.", "Jackson"},
      {"org.apache.tomcat.", "Tomcat"},
      {"org.apache.catalina.", "Tomcat"},
      {"org.apache.coyote.", "Tomcat"},
      {"org.springframework.", "Spring"},
      {"io.lakeshelf.", "Lakeshelf"},
      {"sun.nio.", "JDK I/O"},
      {"java.io.", "JDK I/O"},
      {"java.nio.", "JDK I/O"},
      {"jdk.internal.misc.", "JDK"},
      {"java.", "JDK"},
      {"jdk.", "JDK"},
      {"sun.", "JDK"},
    };
    for (String[] k : known) {
      if (className.startsWith(k[0])) {
        return k[1];
      }
    }
    String[] parts = className.split("\\.");
    return parts.length > 2 ? parts[0] + "." + parts[1] + "." + parts[2] : className;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
  }

  /** Lines " name NN% (n samples)", the largest first, at most {@code top} per table. */
  synchronized List<String> report(int top) {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "profile: %d samples every %d ms, %d busy service-thread samples (%.2f busy threads on"
                + " average)",
            samples,
            intervalMs,
            busy,
            samples == 0 ? 0.0 : (double) busy / samples));
    table(out, "busy threads by kind", threadKinds, top);
    table(out, "innermost Lakeshelf method on the stack", lakeshelfFrames, top);
    table(out, "library of the top frame (JDK frames by method)", topLibraries, top);
    table(out, "innermost Lakeshelf method -> library of the top frame", pairs, top + 4);
    return out;
  }

  private void table(List<String> out, String title, Map<String, Integer> counts, int top) {
    out.add("profile: " + title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                out.add(
                    String.format(
                        Locale.ROOT,
                        "profile:   %5.1f%%  %s",
                        busy == 0 ? 0.0 : 100.0 * e.getValue() / busy,
                        e.getKey())));
  }
}
