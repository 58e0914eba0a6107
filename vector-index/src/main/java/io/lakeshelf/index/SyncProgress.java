package io.lakeshelf.index;

/**
 * Told how far a sync has got, for logs and reindex jobs: data files read of those to read, and
 * rows read from them (indexed or skipped). Called from the threads that read files; throwing a
 * runtime exception (such as a cancellation) stops the sync, which then changes nothing.
 */
@FunctionalInterface
public interface SyncProgress {

  SyncProgress NONE = (filesDone, filesTotal, rowsDone) -> {};

  void update(int filesDone, int filesTotal, long rowsDone);
}
