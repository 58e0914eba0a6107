package io.lakeshelf.content.table;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content table: one Delta table, read and written through Delta Kernel.
 *
 * <p>Every write is one Delta commit: the new rows go to a new data file, and every file that
 * holds a row the write replaces or deletes is rewritten without that row (its old version is
 * removed in the same commit). Until the commit, nothing a reader sees changes; a write that fails
 * or dies before its commit leaves only unreferenced files behind, which {@code VACUUM} removes.
 * A write that loses a race with another writer is retried on the new version.
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
  private volatile WriteListener listener = WriteListener.NONE;

  private ContentTable(
      Engine engine, String location, ContentColumns columns, List<VectorSpec> vectors) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.location = Objects.requireNonNull(location, "location");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.vectors = List.copyOf(vectors);
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
    for (String role : new String[] {columns.id(), columns.title(), columns.text(), columns.images(), columns.metadata()}) {
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
              || array.getElementType() instanceof io.delta.kernel.types.DoubleType)) {
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
   * Writes with the id lookup redone after every lost race. Kernel is told not to retry a commit
   * by itself: its conflict check sees only the files a transaction removes, so two writers
   * inserting the same new id would both win. Here a write that loses a race reads the winner's
   * version, finds the live rows of its ids again, and commits the same data files if they
   * replace the same rows (another writer's ids), or writes anew if the winner touched its ids.
   */
  private CommitResult writeWithRetries(
      List<Document> rows, Set<String> ids, int count, RowFinder finder) throws IOException {
    RuntimeException last = null;
    PreparedWrite prepared = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      TableSnapshot snapshot = latest();
      Map<String, List<RowLocator>> found = ids.isEmpty() ? Map.of() : finder.find(ids, snapshot.version());
      Set<RowLocator> replaced = new java.util.LinkedHashSet<>();
      found.values().forEach(replaced::addAll);
      int rowCount = count >= 0 ? count : found.size();
      if (rows.isEmpty() && replaced.isEmpty()) {
        return new CommitResult(snapshot.version(), 0, false);
      }
      if (prepared == null || !prepared.replaced().equals(replaced)) {
        prepared = prepare(snapshot, rows, replaced);
      }
      try {
        return commit(snapshot, prepared, rowCount);
      } catch (ConcurrentWriteException | io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException e) {
        if (!lostRace(e)) {
          // Kernel reports a failed commit write (a full disk, an unreachable store) the same way
          // as a lost race when it may not retry: that is a failure, not a race to retry.
          throw failure(e);
        }
        last = e;
        log.info(
            "Write to {} lost a race on version {} (attempt {} of {}); finding its rows again",
            location,
            snapshot.version(),
            attempt,
            MAX_ATTEMPTS);
        backOff(attempt);
      }
    }
    throw new WriteConflictException(
        "gave up writing to " + location + " after " + MAX_ATTEMPTS + " conflicts", last);
  }

  /** Whether a commit failed because another writer took its version (its log file exists). */
  private static boolean lostRace(RuntimeException e) {
    if (e instanceof ConcurrentWriteException) {
      return true;
    }
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof java.nio.file.FileAlreadyExistsException || c instanceof ConcurrentWriteException) {
        return true;
      }
    }
    return false;
  }

  /** The cause of a failed commit write, as thrown by the storage layer where it is one. */
  private static IOException failure(RuntimeException e) {
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return new IOException("the commit failed: " + e.getMessage(), e);
  }

  /** Waits up to 5 ms times 2^attempt (at most 500 ms), at random, so racing writers spread out. */
  private static void backOff(int attempt) throws java.io.InterruptedIOException {
    long bound = Math.min(500, 5L << Math.min(attempt, 10));
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted between write attempts");
    }
  }

  /** The data files of a write and the log actions that add them and remove the files they rewrite. */
  private record PreparedWrite(Set<RowLocator> replaced, List<Row> actions, List<String> written) {}

  private PreparedWrite prepare(TableSnapshot snapshot, List<Document> rows, Set<RowLocator> replaced)
      throws IOException {
    Row txnState = transaction(snapshot).getTransactionState(engine);
    List<Row> actions = new ArrayList<>();
    List<String> written = new ArrayList<>();
    if (!rows.isEmpty()) {
      ColumnarBatch batch = DocumentBatch.of(rows, snapshot.schema(), vectors);
      writeData(txnState, KernelInternals.single(
          new FilteredColumnarBatch(batch, Optional.empty())), actions, written);
    }
    long removedAt = System.currentTimeMillis();
    for (Map.Entry<String, Set<Long>> e : byFile(replaced).entrySet()) {
      LiveFile file =
          snapshot
              .file(e.getKey())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "file " + e.getKey() + " is not live at version " + snapshot.version()));
      rewriteWithout(snapshot, file, e.getValue(), txnState, actions, written);
      actions.add(KernelInternals.removeAction(file.scanFileRow(), true, removedAt));
    }
    return new PreparedWrite(Set.copyOf(replaced), List.copyOf(actions), List.copyOf(written));
  }

  /** A transaction on this snapshot that Kernel does not retry on its own (see {@link #writeWithRetries}). */
  private Transaction transaction(TableSnapshot snapshot) {
    return snapshot
        .kernelSnapshot()
        .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
        .withMaxRetries(0)
        .build(engine);
  }

  private CommitResult commit(TableSnapshot snapshot, PreparedWrite write, int rowCount) throws IOException {
    Transaction txn = transaction(snapshot);
    listener.beforeCommit(snapshot.version(), write.written());
    TransactionCommitResult result =
        txn.commit(
            engine, CloseableIterable.inMemoryIterable(KernelInternals.iterator(write.actions().iterator())));
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
        snapshot.kernelSnapshot().buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE).build(engine);
    Row txnState = txn.getTransactionState(engine);
    List<String> all = snapshot.schema().fieldNames();
    CloseableIterator<FilteredColumnarBatch> rows = KernelInternals.iterator(java.util.Collections.emptyIterator());
    for (LiveFile file : snapshot.liveFiles().values()) {
      rows = rows.combine(snapshot.openRows(file, all).map(b -> withoutRows(b, Set.of(), all.size())));
    }
    List<Row> actions = new ArrayList<>();
    List<String> written = new ArrayList<>();
    writeData(txnState, rows, actions, written);
    long removedAt = System.currentTimeMillis();
    for (LiveFile file : snapshot.liveFiles().values()) {
      actions.add(KernelInternals.removeAction(file.scanFileRow(), false, removedAt));
    }
    TransactionCommitResult result =
        txn.commit(engine, CloseableIterable.inMemoryIterable(KernelInternals.iterator(actions.iterator())));
    runPostCommitHooks(result);
    return new CommitResult(TableVersion.of(result.getVersion()), 0, true);
  }

  private void writeData(
      Row txnState,
      CloseableIterator<FilteredColumnarBatch> data,
      List<Row> actions,
      List<String> written)
      throws IOException {
    CloseableIterator<FilteredColumnarBatch> physical =
        Transaction.transformLogicalData(engine, txnState, data, Map.of());
    DataWriteContext context = Transaction.getWriteContext(engine, txnState, Map.of());
    List<DataFileStatus> files = new ArrayList<>();
    try (CloseableIterator<DataFileStatus> it =
        engine
            .getParquetHandler()
            .writeParquetFiles(
                context.getTargetDirectory(), physical, context.getStatisticsColumns())) {
      it.forEachRemaining(files::add);
    }
    files.forEach(f -> written.add(f.getPath()));
    try (CloseableIterator<Row> adds =
        Transaction.generateAppendActions(
            engine, txnState, KernelInternals.iterator(files.iterator()), context)) {
      adds.forEachRemaining(actions::add);
    }
  }

  /** Writes the live rows of {@code file} except {@code dropped} to a new file, if any remain. */
  private void rewriteWithout(
      TableSnapshot snapshot,
      LiveFile file,
      Set<Long> dropped,
      Row txnState,
      List<Row> actions,
      List<String> written)
      throws IOException {
    List<String> all = snapshot.schema().fieldNames();
    CloseableIterator<FilteredColumnarBatch> kept =
        snapshot.openRows(file, all).map(batch -> withoutRows(batch, dropped, all.size()));
    CloseableIterator<FilteredColumnarBatch> nonEmpty = kept.filter(ContentTable::hasSelectedRows);
    // Peek so that a file whose every row goes writes no empty file.
    if (!nonEmpty.hasNext()) {
      nonEmpty.close();
      return;
    }
    writeData(txnState, nonEmpty, actions, written);
  }

  private static FilteredColumnarBatch withoutRows(
      FilteredColumnarBatch batch, Set<Long> dropped, int rowIndexOrdinal) {
    ColumnarBatch data = batch.getData();
    ColumnVector rowIndex = data.getColumnVector(rowIndexOrdinal);
    Optional<ColumnVector> current = batch.getSelectionVector();
    boolean[] keep = new boolean[data.getSize()];
    for (int i = 0; i < keep.length; i++) {
      boolean live =
          current.isEmpty() || (!current.get().isNullAt(i) && current.get().getBoolean(i));
      keep[i] = live && !dropped.contains(rowIndex.getLong(i));
    }
    return new FilteredColumnarBatch(
        data.withDeletedColumnAt(rowIndexOrdinal), Optional.of(new SelectionVector(keep)));
  }

  private static boolean hasSelectedRows(FilteredColumnarBatch batch) {
    ColumnVector selection = batch.getSelectionVector().orElseThrow();
    for (int i = 0; i < selection.getSize(); i++) {
      if (selection.getBoolean(i)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Set<Long>> byFile(Collection<RowLocator> locators) {
    Map<String, Set<Long>> byFile = new TreeMap<>();
    for (RowLocator l : locators) {
      byFile.computeIfAbsent(l.dataFile(), f -> new TreeSet<>()).add(l.rowIndex());
    }
    return byFile;
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
