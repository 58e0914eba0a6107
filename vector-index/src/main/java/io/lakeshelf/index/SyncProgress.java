package io.lakeshelf.index;

/** Told how far a sync has got, for logs and reindex jobs. */
@FunctionalInterface
public interface SyncProgress {

  SyncProgress NONE = (filesDone, filesTotal, rowsDone) -> {};

  void update(int filesDone, int filesTotal, long rowsDone);
}
