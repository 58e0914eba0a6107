package io.lakeshelf.index;

import io.lakeshelf.content.TableVersion;

/**
 * What bringing an index up to a table version did.
 *
 * @param from the version the index reflected before
 * @param to the version it reflects now
 * @param filesAdded data files indexed
 * @param filesRemoved data files dropped
 * @param rowsAdded rows indexed
 * @param rowsSkipped rows of added files with no vector (null), not indexed
 * @param rebuilt whether the index was emptied and built from the whole table
 */
public record SyncResult(
    TableVersion from,
    TableVersion to,
    int filesAdded,
    int filesRemoved,
    long rowsAdded,
    long rowsSkipped,
    boolean rebuilt) {

  public boolean changed() {
    return !from.equals(to);
  }
}
