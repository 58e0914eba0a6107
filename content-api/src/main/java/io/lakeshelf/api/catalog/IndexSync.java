package io.lakeshelf.api.catalog;

import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.table.ColumnRoles;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.SyncResult;
import io.lakeshelf.index.VectorIndex;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a collection's indexes, and the reader that joins their hits to rows, to a table snapshot,
 * and keeps the bookkeeping of it in {@link IndexStatus}: the table version seen, since when the
 * index has been in step, and why a sync failed. The caller holds the collection's lock.
 */
final class IndexSync {

  /**
   * How long an index goes unwritten before it is merged down to one segment ({@link
   * VectorIndex#mergeDownIfIdle}), so searches after an ingest visit one graph.
   */
  static final Duration IDLE_BEFORE_MERGE = Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(IndexSync.class);

  private final String name;
  private final ContentTable table;
  private final List<VectorSpec> specs;
  private final IndexSet indexes;
  private final IndexStatus status;
  private final Executor buildExecutor;
  private final Executor readExecutor;
  private volatile DocumentReader rows;

  IndexSync(
      String name,
      ContentTable table,
      List<VectorSpec> specs,
      IndexSet indexes,
      IndexStatus status,
      DocumentReader rows,
      Executor buildExecutor,
      Executor readExecutor) {
    this.name = name;
    this.table = table;
    this.specs = specs;
    this.indexes = indexes;
    this.status = status;
    this.rows = rows;
    this.buildExecutor = buildExecutor;
    this.readExecutor = readExecutor;
  }

  /** The reader of the rows as of the snapshot the indexes were last brought to. */
  DocumentReader rows() {
    return rows;
  }

  /** The table's latest snapshot; a table that vanished marks the collection failed. */
  TableSnapshot latestOrFail() {
    try {
      return table.latest();
    } catch (RuntimeException e) {
      status.failed(e);
      throw e;
    }
  }

  /**
   * Applies what the indexes have not seen of {@code snapshot}; a failure is recorded and thrown.
   */
  void syncTo(TableSnapshot snapshot) throws IOException {
    status.sawTable(snapshot.version());
    if (status.failure() == null && indexes.inStep(snapshot)) {
      // Nothing to apply: skip the log replay that listing the live files would cost, but show
      // searches what merges finished since (ingest batches flush small segments).
      status.stillInStep();
      for (VectorIndex index : indexes.all().values()) {
        index.refreshMerged();
        index.mergeDownIfIdle(IDLE_BEFORE_MERGE);
      }
      return;
    }
    try {
      ColumnRoles.check(snapshot.schema(), table.columns(), specs);
      table.checkSchema(snapshot);
      if (!rows.fits(snapshot)) {
        rows = new DocumentReader(snapshot, table.columns(), specs, readExecutor);
      } else {
        rows.learnFiles(snapshot);
      }
      for (VectorIndex index : indexes.all().values()) {
        apply(index, snapshot);
      }
      status.inStep();
    } catch (IOException | RuntimeException e) {
      status.failed(e);
      throw e;
    }
  }

  private void apply(VectorIndex index, TableSnapshot snapshot) throws IOException {
    boolean first = index.version().isNone();
    if (first) {
      log.info(
          "Building index {} of collection {} from table version {}",
          index.spec().name(),
          name,
          snapshot.version());
    }
    SyncResult r =
        index.syncTo(
            snapshot,
            table.columns(),
            buildExecutor,
            (done, total, rowsDone) -> {
              if (first && (done % 10 == 0 || done == total)) {
                log.info(
                    "Index {}/{}: {} of {} files, {} rows",
                    name,
                    index.spec().name(),
                    done,
                    total,
                    rowsDone);
              }
            });
    if (r.changed()) {
      log.debug(
          "Index {}/{} synced {} -> {}: +{} files, -{} files, +{} rows",
          name,
          index.spec().name(),
          r.from(),
          r.to(),
          r.filesAdded(),
          r.filesRemoved(),
          r.rowsAdded());
    }
  }
}
