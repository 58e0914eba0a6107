package io.lakeshelf.content.kernel;

import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.internal.data.DefaultColumnarBatch;
import io.delta.kernel.defaults.internal.data.vector.DefaultGenericVector;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.GenericRow;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The one place Lakeshelf uses Delta Kernel's non-public {@code io.delta.kernel.internal} and
 * {@code io.delta.kernel.defaults.internal} packages, which Kernel may change in any release. Every
 * other class calls the small methods here, so a Kernel upgrade that moves an internal breaks this
 * class only, and each use can be replaced here once Kernel offers a public way. What each internal
 * is needed for, and what would replace it:
 *
 * <ul>
 *   <li>{@code internal.util.Utils} ({@link #iterator}, {@link #single}): Kernel's handlers and
 *       transactions take a {@link CloseableIterator}, and Kernel's public API has no factory for
 *       one over an in-memory iterator or a single value (only {@link
 *       io.delta.kernel.utils.CloseableIterable#inMemoryIterable}, which itself takes a closeable
 *       iterator). Replaced by a public factory if Kernel adds one, or by an adapter of our own
 *       with a no-op {@code close}, exactly what Utils does.
 *   <li>{@code internal.actions.AddFile}, {@code internal.actions.DeletionVectorDescriptor} and
 *       {@code InternalScanFileUtils.ADD_FILE_ORDINAL} / {@code getPartitionValues} ({@link
 *       #addFile}): the path, size, record count (from the file's statistics), deletion vector and
 *       partition values of a scan file row. {@code Scan.getScanFiles} documents the row's {@code
 *       add} struct, but Kernel has no public accessor for its fields nor a parser of its
 *       statistics. Replaced by a public scan-file accessor when Kernel has one (the scan-file
 *       classes of its newer API are still internal in 4.4); until then the fields could be read by
 *       name through {@link Row#getSchema()}, at the cost of parsing the stats JSON ourselves.
 *   <li>{@code internal.actions.SingleAction.createRemoveFileSingleAction} and {@code
 *       AddFile.toRemoveFileRow} ({@link #removeAction}): the log action that removes a live file
 *       when a write rewrites or compacts it. Kernel's public {@code Transaction} generates add
 *       actions only ({@code generateAppendActions}); replaced by its public remove/rewrite API
 *       when there is one.
 *   <li>{@code InternalScanFileUtils.getAddFileStatus} and {@code
 *       ScanStateRow.getPhysicalDataReadSchema} ({@link #fileStatus}, {@link
 *       #physicalDataReadSchema}): the file and the physical schema to hand the Parquet handler
 *       when reading one live file's rows, the read Kernel's own examples do with these same
 *       internals before {@code Scan.transformPhysicalData}. Replaced by a public per-file read of
 *       a scan (or public accessors of the scan state and scan file) when Kernel has one.
 *   <li>{@code internal.data.GenericRow} ({@link #struct}): a struct value built in memory (an
 *       image anchor) for a column vector Lakeshelf writes. Kernel's public API has only the {@link
 *       Row} interface; replaced by a public row implementation when Kernel has one, or by an
 *       implementation of {@link Row} of our own.
 *   <li>{@code internal.actions.Metadata#getId} ({@link #tableId}): the table's id, which changes
 *       when a table is replaced at the same location. The public {@link Snapshot} returns its
 *       metadata as the internal {@code Metadata} type; replaced by a public accessor of the id.
 *   <li>{@code defaults.internal.data.DefaultColumnarBatch} and {@code
 *       defaults.internal.data.vector.DefaultGenericVector} ({@link #batch}, {@link #vector}): the
 *       in-memory columnar batch of the rows a write appends, handed to {@code
 *       Transaction.transformLogicalData}. Kernel's public API has the {@link ColumnarBatch} and
 *       {@link ColumnVector} interfaces only; replaced by public builders when Kernel has them, or
 *       by implementations of those interfaces of our own.
 * </ul>
 */
public final class KernelInternals {

  private KernelInternals() {}

  /** A closeable iterator over an in-memory iterator; closing it does nothing. */
  public static <T> CloseableIterator<T> iterator(Iterator<T> values) {
    return Utils.toCloseableIterator(values);
  }

  /** A closeable iterator over one value; closing it does nothing. */
  public static <T> CloseableIterator<T> single(T value) {
    return Utils.singletonCloseableIterator(value);
  }

  /**
   * The add action of a scan file row (a row of {@code Scan.getScanFiles}), as far as Lakeshelf
   * reads it.
   *
   * @param path the file's path as the log names it
   * @param size the file's size in bytes
   * @param numRecords rows in the file from its statistics, or -1 when it has none (or they do not
   *     parse)
   * @param deletionVectorId the unique id of the file's deletion vector, or null without one
   * @param deletedRows rows its deletion vector hides (0 without one)
   * @param partitionValues the file's partition values (physical names)
   */
  public record AddFileInfo(
      String path,
      long size,
      long numRecords,
      String deletionVectorId,
      long deletedRows,
      Map<String, String> partitionValues) {}

  /** The add action of a scan file row. */
  public static AddFileInfo addFile(Row scanFileRow) {
    AddFile add = add(scanFileRow);
    long numRecords;
    try {
      numRecords = add.getNumRecords().orElse(-1L);
    } catch (RuntimeException e) {
      numRecords = -1;
    }
    return new AddFileInfo(
        add.getPath(),
        add.getSize(),
        numRecords,
        add.getDeletionVector().map(DeletionVectorDescriptor::getUniqueId).orElse(null),
        add.getDeletionVector().map(DeletionVectorDescriptor::getCardinality).orElse(0L),
        InternalScanFileUtils.getPartitionValues(scanFileRow));
  }

  /**
   * The log action (a single-action row) that removes the file of this scan file row.
   *
   * @param dataChange whether the removal changes the table's data (false for a compaction)
   * @param deletionTimestamp when the file was removed, in epoch milliseconds
   */
  public static Row removeAction(Row scanFileRow, boolean dataChange, long deletionTimestamp) {
    return SingleAction.createRemoveFileSingleAction(
        add(scanFileRow).toRemoveFileRow(dataChange, Optional.of(deletionTimestamp)));
  }

  /** The file of a scan file row, to hand the Parquet handler. */
  public static FileStatus fileStatus(Row scanFileRow) {
    return InternalScanFileUtils.getAddFileStatus(scanFileRow);
  }

  /** The physical schema a scan reads its data files with. */
  public static StructType physicalDataReadSchema(Row scanState) {
    return ScanStateRow.getPhysicalDataReadSchema(scanState);
  }

  /** A struct value of this type, its fields' values by ordinal (missing ones null). */
  public static Row struct(StructType type, Map<Integer, Object> values) {
    return new GenericRow(type, values);
  }

  /** The table's id from the snapshot's metadata. */
  public static String tableId(Snapshot snapshot) {
    return snapshot.getMetadata().getId();
  }

  /** A column vector of this type over values in memory (one per row, null for a null). */
  public static ColumnVector vector(DataType type, Object[] values) {
    return DefaultGenericVector.fromArray(type, values);
  }

  /** A columnar batch of {@code size} rows of this schema, one vector per field. */
  public static ColumnarBatch batch(int size, StructType schema, ColumnVector[] columns) {
    return new DefaultColumnarBatch(size, schema, columns);
  }

  private static AddFile add(Row scanFileRow) {
    return new AddFile(scanFileRow.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL));
  }
}
