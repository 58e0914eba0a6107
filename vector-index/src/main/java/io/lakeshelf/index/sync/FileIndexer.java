package io.lakeshelf.index.sync;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.scan.FileRows;
import io.lakeshelf.content.scan.RowColumns;
import io.lakeshelf.content.scan.TableColumns;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.TableUnreadableException;
import io.lakeshelf.index.VectorMath;
import io.lakeshelf.index.filter.FieldType;
import io.lakeshelf.index.filter.FilterField;
import io.lakeshelf.index.schema.FilterValues;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;

/**
 * Writes the documents of one data file: its rows and its marker when the file is new, or the
 * deletion of its newly masked rows when its deletion vector changed. Thread-safe (files are read
 * several at a time): it holds nothing but its settings.
 */
final class FileIndexer {

  private final IndexWriter writer;
  private final VectorSpec spec;
  private final TableSnapshot snapshot;
  private final ContentColumns columns;
  private final List<FilterField> filterFields;
  private final boolean readsIngestedAt;

  FileIndexer(
      IndexWriter writer,
      VectorSpec spec,
      TableSnapshot snapshot,
      ContentColumns columns,
      List<FilterField> filterFields) {
    this.writer = writer;
    this.spec = spec;
    this.snapshot = snapshot;
    this.columns = columns;
    this.filterFields = List.copyOf(filterFields);
    this.readsIngestedAt =
        columns.ingestedAt() != null && TableColumns.of(snapshot).has(columns.ingestedAt());
  }

  /**
   * Indexes a new file's live rows and writes its marker.
   *
   * @param rowsAdded counts the row documents added, once the file is read
   * @param rowsSkipped counts the live rows not searchable by vector: those without a usable vector
   *     as they are read, those with a null id once the file is read
   */
  void index(LiveFile file, AtomicLong rowsAdded, AtomicLong rowsSkipped) throws IOException {
    List<RowColumns.ValueColumn> values = new ArrayList<>(filterFields.size());
    List<FilterField> columnFields = new ArrayList<>(filterFields.size());
    String metadata = null;
    for (FilterField f : filterFields) {
      if (f.type() == FieldType.METADATA) {
        metadata = f.column();
      } else {
        values.add(new RowColumns.ValueColumn(f.column(), f.metadataKey()));
        columnFields.add(f);
      }
    }
    // the row's ingested_at, kept as doc values: the last of the value columns read
    int ingestedAt = -1;
    if (readsIngestedAt) {
      ingestedAt = values.size();
      values.add(new RowColumns.ValueColumn(columns.ingestedAt(), null));
    }
    RowColumns read =
        new RowColumns(
            columns.id(), spec.column(), columns.title(), columns.text(), values, metadata);
    // Each row goes to the writer as it is read: holding a file's rows until its end would take
    // the whole file in heap (1.5 GB for a million rows of 384 floats), per build thread.
    long added = 0;
    long noIds = 0;
    try (FileRows rows = FileRows.open(snapshot, file, read)) {
      while (rows.next()) {
        if (rows.deleted()) {
          continue;
        }
        // ids of an integer column are their decimal digits, as the join renders them
        String id = rows.id();
        if (id == null) {
          noIds++;
          continue;
        }
        long row = rows.rowIndex();
        float[] vector = usableVector(rows.vector(), file, row);
        if (vector == null) {
          rowsSkipped.incrementAndGet();
        }
        Document d = IndexSchema.rowDocument(id, file.path(), row, vector, spec.similarity());
        IndexSchema.addText(d, IndexSchema.F_TITLE, rows.title());
        IndexSchema.addText(d, IndexSchema.F_TEXT, rows.text());
        for (int f = 0; f < columnFields.size(); f++) {
          FilterValues.add(d, columnFields.get(f), rows.values(f));
        }
        FilterValues.addMetadata(d, rows.metadata());
        if (ingestedAt >= 0) {
          List<Object> t = rows.values(ingestedAt);
          if (!t.isEmpty() && t.get(0) instanceof Instant at) {
            IndexSchema.addIngestedAt(d, at);
          }
        }
        writer.addDocument(d);
        added++;
      }
    }
    writer.addDocument(IndexSchema.marker(file.path(), dvKey(file), noIds));
    rowsAdded.addAndGet(added);
    rowsSkipped.addAndGet(noIds);
  }

  /**
   * Deletes the rows a file's new deletion vector masks and writes its new marker; answers the
   * file's live rows with a null id.
   */
  long applyDeletionVector(LiveFile file) throws IOException {
    List<Long> masked = new ArrayList<>();
    long noIds = 0;
    try (FileRows rows = FileRows.open(snapshot, file, RowColumns.ids(columns.id()))) {
      while (rows.next()) {
        if (rows.deleted()) {
          masked.add(rows.rowIndex());
        } else if (rows.id() == null) {
          noIds++;
        }
      }
    }
    if (!masked.isEmpty()) {
      writer.deleteDocuments(
          IndexSchema.rowsOf(file.path(), masked.stream().mapToLong(Long::longValue).toArray()));
    }
    writer.updateDocument(
        IndexSchema.markerTerm(file.path()), IndexSchema.marker(file.path(), dvKey(file), noIds));
    return noIds;
  }

  static String dvKey(LiveFile file) {
    return file.deletionVectorKey() == null ? "" : file.deletionVectorKey();
  }

  /**
   * The vector as indexed, or null for one the index cannot search: a null element (NaN here) or a
   * non-finite one, all zeros for cosine (else normalized), or for dot a norm whose products could
   * overflow a float.
   *
   * @throws TableUnreadableException for a vector of other dimensions than the spec's
   */
  private float[] usableVector(float[] v, LiveFile file, long row) {
    if (v == null) {
      return null;
    }
    if (v.length != spec.dimensions()) {
      throw new TableUnreadableException(
          "column '"
              + spec.column()
              + "' holds a vector of "
              + v.length
              + " values at row "
              + row
              + " of "
              + file.path()
              + "; vector '"
              + spec.name()
              + "' has "
              + spec.dimensions()
              + " dimensions");
    }
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return null;
      }
    }
    if (spec.similarity() == Similarity.COSINE && !VectorMath.normalizeInPlace(v)) {
      return null;
    }
    if (spec.similarity() == Similarity.DOT && !VectorSpec.dotNormFits(v)) {
      // Its dot products could overflow a float: skipped (and counted) like a non-finite vector.
      return null;
    }
    return v;
  }
}
