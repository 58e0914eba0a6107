package io.lakeshelf.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of rows on stderr: done / total, the percentage, rows per second (of this run) and the
 * time left. On a terminal a bar redrawn in place (at most ten times a second); elsewhere (pipes,
 * files, tests) a plain line whenever another tenth of the total is done or 2 s have passed since
 * the last line. Other messages ({@link #message}) go on their own line without breaking the bar.
 */
final class Progress {

  /** How progress is shown. */
  enum Style {
    /** A bar redrawn in place with carriage returns: for a terminal. */
    BAR,
    /** A line every tenth of the total or every 2 s: for pipes and logs. */
    LINES,
    /** Nothing but the messages. */
    NONE
  }

  private static final long LINE_INTERVAL_NANOS = 2_000_000_000L;
  private static final long BAR_INTERVAL_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 30;

  private final String label;
  private final long total;
  private final long startDone;
  private final Style style;
  private final PrintStream err;
  private final long started = System.nanoTime();
  private long done;
  private boolean shown;
  private long lastShown;
  private long lastShownDone = -1;
  private boolean barDrawn;

  /**
   * @param total rows in all, or a negative number when unknown
   * @param startDone rows done before this run (a resumed ingest): they count for the total, not
   *     for the rate
   */
  Progress(String label, long total, long startDone, Style style, PrintStream err) {
    this.label = label;
    this.total = total;
    this.startDone = startDone;
    this.done = startDone;
    this.style = style;
    this.err = err;
  }

  /** Rows done so far (in all, resumed ones included). */
  synchronized void update(long rowsDone) {
    done = rowsDone;
    long now = System.nanoTime();
    switch (style) {
      case BAR -> {
        if (!shown || now - lastShown >= BAR_INTERVAL_NANOS || (total > 0 && done >= total)) {
          drawBar();
          shown = true;
          lastShown = now;
        }
      }
      case LINES -> {
        long since = now - (shown ? lastShown : started);
        long before = lastShownDone < 0 ? startDone : lastShownDone;
        boolean nextTenth = total > 0 && tenth(done) > tenth(before);
        if (done != lastShownDone && (nextTenth || since >= LINE_INTERVAL_NANOS)) {
          err.println(label + ": " + status(now));
          shown = true;
          lastShown = now;
          lastShownDone = done;
        }
      }
      case NONE -> {}
    }
  }

  private long tenth(long rows) {
    return rows * 10 / total;
  }

  /** A line of its own (a retry, a warning), the bar drawn again under it. */
  synchronized void message(String line) {
    clearBar();
    err.println(line);
    if (style == Style.BAR && shown) {
      drawBar();
    }
  }

  /** Ends the bar's line, so what follows starts on a fresh one. */
  synchronized void finish() {
    if (style == Style.BAR && barDrawn) {
      drawBar();
      err.println();
      barDrawn = false;
    }
  }

  /** Seconds since this run started. */
  double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Rows per second of this run. */
  synchronized double rate() {
    double s = seconds();
    return s <= 0 ? 0 : (done - startDone) / s;
  }

  private void clearBar() {
    if (barDrawn) {
      err.print("\r\033[K");
      barDrawn = false;
    }
  }

  private void drawBar() {
    StringBuilder b = new StringBuilder("\r\033[K").append(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
      b.append('[')
          .append("=".repeat(filled))
          .append(filled < BAR_WIDTH ? ">" : "")
          .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1)))
          .append("] ");
    }
    b.append(status(System.nanoTime()));
    err.print(b);
    err.flush();
    barDrawn = true;
  }

  /** {@code 12000/50000 rows (24%), 8120 rows/s, ETA 0:04}. */
  private String status(long now) {
    double seconds = (now - started) / 1e9;
    double rate = seconds <= 0 ? 0 : (done - startDone) / seconds;
    StringBuilder b = new StringBuilder();
    if (total >= 0) {
      b.append(done).append('/').append(total).append(" rows (");
      b.append(total == 0 ? 100 : done * 100 / total).append("%)");
    } else {
      b.append(done).append(" rows");
    }
    b.append(", ").append(String.format(Locale.ROOT, "%.0f", rate)).append(" rows/s");
    if (total >= 0) {
      b.append(", ETA ")
          .append(
              done >= total ? "0:00" : rate <= 0 ? "--:--" : clock((long) ((total - done) / rate)));
    }
    return b.toString();
  }

  /** {@code 0:04}, {@code 12:34}, {@code 1:02:03}. */
  static String clock(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
