package io.lakeshelf.content.table;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.kernel.KernelInternals;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content table: one Delta table, read and written through Delta Kernel.
 *
 * <p>Every write is one Delta commit: the new rows go to a new data file, and every file that holds
 * a row the write replaces or deletes is rewritten without that row (its old version is removed in
 * the same commit). Until the commit, nothing a reader sees changes; a write that fails or dies
 * before its commit leaves only unreferenced files behind, which {@code VACUUM} removes. A write
 * that loses a race with another writer is retried on the new version.
 */
public final class ContentTable {

  private static final Logger log = LoggerFactory.getLogger(ContentTable.class);
  private static final String ENGINE_INFO = "Lakeshelf";

  /** Commits a write tries before it answers a conflict; each lost race waits a random backoff. */
  private static final int MAX_ATTEMPTS = 20;

  private final Engine engine;
  private final String location;
  private final ContentColumns columns;
  private final List<VectorSpec> vectors;
  private final TableFileWriter files;
  private volatile WriteListener listener = WriteListener.NONE;

  private ContentTable(
      Engine engine, String location, ContentColumns columns, List<VectorSpec> vectors) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.location = Objects.requireNonNull(location, "location");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.vectors = List.copyOf(vectors);
    this.files = new TableFileWriter(engine, this.vectors);
  }

  /**
   * Opens the managed table at {@code location}, creating it (version 0, no rows) when no table is
   * there yet. An existing table must have the managed columns and a column for each vector.
   */
  public static ContentTable createManaged(
      Engine engine, String location, List<VectorSpec> vectors) {
    ContentTable table = new ContentTable(engine, location, ContentColumns.MANAGED, vectors);
    if (!table.exists()) {
      StructType schema = ManagedTableSchema.of(vectors);
      Transaction txn =
          Table.forPath(engine, location)
              .createTransactionBuilder(engine, ENGINE_INFO, Operation.CREATE_TABLE)
              .withSchema(engine, schema)
              .build(engine);
      try {
        txn.commit(engine, CloseableIterable.emptyIterable());
        log.info("Created Delta table {}", location);
      } catch (ConcurrentWriteException e) {
        log.info("Delta table {} was created concurrently; using it", location);
      }
    }
    table.checkSchema(table.latest().schema());
    return table;
  }

  /** Opens an existing table whose columns play the given roles. */
  public static ContentTable open(
      Engine engine, String location, ContentColumns columns, List<VectorSpec> vectors) {
    ContentTable table = new ContentTable(engine, location, columns, vectors);
    table.checkSchema(table.latest().schema());
    return table;
  }

  public String location() {
    return location;
  }

  public ContentColumns columns() {
    return columns;
  }

  public List<VectorSpec> vectors() {
    return vectors;
  }

  /** Sets who is told about writes before they commit. */
  public void setWriteListener(WriteListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Whether a Delta table exists at the location. */
  public boolean exists() {
    try {
      Table.forPath(engine, location).getLatestSnapshot(engine);
      return true;
    } catch (TableNotFoundException e) {
      return false;
    }
  }

  /** The newest version of the table. */
  public TableSnapshot latest() {
    try {
      return new TableSnapshot(engine, Table.forPath(engine, location).getLatestSnapshot(engine));
    } catch (TableNotFoundException e) {
      throw new MissingTableException("no Delta table at " + location, e);
    }
  }

  /** The table as of an older version. */
  public TableSnapshot at(TableVersion version) {
    try {
      Snapshot s = Table.forPath(engine, location).getSnapshotAsOfVersion(engine, version.value());
      return new TableSnapshot(engine, s);
    } catch (TableNotFoundException e) {
      throw new MissingTableException("no Delta table at " + location, e);
    }
  }

  private void checkSchema(StructType schema) {
    for (String role :
        new String[] {
          columns.id(), columns.title(), columns.text(), columns.images(), columns.metadata()
        }) {
      if (role != null && schema.indexOf(role) < 0) {
        throw new SchemaMismatchException("table " + location + " has no column '" + role + "'");
      }
    }
    for (VectorSpec v : vectors) {
      int index = schema.indexOf(v.column());
      if (index < 0) {
        throw new SchemaMismatchException(
            "table " + location + " has no vector column '" + v.column() + "'");
      }
      DataType type = schema.at(index).getDataType();
      if (!(type instanceof ArrayType array)
          || !(array.getElementType() instanceof FloatType
              || array.getElementType() instanceof DoubleType)) {
        throw new SchemaMismatchException(
            "column '" + v.column() + "' of " + location + " is " + type + ", not array<float>");
      }
    }
  }

  /** Checks that the table (still) has the columns this content table reads. */
  public void checkSchema(TableSnapshot snapshot) {
    checkSchema(snapshot.schema());
  }

  /**
   * Inserts or replaces documents by id, in one commit. Ids must be unique within the batch and
   * every document must have been checked against the table's vectors.
   */
  public CommitResult upsert(List<Document> docs, RowFinder finder) throws IOException {
    if (docs.isEmpty()) {
      throw new IllegalArgumentException("an upsert needs at least one document");
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Document> rows = docs.stream().map(d -> d.withIngestedAt(now)).toList();
    Set<String> ids = new LinkedHashSet<>();
    for (Document d : rows) {
      if (!ids.add(d.id())) {
        throw new IllegalArgumentException("id '" + d.id() + "' appears twice in the batch");
      }
    }
    return writeWithRetries(rows, ids, docs.size(), finder);
  }

  /** Deletes the rows with these ids, in one commit; absent ids are ignored. */
  public CommitResult delete(Collection<String> ids, RowFinder finder) throws IOException {
    return writeWithRetries(List.of(), new LinkedHashSet<>(ids), -1, finder);
  }

  /**
   * Deletes every row, in one commit that removes every live data file (like {@code TRUNCATE}: no
   * file is rewritten). A write that commits in between is not undone: after a lost race the delete
   * reads the winner's version and removes what is live then.
   *
   * @return the commit, with the live rows it deleted; not committed when the table had none
   */
  public CommitResult deleteAll() throws IOException {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      TableSnapshot snapshot = latest();
      if (snapshot.liveFiles().isEmpty()) {
        return new CommitResult(snapshot.version(), 0, false);
      }
      List<Row> actions = new ArrayList<>();
      long rows = 0;
      long removedAt = System.currentTimeMillis();
      for (LiveFile file : snapshot.liveFiles().values()) {
        actions.add(KernelInternals.removeAction(file.scanFileRow(), true, removedAt));
        rows += Math.max(0, file.numRecords() - file.deletedRows());
      }
      try {
        Transaction txn = transaction(snapshot);
        listener.beforeCommit(snapshot.version(), List.of());
        TransactionCommitResult result =
            txn.commit(
                engine,
                CloseableIterable.inMemoryIterable(KernelInternals.iterator(actions.iterator())));
        runPostCommitHooks(result);
        return new CommitResult(
            TableVersion.of(result.getVersion()), (int) Math.min(Integer.MAX_VALUE, rows), true);
      } catch (ConcurrentWriteException | MaxCommitRetryLimitReachedException e) {
        if (!CommitFailures.lostRace(e)) {
          throw CommitFailures.failure(e);
        }
        last = e;
        log.info(
            "Delete of every row of {} lost a race on version {} (attempt {} of {})",
            location,
            snapshot.version(),
            attempt,
            MAX_ATTEMPTS);
        CommitFailures.backOff(attempt);
      }
    }
    throw new WriteConflictException(
        "gave up deleting every row of " + location + " after " + MAX_ATTEMPTS + " conflicts",
        last);
  }

  /**
   * Writes with the id lookup redone after every lost race. Kernel is told not to retry a commit by
   * itself: its conflict check sees only the files a transaction removes, so two writers inserting
   * the same new id would both win. Here a write that loses a race reads the winner's version,
   * finds the live rows of its ids again, and commits the same data files if they replace the same
   * rows (another writer's ids), or writes anew if the winner touched its ids.
   */
  private CommitResult writeWithRetries(
      List<Document> rows, Set<String> ids, int count, RowFinder finder) throws IOException {
    RuntimeException last = null;
    PreparedWrite prepared = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      TableSnapshot snapshot = latest();
      Map<String, List<RowLocator>> found =
          ids.isEmpty() ? Map.of() : finder.find(ids, snapshot.version());
      Set<RowLocator> replaced = new LinkedHashSet<>();
      found.values().forEach(replaced::addAll);
      int rowCount = count >= 0 ? count : found.size();
      if (rows.isEmpty() && replaced.isEmpty()) {
        return new CommitResult(snapshot.version(), 0, false);
      }
      if (prepared == null || !prepared.replaced().equals(replaced)) {
        prepared =
            files.prepare(
                snapshot, transaction(snapshot).getTransactionState(engine), rows, replaced);
      }
      try {
        return commit(snapshot, prepared, rowCount);
      } catch (ConcurrentWriteException | MaxCommitRetryLimitReachedException e) {
        if (!CommitFailures.lostRace(e)) {
          // Kernel reports a failed commit write (a full disk, an unreachable store) the same way
          // as a lost race when it may not retry: that is a failure, not a race to retry.
          throw CommitFailures.failure(e);
        }
        last = e;
        log.info(
            "Write to {} lost a race on version {} (attempt {} of {}); finding its rows again",
            location,
            snapshot.version(),
            attempt,
            MAX_ATTEMPTS);
        CommitFailures.backOff(attempt);
      }
    }
    throw new WriteConflictException(
        "gave up writing to " + location + " after " + MAX_ATTEMPTS + " conflicts", last);
  }

  /**
   * A transaction on this snapshot that Kernel does not retry on its own (see {@link
   * #writeWithRetries}).
   */
  private Transaction transaction(TableSnapshot snapshot) {
    return snapshot
        .kernelSnapshot()
        .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
        .withMaxRetries(0)
        .build(engine);
  }

  private CommitResult commit(TableSnapshot snapshot, PreparedWrite write, int rowCount)
      throws IOException {
    Transaction txn = transaction(snapshot);
    listener.beforeCommit(snapshot.version(), write.written());
    TransactionCommitResult result =
        txn.commit(
            engine,
            CloseableIterable.inMemoryIterable(
                KernelInternals.iterator(write.actions().iterator())));
    runPostCommitHooks(result);
    return new CommitResult(TableVersion.of(result.getVersion()), rowCount, true);
  }

  /**
   * Rewrites all live files into as few files as the Parquet writer makes (like Delta's {@code
   * OPTIMIZE}), in one commit; rows and their contents do not change, their locators do.
   */
  public CommitResult compact() throws IOException {
    TableSnapshot snapshot = latest();
    if (snapshot.liveFiles().size() < 2) {
      return new CommitResult(snapshot.version(), 0, false);
    }
    Transaction txn =
        snapshot
            .kernelSnapshot()
            .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
            .build(engine);
    Row txnState = txn.getTransactionState(engine);
    CloseableIterator<FilteredColumnarBatch> rows =
        KernelInternals.iterator(Collections.emptyIterator());
    for (LiveFile file : snapshot.liveFiles().values()) {
      rows = rows.combine(files.liveRows(snapshot, file, Set.of()));
    }
    List<Row> actions = new ArrayList<>();
    List<String> written = new ArrayList<>();
    files.writeData(txnState, rows, actions, written);
    long removedAt = System.currentTimeMillis();
    for (LiveFile file : snapshot.liveFiles().values()) {
      actions.add(KernelInternals.removeAction(file.scanFileRow(), false, removedAt));
    }
    TransactionCommitResult result =
        txn.commit(
            engine,
            CloseableIterable.inMemoryIterable(KernelInternals.iterator(actions.iterator())));
    runPostCommitHooks(result);
    return new CommitResult(TableVersion.of(result.getVersion()), 0, true);
  }

  private void runPostCommitHooks(TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        // A failed checkpoint leaves the table correct, only slower to read: log and go on.
        log.warn("Post-commit hook {} failed on {}", hook.getType(), location, e);
      }
    }
  }

  @Override
  public String toString() {
    return "ContentTable[" + location + "]";
  }
}
