package io.lakeshelf.api.catalog;

import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.VectorIndex;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A collection being served: its definition and table, and, each in its own part, the serving
 * generation of its indexes ({@link IndexSet}), what it reports of them ({@link IndexStatus}), how
 * they are brought to the table ({@link IndexSync}) and the lock writes, syncs and reindex switches
 * hold ({@link CollectionLock}). What requests do with a collection is done by the services of
 * {@code io.lakeshelf.api.service}; searches take no lock.
 */
public final class ServedCollection implements Closeable {

  /** How long a reindex waits for the collection before it gives up its switch. */
  private static final Duration SWITCH_WAIT = Duration.ofMinutes(2);

  /** How long a catch-up a request waits for (before a delete by filter, say). */
  private static final Duration CATCH_UP_WAIT = Duration.ofMinutes(5);

  private final CollectionDefinition definition;
  private final ContentTable table;
  private final IndexSet indexes;
  private final IndexStatus status = new IndexStatus();
  private final IndexSync sync;
  private final CollectionLock lock;
  private final Executor buildExecutor;
  private final Executor readExecutor;
  private final PastVersions pastVersions;

  ServedCollection(
      CollectionDefinition definition,
      ContentTable table,
      Map<String, VectorIndex> indexes,
      DocumentReader rows,
      Executor buildExecutor,
      Executor readExecutor,
      PastVersions pastVersions) {
    this.definition = definition;
    this.table = table;
    this.indexes = new IndexSet(definition.name(), indexes);
    this.sync =
        new IndexSync(
            definition.name(),
            table,
            definition.vectorSpecs(),
            this.indexes,
            status,
            rows,
            buildExecutor,
            readExecutor);
    this.lock = new CollectionLock(definition.name());
    this.buildExecutor = buildExecutor;
    this.readExecutor = readExecutor;
    this.pastVersions = pastVersions;
  }

  public CollectionDefinition definition() {
    return definition;
  }

  public String name() {
    return definition.name();
  }

  public ContentTable table() {
    return table;
  }

  public List<VectorSpec> vectorSpecs() {
    return definition.vectorSpecs();
  }

  /** The reader that joins hits to rows as of the version the indexes were last brought to. */
  public DocumentReader rows() {
    return sync.rows();
  }

  public Map<String, VectorIndex> indexes() {
    return indexes.all();
  }

  /** See {@link IndexSet#index}: 400 for a vector the collection does not have. */
  public VectorIndex index(String using) {
    return indexes.index(using);
  }

  /** The index used for id lookups: the first vector's. */
  public VectorIndex primaryIndex() {
    return indexes.primary();
  }

  /**
   * A view of the serving index of {@code using}; close it when done. Never refused by a switch.
   */
  public VectorIndex.View acquire(String using) {
    return indexes.acquire(using);
  }

  /** A view of the serving primary index, as {@link #acquire}. */
  public VectorIndex.View acquirePrimary() {
    return indexes.acquirePrimary();
  }

  /** Where each vector's serving index came from (a build here, or a snapshot). */
  public Map<String, IndexSource> indexSources() {
    Map<String, IndexSource> out = new java.util.LinkedHashMap<>();
    indexes
        .all()
        .forEach((vector, index) -> out.put(vector, IndexDirectories.sourceOf(index.path())));
    return out;
  }

  /**
   * Where the serving indexes came from: a snapshot (the oldest table version of those restored)
   * when every vector's was restored from one, else a build.
   */
  public IndexSource indexSource() {
    IndexSource oldest = null;
    for (IndexSource s : indexSources().values()) {
      if (!s.fromSnapshot()) {
        return IndexSource.BUILD;
      }
      if (oldest == null || s.tableVersion() < oldest.tableVersion()) {
        oldest = s;
      }
    }
    return oldest == null ? IndexSource.BUILD : oldest;
  }

  public Executor buildExecutor() {
    return buildExecutor;
  }

  public Executor readExecutor() {
    return readExecutor;
  }

  /** Time travel's shared in-memory past versions. */
  public PastVersions pastVersions() {
    return pastVersions;
  }

  /** The lock writes hold (see {@link CollectionLock}). */
  public CollectionLock lock() {
    return lock;
  }

  // --- status ---

  public TableVersion indexedVersion() {
    return indexes.indexedVersion();
  }

  /** The latest table version seen by the last sync or write. */
  public TableVersion tableVersion() {
    return status.tableVersion();
  }

  /** Records a version a write committed: the index is behind it until it is synced. */
  public void sawTable(TableVersion version) {
    status.sawTable(version);
  }

  public long documents() {
    return primaryIndex().rowCount();
  }

  /**
   * Live rows the primary index cannot find by vector (a null or unusable vector, or a null id), as
   * the index counts them: exact with or without row statistics in the table's log.
   */
  public long skippedRows() {
    return primaryIndex().skippedRows();
  }

  public String failure() {
    return status.failure();
  }

  public CollectionStatus status() {
    return status.status(indexedVersion());
  }

  /** How long the index has been behind the table; zero when in step. */
  public Duration lag() {
    return status.lag(indexedVersion());
  }

  // --- syncs ---

  /**
   * Reads the table's latest version and applies what the indexes have not seen. Skips (returns
   * false) when a write or another sync holds the collection.
   */
  public boolean catchUp() throws IOException {
    if (!lock.tryHold(CollectionLock.Holder.SYNC)) {
      return false;
    }
    try {
      sync.syncTo(sync.latestOrFail());
      return true;
    } finally {
      lock.release();
    }
  }

  /**
   * Like {@link #catchUp}, but waits for the collection.
   *
   * @throws io.lakeshelf.api.error.ApiException when the collection stayed busy (see {@link
   *     CollectionLock#holdForRequest})
   */
  public void catchUpNow() throws IOException, InterruptedException {
    lock.holdForRequest(CollectionLock.Holder.SYNC, CATCH_UP_WAIT);
    try {
      sync.syncTo(table.latest());
    } finally {
      lock.release();
    }
  }

  /**
   * Brings the indexes to {@code version}; the caller holds the lock (a write syncing its commit).
   */
  public void syncTo(TableVersion version) throws IOException {
    sync.syncTo(table.at(version));
  }

  /**
   * Finds rows through the primary index, first bringing it to the version asked about. Used by
   * writes, under the lock.
   */
  public RowFinder rowFinder() {
    return (ids, version) -> {
      VectorIndex index = primaryIndex();
      if (!index.version().equals(version)) {
        sync.syncTo(table.at(version));
      }
      return index.rowFinder().find(ids, version);
    };
  }

  /**
   * Switches in complete indexes built beside the serving ones (a reindex): under the collection's
   * lock, brings them up to the table's latest version, then switches atomically. Returns the
   * replaced indexes, still open, for the caller to retire (see {@link NewGeneration}).
   */
  public Map<String, VectorIndex> swap(Map<String, VectorIndex> replacements)
      throws IOException, InterruptedException {
    if (!lock.tryHold(CollectionLock.Holder.REINDEX, SWITCH_WAIT)) {
      throw new IllegalStateException("collection " + name() + " stayed busy");
    }
    try {
      TableSnapshot snapshot = table.latest();
      for (VectorIndex index : replacements.values()) {
        index.syncTo(snapshot, table.columns(), buildExecutor, SyncProgress.NONE);
      }
      status.sawTable(snapshot.version());
      return indexes.replace(replacements);
    } finally {
      lock.release();
    }
  }

  @Override
  public void close() throws IOException {
    pastVersions.forget(this);
    lock.hold();
    try {
      indexes.close();
    } finally {
      lock.release();
    }
  }
}
