package io.lakeshelf.index;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the operating-system scheduling priority of the calling thread, so that background work
 * (index merges, see {@link BackgroundMergeScheduler}) runs on the CPU that searches and ingests
 * leave. Java's own thread priorities do nothing on Linux without root, so this calls the C
 * library: {@code setpriority(PRIO_PROCESS, gettid(), 10)}, which on Linux sets the nice value of
 * that one thread. Raising a nice value needs no privilege. Where this is not Linux, or the C
 * library cannot be reached, it does nothing and says so once in the log: threads then keep the
 * default priority, as before.
 *
 * <p>The nice value: 10, whose scheduler weight is about a tenth of a default thread's, so a merge
 * sharing a core with a search gets about 10% of it, and all of it when the core is idle.
 */
public final class BackgroundPriority {

  /** The nice value background threads run at (0 is the default, 19 the lowest priority). */
  public static final int NICE = 10;

  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
  private static final int PRIO_PROCESS = 0;
  private static final CLibrary LIBC = load();

  private BackgroundPriority() {}

  /** The C library functions this needs (JNA's direct interface mapping). */
  interface CLibrary extends Library {
    int gettid();

    int setpriority(int which, int who, int prio);

    int getpriority(int which, int who);
  }

  private static CLibrary load() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      log.info("Background threads keep the default priority: per-thread nice is Linux only");
      return null;
    }
    try {
      CLibrary c = Native.load("c", CLibrary.class);
      c.gettid(); // glibc 2.30+; fail here, once, rather than in a merge thread
      return c;
    } catch (LinkageError | RuntimeException e) {
      log.info(
          "Background threads keep the default priority: the C library is not reachable ({})",
          e.toString());
      return null;
    }
  }

  /** Whether lowering works here (Linux, C library reachable). */
  public static boolean available() {
    return LIBC != null;
  }

  /**
   * Lowers the calling thread to nice {@link #NICE}; a no-op where that does not work.
   *
   * @return whether the thread now runs at that nice value or lower priority
   */
  public static boolean lowerCurrentThread() {
    if (LIBC == null) {
      return false;
    }
    try {
      int tid = LIBC.gettid();
      if (LIBC.setpriority(PRIO_PROCESS, tid, NICE) != 0) {
        log.debug("setpriority({}, {}) failed: errno {}", tid, NICE, Native.getLastError());
        return false;
      }
      return true;
    } catch (LinkageError | RuntimeException e) {
      log.debug("Cannot lower the priority of {}", Thread.currentThread().getName(), e);
      return false;
    }
  }

  /**
   * The nice value of the calling thread (Linux), or {@link Integer#MIN_VALUE} where it cannot be
   * read. For tests and diagnostics.
   */
  public static int currentNice() {
    if (LIBC == null) {
      return Integer.MIN_VALUE;
    }
    return LIBC.getpriority(PRIO_PROCESS, LIBC.gettid());
  }
}
