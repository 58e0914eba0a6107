package io.lakeshelf.content.table;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.kernel.KernelInternals;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The data files of {@link ContentTable}'s writes: new rows to a new Parquet file, and each file
 * that holds a replaced or deleted row rewritten without it, with the log actions that add the new
 * files and remove the rewritten ones. Nothing here commits: the actions are handed back.
 */
final class TableFileWriter {

  private final Engine engine;
  private final List<VectorSpec> vectors;

  TableFileWriter(Engine engine, List<VectorSpec> vectors) {
    this.engine = engine;
    this.vectors = List.copyOf(vectors);
  }

  PreparedWrite prepare(
      TableSnapshot snapshot, Row txnState, List<Document> rows, Set<RowLocator> replaced)
      throws IOException {
    List<Row> actions = new ArrayList<>();
    List<String> written = new ArrayList<>();
    if (!rows.isEmpty()) {
      ColumnarBatch batch = DocumentBatch.of(rows, snapshot.schema(), vectors);
      writeData(
          txnState,
          KernelInternals.single(new FilteredColumnarBatch(batch, Optional.empty())),
          actions,
          written);
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

  void writeData(
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

  /** The live rows of {@code file} except {@code dropped}, as batches a transaction can write. */
  CloseableIterator<FilteredColumnarBatch> liveRows(
      TableSnapshot snapshot, LiveFile file, Set<Long> dropped) throws IOException {
    List<String> all = snapshot.schema().fieldNames();
    return snapshot.openRows(file, all).map(batch -> withoutRows(batch, dropped, all.size()));
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
    CloseableIterator<FilteredColumnarBatch> nonEmpty =
        liveRows(snapshot, file, dropped).filter(TableFileWriter::hasSelectedRows);
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
}
