package io.lakeshelf.content.table;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.kernel.KernelInternals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One version of a Delta table as Delta Kernel reads it: its schema, its live data files and the
 * live rows of each file (deletion vectors applied, column mapping and partition values resolved).
 * Immutable; the list of live files is read from the log once, on first use.
 */
public final class TableSnapshot {

  /** Name of the row-index column {@link #readRows} appends to the requested columns. */
  public static final String ROW_INDEX_COLUMN = StructField.DEFAULT_ROW_INDEX_COLUMN.getName();

  private final Engine engine;
  private final Snapshot snapshot;
  private volatile Map<String, LiveFile> liveFiles;

  /** The engine this snapshot reads through. */
  public Engine engine() {
    return engine;
  }

  TableSnapshot(Engine engine, Snapshot snapshot) {
    this.engine = engine;
    this.snapshot = snapshot;
  }

  public TableVersion version() {
    return TableVersion.of(snapshot.getVersion());
  }

  /** The table's id from its metadata: a new id means the table was replaced. */
  public String tableId() {
    return KernelInternals.tableId(snapshot);
  }

  /** The table's root location. */
  public String location() {
    return snapshot.getPath();
  }

  public StructType schema() {
    return snapshot.getSchema();
  }

  public List<String> partitionColumns() {
    return snapshot.getPartitionColumnNames();
  }

  Snapshot kernelSnapshot() {
    return snapshot;
  }

  /** The live data files of this version, in log order, keyed by their path in the log. */
  public Map<String, LiveFile> liveFiles() {
    Map<String, LiveFile> files = liveFiles;
    if (files == null) {
      files = Collections.unmodifiableMap(loadLiveFiles());
      liveFiles = files;
    }
    return files;
  }

  public Optional<LiveFile> file(String path) {
    return Optional.ofNullable(liveFiles().get(path));
  }

  private Map<String, LiveFile> loadLiveFiles() {
    Map<String, LiveFile> files = new LinkedHashMap<>();
    Scan scan = snapshot.getScanBuilder().build();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row scanFileRow = rows.next();
            KernelInternals.AddFileInfo add = KernelInternals.addFile(scanFileRow);
            files.put(
                add.path(),
                new LiveFile(
                    add.path(),
                    add.size(),
                    add.deletionVectorId(),
                    nonNullValues(add.partitionValues()),
                    add.numRecords(),
                    add.deletedRows(),
                    scanFileRow));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files of " + snapshot.getPath(), e);
    }
    return files;
  }

  private static Map<String, String> nonNullValues(Map<String, String> values) {
    Map<String, String> out = new HashMap<>();
    values.forEach((k, v) -> out.put(k, v));
    return out;
  }

  /** The table's column mapping mode ({@code none}, {@code name} or {@code id}). */
  public String columnMappingMode() {
    return snapshot.getTableProperties().getOrDefault("delta.columnMapping.mode", "none");
  }

  /** Live rows, from the files' statistics and deletion vectors (-1 if a file has no stats). */
  public long rowCount() {
    long total = 0;
    for (LiveFile f : liveFiles().values()) {
      if (f.numRecords() < 0) {
        return -1;
      }
      total += f.numRecords() - f.deletedRows();
    }
    return total;
  }

  /**
   * Reads the live rows of one file: the given logical columns followed by {@link
   * #ROW_INDEX_COLUMN}, the row's position in the file. Rows deleted by a deletion vector are
   * unselected in each batch's selection vector.
   */
  public void readRows(LiveFile file, List<String> columns, BatchConsumer consumer)
      throws IOException {
    try (CloseableIterator<FilteredColumnarBatch> batches = openRows(file, columns)) {
      while (batches.hasNext()) {
        consumer.accept(batches.next());
      }
    }
  }

  /** Like {@link #readRows}, as an iterator the caller closes. */
  public CloseableIterator<FilteredColumnarBatch> openRows(LiveFile file, List<String> columns)
      throws IOException {
    StructType tableSchema = snapshot.getSchema();
    List<StructField> fields = new ArrayList<>();
    for (String column : columns) {
      int index = tableSchema.indexOf(column);
      if (index < 0) {
        throw new IllegalArgumentException(
            "table " + snapshot.getPath() + " has no column '" + column + "'");
      }
      fields.add(tableSchema.at(index));
    }
    fields.add(StructField.DEFAULT_ROW_INDEX_COLUMN);
    Scan scan = snapshot.getScanBuilder().withReadSchema(new StructType(fields)).build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = KernelInternals.physicalDataReadSchema(scanState);
    FileStatus status = KernelInternals.fileStatus(file.scanFileRow());
    CloseableIterator<ColumnarBatch> physical =
        engine
            .getParquetHandler()
            .readParquetFiles(single(status), physicalSchema, Optional.empty())
            .map(result -> result.getData());
    return Scan.transformPhysicalData(engine, scanState, file.scanFileRow(), physical);
  }

  private static CloseableIterator<FileStatus> single(FileStatus status) {
    return KernelInternals.single(status);
  }

  /** Receives the batches {@link #readRows} reads. */
  @FunctionalInterface
  public interface BatchConsumer {
    void accept(FilteredColumnarBatch batch) throws IOException;
  }
}
