package io.lakeshelf.api.catalog;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.table.CommitResult;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.SyncResult;
import io.lakeshelf.index.VectorIndex;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection being served: its table, one index per named vector, and the reader that joins hits
 * back to rows. Writes and syncs hold the collection's lock, so the indexes move from one table
 * version to the next together; searches take no lock.
 */
public final class ServedCollection implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(ServedCollection.class);

  private final CollectionDefinition definition;
  private final ContentTable table;
  private volatile Map<String, VectorIndex> indexes;
  private volatile DocumentReader rows;
  private final Executor buildExecutor;
  private final Executor readExecutor;
  private final PastVersions pastVersions;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile TableVersion tableVersion = TableVersion.NONE;
  private volatile Instant inStepSince = Instant.now();
  private volatile String failure;

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
    this.indexes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(indexes));
    this.rows = rows;
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

  public DocumentReader rows() {
    return rows;
  }

  public Map<String, VectorIndex> indexes() {
    return indexes;
  }

  /** The index of the vector named {@code using}, or of the only vector when it is null. */
  public VectorIndex index(String using) {
    if (using == null) {
      if (indexes.size() == 1) {
        return indexes.values().iterator().next();
      }
      throw new IllegalArgumentException(
          "collection '" + name() + "' has several vectors " + indexes.keySet() + ": say which with 'using'");
    }
    VectorIndex index = indexes.get(using);
    if (index == null) {
      throw new IllegalArgumentException(
          "collection '" + name() + "' has no vector '" + using + "'; it has " + indexes.keySet());
    }
    return index;
  }

  /**
   * A view of the serving index of the vector named {@code using} (the only vector when null);
   * close it when done. Never fails because a reindex swapped the index meanwhile.
   */
  public VectorIndex.View acquire(String using) {
    while (true) {
      VectorIndex.View view = index(using).tryAcquire();
      if (view != null) {
        return view;
      }
    }
  }

  /** A view of the primary index, as {@link #acquire}. */
  public VectorIndex.View acquirePrimary() {
    while (true) {
      VectorIndex.View view = primaryIndex().tryAcquire();
      if (view != null) {
        return view;
      }
    }
  }

  /**
   * Replaces the serving indexes with complete ones built beside them: under the collection's
   * lock, brings the new indexes up to the table's latest version, then switches atomically.
   * Returns the replaced indexes, which the caller closes once the switch is recorded.
   */
  public Map<String, VectorIndex> swap(Map<String, VectorIndex> replacements)
      throws IOException, InterruptedException {
    if (!lock.tryLock(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("collection " + name() + " stayed busy");
    }
    try {
      TableSnapshot snapshot = table.latest();
      for (VectorIndex index : replacements.values()) {
        index.syncTo(snapshot, table.columns(), buildExecutor, io.lakeshelf.index.SyncProgress.NONE);
      }
      Map<String, VectorIndex> next = new LinkedHashMap<>(indexes);
      Map<String, VectorIndex> replaced = new LinkedHashMap<>();
      replacements.forEach((name, index) -> replaced.put(name, next.put(name, index)));
      tableVersion = snapshot.version();
      indexes = java.util.Collections.unmodifiableMap(next);
      return replaced;
    } finally {
      lock.unlock();
    }
  }

  public Executor buildExecutor() {
    return buildExecutor;
  }

  /** The index used for id lookups: the first vector's. */
  public VectorIndex primaryIndex() {
    return indexes.values().iterator().next();
  }

  public TableVersion indexedVersion() {
    TableVersion lowest = null;
    for (VectorIndex i : indexes.values()) {
      if (lowest == null || i.version().compareTo(lowest) < 0) {
        lowest = i.version();
      }
    }
    return lowest;
  }

  /** The latest table version seen by the last sync. */
  public TableVersion tableVersion() {
    return tableVersion;
  }

  public long documents() {
    return primaryIndex().rowCount();
  }

  /**
   * Live rows the primary index cannot find by vector (a null or unusable vector, or a null id),
   * as the index counts them: exact with or without row statistics in the table's log.
   */
  public long skippedRows() {
    return primaryIndex().skippedRows();
  }

  public String failure() {
    return failure;
  }

  public CollectionStatus status() {
    if (failure != null) {
      return CollectionStatus.FAILED;
    }
    if (indexedVersion().isNone()) {
      return CollectionStatus.BUILDING;
    }
    return indexedVersion().compareTo(tableVersion) < 0 ? CollectionStatus.STALE : CollectionStatus.READY;
  }

  /** How long the index has been behind the table; zero when in step. */
  public Duration lag() {
    if (indexedVersion().compareTo(tableVersion) >= 0) {
      return Duration.ZERO;
    }
    return Duration.between(inStepSince, Instant.now());
  }

  /**
   * Reads the table's latest version and applies what the indexes have not seen. Skips (returns
   * false) when a write or another sync holds the collection.
   */
  public boolean catchUp() throws IOException {
    if (!lock.tryLock()) {
      return false;
    }
    try {
      syncIndexes(latestOrFail());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The table's latest snapshot; a table that vanished marks the collection failed. */
  private TableSnapshot latestOrFail() {
    try {
      return table.latest();
    } catch (RuntimeException e) {
      failure = TableProblems.describe(e);
      throw e;
    }
  }

  /** Like {@link #catchUp}, but waits for the collection. */
  public void catchUpNow() throws IOException, InterruptedException {
    if (!lock.tryLock(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("collection " + name() + " stayed busy");
    }
    try {
      syncIndexes(table.latest());
    } finally {
      lock.unlock();
    }
  }

  private void syncIndexes(TableSnapshot snapshot) throws IOException {
    tableVersion = snapshot.version();
    if (failure == null && inStep(snapshot)) {
      // Nothing to apply: skip the log replay that listing the live files would cost.
      inStepSince = Instant.now();
      return;
    }
    try {
      io.lakeshelf.content.table.ColumnRoles.check(snapshot.schema(), table.columns(), vectorSpecs());
      table.checkSchema(snapshot);
      if (!rows.fits(snapshot)) {
        rows = new DocumentReader(snapshot, table.columns(), vectorSpecs(), readExecutor);
      } else {
        rows.learnFiles(snapshot);
      }
      for (VectorIndex index : indexes.values()) {
        boolean first = index.version().isNone();
        if (first) {
          log.info("Building index {} of collection {} from table version {}",
              index.spec().name(), name(), snapshot.version());
        }
        SyncResult r =
            index.syncTo(
                snapshot,
                table.columns(),
                buildExecutor,
                (done, total, rowsDone) -> {
                  if (first && (done % 10 == 0 || done == total)) {
                    log.info("Index {}/{}: {} of {} files, {} rows",
                        name(), index.spec().name(), done, total, rowsDone);
                  }
                });
        if (r.changed()) {
          log.debug("Index {}/{} synced {} -> {}: +{} files, -{} files, +{} rows",
              name(), index.spec().name(), r.from(), r.to(), r.filesAdded(), r.filesRemoved(), r.rowsAdded());
        }
      }
      failure = null;
      inStepSince = Instant.now();
    } catch (IOException | RuntimeException e) {
      failure = TableProblems.describe(e);
      throw e;
    }
  }

  private boolean inStep(TableSnapshot snapshot) {
    for (VectorIndex index : indexes.values()) {
      if (!index.version().equals(snapshot.version())
          || !index.manifest().tableId().equals(snapshot.tableId())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Upserts a batch in one commit. With {@code refresh}, the indexes show the batch before this
   * returns.
   */
  public Written upsert(List<Document> docs, boolean refresh) throws IOException, InterruptedException {
    return write(() -> table.upsert(docs, rowFinder()), refresh);
  }

  /** Deletes rows by id in one commit; absent ids are ignored. */
  public Written delete(Collection<String> ids, boolean refresh) throws IOException, InterruptedException {
    return write(() -> table.delete(ids, rowFinder()), refresh);
  }

  /**
   * What a write did: its commit, and whether search shows it yet. A commit stands once it is in
   * the table's log, whatever fails after it: when the indexes cannot be brought to it at once (a
   * full disk, say), the write still answers its commit, {@code searchable} false, and the sync
   * rounds index it when they can.
   */
  public record Written(CommitResult commit, boolean searchable) {}

  private interface Write {
    CommitResult run() throws IOException;
  }

  private Written write(Write write, boolean refresh) throws IOException, InterruptedException {
    if (!lock.tryLock(2, TimeUnit.MINUTES)) {
      throw new io.lakeshelf.api.error.ApiException(
          io.lakeshelf.api.error.ErrorCode.REINDEX_IN_PROGRESS,
          "collection '" + name() + "' is busy building its index; retry later");
    }
    try {
      CommitResult result = write.run();
      if (!result.committed()) {
        return new Written(result, true);
      }
      tableVersion = result.version();
      if (!refresh) {
        return new Written(result, false);
      }
      try {
        syncIndexes(table.at(result.version()));
        return new Written(result, true);
      } catch (IOException | RuntimeException e) {
        log.warn("Collection {}: version {} is committed but could not be indexed yet ({}); the next sync"
            + " round retries", name(), result.version(), e.toString());
        return new Written(result, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Finds rows through the primary index, first bringing it to the version asked about. */
  private RowFinder rowFinder() {
    return (ids, version) -> {
      VectorIndex index = primaryIndex();
      if (!index.version().equals(version)) {
        syncIndexes(table.at(version));
      }
      return index.rowFinder().find(ids, version);
    };
  }

  /** A document read by id, with the table version it was read at. */
  /** Hits of a search over an older table version, with their rows as that version holds them. */
  public record PastSearch(
      TableVersion version, List<io.lakeshelf.index.SearchHit> hits,
      Map<io.lakeshelf.content.RowLocator, io.lakeshelf.content.Document> rows) {}

  /**
   * A search over the table as of an older version: exactly what a search over that version would
   * answer. The version's rows are indexed in memory (a read of the whole snapshot, bounded, shared
   * and cached by {@link PastVersions}) and searched exactly (brute force), and the hits are
   * joined to that version's rows.
   *
   * @throws io.lakeshelf.api.error.ApiException 404 {@code VERSION_NOT_AVAILABLE} when the version
   *     cannot be read any more (its log or data files were cleaned up) or does not exist yet; 422
   *     {@code VERSION_TOO_LARGE} when it has more rows than time travel builds; 503 {@code
   *     OVERLOADED} when the builds' pool and queue are full
   */
  public PastSearch searchAsOf(
      TableVersion version, String using, io.lakeshelf.index.IndexQuery query,
      io.lakeshelf.content.rows.Projection projection) throws IOException {
    VectorIndex current = index(using);
    io.lakeshelf.content.table.TableSnapshot snapshot;
    try {
      snapshot = table.at(version);
    } catch (RuntimeException e) {
      throw new io.lakeshelf.api.error.ApiException(io.lakeshelf.api.error.ErrorCode.VERSION_NOT_AVAILABLE,
          "version " + version.value() + " of the table cannot be read: " + e.getMessage());
    }
    List<io.lakeshelf.index.SearchHit> hits;
    try (VectorIndex.View view = pastVersions.acquire(this, current, snapshot, table.columns())) {
      hits = view.search(query.exactly());
    }
    io.lakeshelf.content.rows.DocumentReader reader = new io.lakeshelf.content.rows.DocumentReader(
        snapshot, table.columns(), vectorSpecs(), readExecutor);
    return new PastSearch(version, hits,
        reader.read(hits.stream().map(io.lakeshelf.index.SearchHit::locator).toList(), projection));
  }

  public record Found(io.lakeshelf.content.Document document, TableVersion version) {}

  /**
   * The document with this id as the table holds it at the primary index's version, reading only
   * the parts the projection asks for; empty when there is no such live row.
   */
  public java.util.Optional<Found> find(String id, io.lakeshelf.content.rows.Projection projection) {
    try (VectorIndex.View view = acquirePrimary()) {
      List<RowLocator> found = view.find(java.util.List.of(id)).get(id);
      RowLocator locator = found == null ? null : found.get(0);
      if (locator == null) {
        return java.util.Optional.empty();
      }
      io.lakeshelf.content.Document d = rows.read(java.util.List.of(locator), projection).get(locator);
      return java.util.Optional.ofNullable(d).map(doc -> new Found(doc, view.version()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public List<VectorSpec> vectorSpecs() {
    return definition.vectorSpecs();
  }

  @Override
  public void close() throws IOException {
    pastVersions.forget(this);
    lock.lock();
    try {
      for (VectorIndex index : indexes.values()) {
        index.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
