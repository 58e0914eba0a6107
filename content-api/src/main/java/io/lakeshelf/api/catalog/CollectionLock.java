package io.lakeshelf.api.catalog;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A collection's lock, held by writes, syncs and the switch of a reindex, so the indexes move from
 * one table version to the next together (searches take no lock). It remembers what holds it, so a
 * write that waited in vain is told the truth: a reindex switching its new index in answers 409
 * {@code REINDEX_IN_PROGRESS}; a sync bringing the index up to the table (or the first build of
 * it), or other writes, answer 503 {@code OVERLOADED}: nothing was written, retry later.
 */
public final class CollectionLock {

  /** What holds the lock. */
  public enum Holder {
    /** A write (upsert or delete), with the sync of its own commit. */
    WRITE,
    /** A sync: a sync round, a catch-up before a delete by filter, or an index's first build. */
    SYNC,
    /** A reindex job switching its complete new index in, after bringing it up to the table. */
    REINDEX
  }

  private final String collection;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Holder holder;

  CollectionLock(String collection) {
    this.collection = collection;
  }

  /** Takes the lock if it is free; false at once otherwise. */
  boolean tryHold(Holder purpose) {
    if (!lock.tryLock()) {
      return false;
    }
    if (lock.getHoldCount() == 1) {
      holder = purpose;
    }
    return true;
  }

  /** Takes the lock, waiting at most {@code wait}; false if it stayed held. */
  boolean tryHold(Holder purpose, Duration wait) throws InterruptedException {
    if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (lock.getHoldCount() == 1) {
      holder = purpose;
    }
    return true;
  }

  /**
   * Takes the lock for a request, waiting at most {@code wait}.
   *
   * @throws ApiException 409 {@code REINDEX_IN_PROGRESS} when a reindex held it all along, 503
   *     {@code OVERLOADED} when a sync or other writes did
   */
  public void holdForRequest(Holder purpose, Duration wait) throws InterruptedException {
    if (!tryHold(purpose, wait)) {
      throw busy(holder);
    }
  }

  /** Takes the lock, however long it takes (closing the collection). */
  void hold() {
    lock.lock();
  }

  public void release() {
    if (lock.getHoldCount() == 1) {
      holder = null;
    }
    lock.unlock();
  }

  /** What holds the lock now; null when it is free. */
  public Holder holder() {
    return holder;
  }

  /** The refusal of a request that found the lock held by {@code by} for as long as it waited. */
  ApiException busy(Holder by) {
    if (by == Holder.REINDEX) {
      return new ApiException(
          ErrorCode.REINDEX_IN_PROGRESS,
          "collection '" + collection + "' is switching to its rebuilt index; retry later");
    }
    if (by == Holder.SYNC) {
      return new ApiException(
          ErrorCode.OVERLOADED,
          "collection '"
              + collection
              + "' is busy bringing its index up to its table; nothing was written: retry later");
    }
    return new ApiException(
        ErrorCode.OVERLOADED,
        "collection '"
            + collection
            + "' is busy with other writes; nothing was written: retry later");
  }
}
