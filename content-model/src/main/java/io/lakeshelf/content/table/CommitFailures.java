package io.lakeshelf.content.table;

import io.delta.kernel.exceptions.ConcurrentWriteException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a failed commit means to {@link ContentTable}'s retry loop: a race lost to another writer
 * (retried after a random backoff) or a failure of the commit write itself (answered).
 */
final class CommitFailures {

  private CommitFailures() {}

  /** Whether a commit failed because another writer took its version (its log file exists). */
  static boolean lostRace(RuntimeException e) {
    if (e instanceof ConcurrentWriteException) {
      return true;
    }
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof FileAlreadyExistsException || c instanceof ConcurrentWriteException) {
        return true;
      }
    }
    return false;
  }

  /** The cause of a failed commit write, as thrown by the storage layer where it is one. */
  static IOException failure(RuntimeException e) {
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return new IOException("the commit failed: " + e.getMessage(), e);
  }

  /** Waits up to 5 ms times 2^attempt (at most 500 ms), at random, so racing writers spread out. */
  static void backOff(int attempt) throws InterruptedIOException {
    long bound = Math.min(500, 5L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted between write attempts");
    }
  }
}
