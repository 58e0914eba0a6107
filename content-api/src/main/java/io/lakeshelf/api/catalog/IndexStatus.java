package io.lakeshelf.api.catalog;

import io.lakeshelf.content.TableVersion;
import java.time.Duration;
import java.time.Instant;

/**
 * What a collection reports about its index against its table: the table version the last sync or
 * write saw, since when the index has been in step, and why the last sync failed, if it did. The
 * status and lag are derived from these and the indexes' own version.
 */
final class IndexStatus {

  private volatile TableVersion tableVersion = TableVersion.NONE;
  private volatile Instant inStepSince = Instant.now();
  private volatile String failure;

  TableVersion tableVersion() {
    return tableVersion;
  }

  void sawTable(TableVersion version) {
    tableVersion = version;
  }

  /** The index reflects the table as last seen; a failure before is over. */
  void inStep() {
    failure = null;
    inStepSince = Instant.now();
  }

  /** Only the time: an in-step check that found nothing to do does not clear a failure. */
  void stillInStep() {
    inStepSince = Instant.now();
  }

  void failed(Throwable e) {
    failure = TableProblems.describe(e);
  }

  String failure() {
    return failure;
  }

  CollectionStatus status(TableVersion indexed) {
    if (failure != null) {
      return CollectionStatus.FAILED;
    }
    if (indexed.isNone()) {
      return CollectionStatus.BUILDING;
    }
    return indexed.compareTo(tableVersion) < 0 ? CollectionStatus.STALE : CollectionStatus.READY;
  }

  /** How long the index has been behind the table; zero when in step. */
  Duration lag(TableVersion indexed) {
    if (indexed.compareTo(tableVersion) >= 0) {
      return Duration.ZERO;
    }
    return Duration.between(inStepSince, Instant.now());
  }
}
