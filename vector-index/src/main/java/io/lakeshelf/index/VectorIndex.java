package io.lakeshelf.index;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.codecs.KnnVectorsFormat;
import io.lakeshelf.index.filter.FilterException;
import io.lakeshelf.index.filter.FilterField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import io.lakeshelf.index.filter.FilterCompiler;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index of one named vector of one content table, derived from the table and kept in
 * step with it: HNSW over the vector, BM25 over title and text, and the filterable fields.
 *
 * <h2>On-disk layout</h2>
 *
 * A plain Lucene index (the default codec; the vector field's format is Lucene's HNSW format or, per
 * {@link IndexOptions#quantization()}, its scalar-quantized HNSW format, both found by name when
 * read) in its own directory, with two kinds of documents:
 *
 * <ul>
 *   <li><b>row</b>: one per live table row (with a non-null id). {@code id} (string, indexed and
 *       stored), {@code file} (the data file's path as the Delta log names it, indexed and stored),
 *       {@code row} (the row's index within that file: a long point, stored) and {@code vector}
 *       (an HNSW vector field, present when the row has a usable vector; for cosine the vector is
 *       normalized and compared by dot product), {@code title} and {@code text} (analyzed, not
 *       stored: rows are joined back from the table) and {@code f.<name>} per filterable field
 *       (keyword, long or double, with doc values; see {@link io.lakeshelf.index.filter.FieldType}).
 *   <li><b>file</b>: one per indexed data file. {@code kind=file}, {@code marker} (the path,
 *       indexed and stored), {@code file} (the path, so that deleting a file's rows deletes its
 *       marker too), {@code dv} (stored: the key of the deletion vector applied, empty if none)
 *       and {@code noId} (numeric doc values, present when not zero: the file's live rows with a
 *       null id, which have no row document).
 * </ul>
 *
 * Ids are the id column's values as text ({@link io.lakeshelf.content.rows.JsonValues#text}): a
 * string as it is, an integer as its decimal digits. {@link #skippedRows} counts the row documents
 * without a vector plus the markers' {@code noId}: exact whatever statistics the log holds.
 *
 * Each Lucene commit carries the {@link IndexManifest} in its user data, so the table version an
 * index reflects changes atomically with its content. A process killed at any moment leaves the
 * last commit intact; on open the index resumes from it and {@link #syncTo} catches up with the
 * table. An index that is missing, unreadable, of another format or built for another vector
 * specification is discarded and rebuilt from the table.
 *
 * <h2>Sync</h2>
 *
 * {@link #syncTo} compares the table's live files (with their deletion vectors) against the files
 * the index holds: rows of files no longer live are deleted, rows newly masked by a deletion
 * vector are deleted, and new files are read and indexed. A table with a new table id (replaced
 * under the same location) is indexed from scratch.
 *
 * <p>Writes (syncs) are serialized; searches run concurrently against the last published reader,
 * which always pairs with the table version it reflects.
 */
public final class VectorIndex implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(VectorIndex.class);

  static final String F_ID = "id";
  static final String F_FILE = "file";
  static final String F_ROW = "row";
  static final String F_VECTOR = "vector";
  static final String F_KIND = "kind";
  static final String F_MARKER = "marker";
  static final String F_DV = "dv";
  static final String KIND_FILE = "file";
  static final String F_TITLE = "title";
  static final String F_TEXT = "text";
  static final String F_NO_ID = "noId";

  private final Path path;
  private final VectorSpec spec;
  private final IndexOptions options;
  private final Directory directory;
  private final Object writeLock = new Object();
  private IndexWriter writer;
  private Map<String, String> indexedFiles;
  private volatile IndexManifest manifest;
  private volatile Generation current;
  private volatile boolean closed;
  private final org.apache.lucene.analysis.Analyzer queryAnalyzer;
  /** The vector format, when not the one {@code options} choose (set before the writer opens). */
  private KnnVectorsFormat vectorFormat;

  private record Generation(DirectoryReader reader, IndexManifest manifest, long rows, long skipped) {}

  private VectorIndex(Path path, VectorSpec spec, IndexOptions options, Directory directory) {
    this.path = path;
    this.spec = spec;
    this.options = options;
    this.directory = directory;
    this.queryAnalyzer = options.analysis().analyzer();
  }

  /**
   * Opens the index in {@code dir} for {@code spec}, creating an empty one (reflecting no table
   * version) where none is usable.
   */
  public static VectorIndex open(Path dir, VectorSpec spec) throws IOException {
    return open(dir, spec, IndexOptions.DEFAULT);
  }

  /**
   * Opens the index in {@code dir} for {@code spec} built with {@code options}; an index built for
   * another spec or with other options is discarded and rebuilt from the table.
   */
  public static VectorIndex open(Path dir, VectorSpec spec, IndexOptions options) throws IOException {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    VectorIndex index = new VectorIndex(dir, spec, options, directory);
    try {
      index.openWriter();
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
    return index;
  }

  /**
   * An index held in memory only, for one search over an older table version (time travel): sync
   * it to that version's snapshot, search it, close it. Costs a read of the whole snapshot.
   */
  public static VectorIndex inMemory(VectorSpec spec, IndexOptions options) throws IOException {
    VectorIndex index = new VectorIndex(Path.of("memory:" + spec.name()), spec, options,
        new org.apache.lucene.store.ByteBuffersDirectory());
    index.openWriter();
    return index;
  }

  /**
   * An index held in memory only, for exact searches ({@link IndexQuery#exactly()}) over an older
   * table version: like {@link #inMemory}, but its vectors are stored as full-precision floats
   * without an HNSW graph (exact search never walks one, and building it is most of the cost of
   * indexing), whatever {@code options} say about quantization. Searches that are not exact find
   * nothing by vector in it.
   */
  public static VectorIndex inMemoryExact(VectorSpec spec, IndexOptions options) throws IOException {
    VectorIndex index = new VectorIndex(Path.of("memory:" + spec.name()), spec, options,
        new org.apache.lucene.store.ByteBuffersDirectory());
    index.vectorFormat = Quantization.flatFormat();
    index.openWriter();
    return index;
  }

  /** The bytes the index's files take: for an in-memory index, the heap it holds. */
  public long sizeInBytes() throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      long bytes = 0;
      for (String file : directory.listAll()) {
        try {
          bytes += directory.fileLength(file);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
          // deleted by a merge meanwhile
        }
      }
      return bytes;
    }
  }

  private void openWriter() throws IOException {
    Optional<IndexManifest> existing = readUsableManifest();
    if (existing.isEmpty()) {
      discardFiles();
    }
    IndexWriterConfig config = new IndexWriterConfig(options.analysis().analyzer());
    KnnVectorsFormat vectorFormat = this.vectorFormat != null ? this.vectorFormat : options.quantization().format();
    config.setCodec(new org.apache.lucene.codecs.lucene104.Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectorFormat;
      }
    });
    config.setCommitOnClose(false);
    config.setRAMBufferSizeMB(64);
    TieredMergePolicy merges = new TieredMergePolicy();
    config.setMergePolicy(merges);
    config.setOpenMode(
        existing.isPresent() ? IndexWriterConfig.OpenMode.APPEND : IndexWriterConfig.OpenMode.CREATE);
    writer = new IndexWriter(directory, config);
    IndexManifest m = existing.orElseGet(() -> IndexManifest.empty(spec, options));
    if (existing.isEmpty()) {
      writer.setLiveCommitData(m.toCommitData().entrySet());
      writer.commit();
    }
    manifest = m;
    DirectoryReader reader = DirectoryReader.open(writer);
    indexedFiles = loadMarkers(reader);
    current = new Generation(reader, m, countRows(reader), countSkipped(reader));
    log.info(
        "Opened index {} at table version {} ({} rows, {} files)",
        path,
        m.tableVersion(),
        current.rows(),
        indexedFiles.size());
  }

  /** The manifest of the last commit, if the index is readable and was built for this spec. */
  private Optional<IndexManifest> readUsableManifest() {
    try {
      List<IndexCommit> commits = DirectoryReader.listCommits(directory);
      IndexCommit last = commits.get(commits.size() - 1);
      Optional<IndexManifest> m = IndexManifest.fromCommitData(last.getUserData());
      if (m.isEmpty()) {
        log.warn("Index {} has no Lakeshelf manifest of format {}: rebuilding", path, IndexManifest.FORMAT);
        return Optional.empty();
      }
      if (!m.get().vector().equals(spec)) {
        log.warn("Index {} was built for {}, now {}: rebuilding", path, m.get().vector(), spec);
        return Optional.empty();
      }
      if (!m.get().options().equals(options)) {
        log.warn("Index {} was built with {}, now {}: rebuilding", path, m.get().options(), options);
        return Optional.empty();
      }
      try (DirectoryReader reader = DirectoryReader.open(last)) {
        for (LeafReaderContext leaf : reader.leaves()) {
          leaf.reader().checkIntegrity();
        }
      }
      return m;
    } catch (IndexNotFoundException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("Index {} is unreadable ({}): rebuilding from the table", path, e.toString());
      return Optional.empty();
    }
  }

  /** Deletes every file of an unusable index, so that a new one starts from nothing. */
  private void discardFiles() throws IOException {
    for (String file : directory.listAll()) {
      if (!file.equals(IndexWriter.WRITE_LOCK_NAME)) {
        directory.deleteFile(file);
      }
    }
  }

  private static Map<String, String> loadMarkers(DirectoryReader reader) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    Map<String, String> files = new HashMap<>();
    int n = Math.max(1, searcher.count(new TermQuery(new Term(F_KIND, KIND_FILE))));
    TopDocs docs = searcher.search(new TermQuery(new Term(F_KIND, KIND_FILE)), n);
    StoredFields stored = reader.storedFields();
    for (ScoreDoc sd : docs.scoreDocs) {
      Document d = stored.document(sd.doc);
      files.put(d.get(F_MARKER), d.get(F_DV));
    }
    return files;
  }

  private static long countRows(DirectoryReader reader) throws IOException {
    return new IndexSearcher(reader).count(new FieldExistsQuery(F_VECTOR));
  }

  /**
   * Live rows not searchable by vector: row documents without a vector, plus the rows with a null
   * id that each file marker counts ({@code noId}).
   */
  private static long countSkipped(DirectoryReader reader) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    long skipped = searcher.count(ALL_ROWS) - searcher.count(new FieldExistsQuery(F_VECTOR));
    for (LeafReaderContext leaf : reader.leaves()) {
      org.apache.lucene.index.NumericDocValues noIds = leaf.reader().getNumericDocValues(F_NO_ID);
      if (noIds == null) {
        continue;
      }
      org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
      for (int doc = noIds.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
          doc = noIds.nextDoc()) {
        if (live == null || live.get(doc)) {
          skipped += noIds.longValue();
        }
      }
    }
    return skipped;
  }

  public VectorSpec spec() {
    return spec;
  }

  public IndexOptions options() {
    return options;
  }

  public Path path() {
    return path;
  }

  /** What the last published state reflects. */
  public IndexManifest manifest() {
    return current.manifest();
  }

  public TableVersion version() {
    return current.manifest().tableVersion();
  }

  /** Rows the last published state holds. */
  public long rowCount() {
    return current.rows();
  }

  /**
   * Live rows of the table version the last published state reflects that it cannot find by
   * vector: rows whose vector is null (or has a null or non-finite element, or is all zeros for
   * cosine), and rows with a null id. Counted from the index itself, so exact with or without row
   * statistics in the table's log, and the same after a restart or any number of syncs.
   */
  public long skippedRows() {
    return current.skipped();
  }

  /**
   * Brings the index up to {@code snapshot}: indexes new files, drops removed files and rows
   * masked by deletion vectors, commits with the new manifest and publishes the result.
   *
   * @param executor runs the reads of new files, several at a time
   */
  public SyncResult syncTo(
      TableSnapshot snapshot, ContentColumns columns, Executor executor, SyncProgress progress)
      throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      IndexManifest before = manifest;
      if (before.tableVersion().equals(snapshot.version())
          && before.tableId().equals(snapshot.tableId())) {
        return new SyncResult(before.tableVersion(), before.tableVersion(), 0, 0, 0, 0, false);
      }
      reopenWriterIfClosed();
      try {
        return applySync(snapshot, columns, executor, progress, before);
      } catch (IOException | RuntimeException e) {
        recover(e);
        throw e;
      }
    }
  }

  private SyncResult applySync(
      TableSnapshot snapshot,
      ContentColumns columns,
      Executor executor,
      SyncProgress progress,
      IndexManifest before)
      throws IOException {
    boolean rebuild = !before.tableId().isEmpty() && !before.tableId().equals(snapshot.tableId());
    List<FilterField> filterFields;
    try {
      filterFields = List.copyOf(
          FilterField.resolve(options.filterable(), snapshot.schema(), columns.metadata()).values());
    } catch (FilterException e) {
      throw new TableUnreadableException("cannot filter on the table: " + e.getMessage());
    }
    if (!before.tableVersion().isNone() && !filterFields.equals(before.filterFields())) {
      log.warn("Filterable fields of {} changed type or column: rebuilding index {}", snapshot.location(), path);
      rebuild = true;
    }
    Map<String, String> files = new HashMap<>(indexedFiles);
    if (rebuild) {
      log.warn(
          "Table {} was replaced (id {} -> {}): rebuilding index {}",
          snapshot.location(),
          before.tableId(),
          snapshot.tableId(),
          path);
      writer.deleteAll();
      files.clear();
    }
    Map<String, LiveFile> live = snapshot.liveFiles();
    List<String> removed = new ArrayList<>();
    for (String file : files.keySet()) {
      if (!live.containsKey(file)) {
        removed.add(file);
      }
    }
    for (String file : removed) {
      writer.deleteDocuments(new Term(F_FILE, file));
      files.remove(file);
    }
    List<LiveFile> added = new ArrayList<>();
    for (LiveFile file : live.values()) {
      if (!files.containsKey(file.path())) {
        added.add(file);
      } else if (!Objects.equals(emptyToNull(files.get(file.path())), file.deletionVectorKey())) {
        long noIds = deleteMaskedRows(snapshot, file, columns);
        writer.updateDocument(new Term(F_MARKER, file.path()), marker(file, noIds));
        files.put(file.path(), dvKey(file));
      }
    }
    AtomicLong rowsAdded = new AtomicLong();
    AtomicLong rowsSkipped = new AtomicLong();
    AtomicInteger filesDone = new AtomicInteger();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (LiveFile file : added) {
      reads.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  indexFile(snapshot, file, columns, filterFields, rowsAdded, rowsSkipped);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                progress.update(
                    filesDone.incrementAndGet(), added.size(), rowsAdded.get() + rowsSkipped.get());
              },
              executor));
    }
    try {
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    for (LiveFile file : added) {
      files.put(file.path(), dvKey(file));
    }
    IndexManifest after = before.at(snapshot.version(), snapshot.tableId(), filterFields);
    writer.setLiveCommitData(after.toCommitData().entrySet());
    writer.commit();
    manifest = after;
    indexedFiles = files;
    publish(after);
    SyncResult result =
        new SyncResult(
            before.tableVersion(),
            after.tableVersion(),
            added.size(),
            removed.size(),
            rowsAdded.get(),
            rowsSkipped.get(),
            rebuild || before.tableVersion().isNone());
    if (rowsSkipped.get() > 0) {
      log.info("Index {}: skipped {} rows with no {} vector", path, rowsSkipped.get(), spec.name());
    }
    return result;
  }

  private void indexFile(
      TableSnapshot snapshot,
      LiveFile file,
      ContentColumns columns,
      List<FilterField> filterFields,
      AtomicLong rowsAdded,
      AtomicLong rowsSkipped)
      throws IOException {
    List<String> read = new ArrayList<>(List.of(columns.id(), spec.column()));
    int title = addColumn(read, columns.title(), snapshot);
    int text = addColumn(read, columns.text(), snapshot);
    int[] filterColumn = new int[filterFields.size()];
    for (int f = 0; f < filterFields.size(); f++) {
      filterColumn[f] = addColumn(read, filterFields.get(f).column(), snapshot);
    }
    int rowIndex = read.size();
    List<Document> docs = new ArrayList<>();
    long[] noIds = {0};
    snapshot.readRows(
        file,
        read,
        batch -> {
          ColumnarBatch data = batch.getData();
          ColumnVector ids = data.getColumnVector(0);
          ColumnVector vectors = data.getColumnVector(1);
          ColumnVector rows = data.getColumnVector(rowIndex);
          for (int i = 0; i < data.getSize(); i++) {
            if (!selected(batch, i)) {
              continue;
            }
            if (ids.isNullAt(i)) {
              noIds[0]++;
              continue;
            }
            long row = rows.getLong(i);
            float[] vector = vectors.isNullAt(i) ? null : toFloats(vectors.getArray(i), file, row);
            if (vector == null) {
              rowsSkipped.incrementAndGet();
            }
            // ids of an integer column are their decimal digits, as the join renders them
            Document d = rowDocument(io.lakeshelf.content.rows.JsonValues.text(ids, i), file.path(), row, vector);
            addText(d, F_TITLE, data, title, i);
            addText(d, F_TEXT, data, text, i);
            for (int f = 0; f < filterFields.size(); f++) {
              FilterValues.add(d, filterFields.get(f), data.getColumnVector(filterColumn[f]), i);
            }
            docs.add(d);
          }
        });
    for (Document d : docs) {
      writer.addDocument(d);
    }
    writer.addDocument(marker(file, noIds[0]));
    rowsAdded.addAndGet(docs.size());
    rowsSkipped.addAndGet(noIds[0]);
  }

  /** Adds a column to read if the table has it; answers its position, or -1. */
  private static int addColumn(List<String> read, String column, TableSnapshot snapshot) {
    if (column == null || snapshot.schema().indexOf(column) < 0) {
      return -1;
    }
    int at = read.indexOf(column);
    if (at >= 0) {
      return at;
    }
    read.add(column);
    return read.size() - 1;
  }

  private static void addText(Document d, String field, ColumnarBatch data, int column, int i) {
    if (column < 0) {
      return;
    }
    ColumnVector v = data.getColumnVector(column);
    if (!v.isNullAt(i) && v.getDataType() instanceof io.delta.kernel.types.StringType) {
      d.add(new TextField(field, v.getString(i), Field.Store.NO));
    }
  }

  private float[] toFloats(ArrayValue array, LiveFile file, long row) {
    if (array.getSize() != spec.dimensions()) {
      throw new TableUnreadableException(
          "column '"
              + spec.column()
              + "' holds a vector of "
              + array.getSize()
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
    ColumnVector elements = array.getElements();
    boolean doubles = elements.getDataType() instanceof io.delta.kernel.types.DoubleType;
    float[] v = new float[array.getSize()];
    for (int j = 0; j < v.length; j++) {
      if (elements.isNullAt(j)) {
        return null;
      }
      v[j] = doubles ? (float) elements.getDouble(j) : elements.getFloat(j);
      if (!Float.isFinite(v[j])) {
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

  /** Deletes the rows a file's new deletion vector masks; answers its live rows with a null id. */
  private long deleteMaskedRows(TableSnapshot snapshot, LiveFile file, ContentColumns columns)
      throws IOException {
    List<Long> masked = new ArrayList<>();
    long[] noIds = {0};
    snapshot.readRows(
        file,
        List.of(columns.id()),
        batch -> {
          ColumnVector ids = batch.getData().getColumnVector(0);
          ColumnVector rows = batch.getData().getColumnVector(1);
          for (int i = 0; i < batch.getData().getSize(); i++) {
            if (!selected(batch, i)) {
              masked.add(rows.getLong(i));
            } else if (ids.isNullAt(i)) {
              noIds[0]++;
            }
          }
        });
    if (masked.isEmpty()) {
      return noIds[0];
    }
    long[] rows = masked.stream().mapToLong(Long::longValue).toArray();
    writer.deleteDocuments(
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(F_FILE, file.path())), BooleanClause.Occur.FILTER)
            .add(LongPoint.newSetQuery(F_ROW, rows), BooleanClause.Occur.FILTER)
            .build());
    return noIds[0];
  }

  private static boolean selected(FilteredColumnarBatch batch, int i) {
    return batch.getSelectionVector().isEmpty()
        || (!batch.getSelectionVector().get().isNullAt(i)
            && batch.getSelectionVector().get().getBoolean(i));
  }

  private Document rowDocument(String id, String file, long row, float[] vector) {
    Document d = new Document();
    d.add(new StringField(F_ID, id, Field.Store.YES));
    d.add(new StringField(F_FILE, file, Field.Store.YES));
    d.add(new LongField(F_ROW, row, Field.Store.YES));
    if (vector != null) {
      d.add(new KnnFloatVectorField(F_VECTOR, vector, luceneSimilarity(spec.similarity())));
    }
    return d;
  }

  private static Document marker(LiveFile file, long noIds) {
    Document d = new Document();
    if (noIds > 0) {
      d.add(new org.apache.lucene.document.NumericDocValuesField(F_NO_ID, noIds));
    }
    d.add(new StringField(F_KIND, KIND_FILE, Field.Store.NO));
    d.add(new StringField(F_MARKER, file.path(), Field.Store.YES));
    d.add(new StringField(F_FILE, file.path(), Field.Store.NO));
    d.add(new StoredField(F_DV, dvKey(file)));
    return d;
  }

  private static String dvKey(LiveFile file) {
    return file.deletionVectorKey() == null ? "" : file.deletionVectorKey();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * How much a word the analyzer split into parts (a product code such as {@code XR-4471}) weighs
   * when its parts appear together, over the parts alone: a document that holds the code beats one
   * that mentions {@code XR} and {@code 4471} apart.
   */
  static final float PHRASE_BOOST = 3.0f;

  /** Every row document (file markers have no row field). */
  static final Query ALL_ROWS = new FieldExistsQuery(F_ROW);

  /**
   * Reciprocal rank fusion: each row scores {@code Σ 1/(RRF_K + rank)} over the lists that hold
   * it (ranks from 1). Equal scores mean the lists disagree (one row first in one, another first
   * in the other): the keyword list's order decides, as exact terms are the more specific evidence,
   * then the smaller id, so the order is deterministic.
   */
  static List<SearchHit> fuse(List<SearchHit> vector, List<SearchHit> keyword, int k, float minScore) {
    Map<RowLocator, Float> scores = new HashMap<>();
    Map<RowLocator, SearchHit> hits = new HashMap<>();
    Map<RowLocator, Integer> keywordRank = new HashMap<>();
    for (int rank = 1; rank <= keyword.size(); rank++) {
      keywordRank.putIfAbsent(keyword.get(rank - 1).locator(), rank);
    }
    for (List<SearchHit> list : List.of(vector, keyword)) {
      for (int rank = 1; rank <= list.size(); rank++) {
        SearchHit h = list.get(rank - 1);
        scores.merge(h.locator(), 1f / (IndexQuery.RRF_K + rank), Float::sum);
        hits.putIfAbsent(h.locator(), h);
      }
    }
    return scores.entrySet().stream()
        .filter(e -> e.getValue() >= minScore)
        .sorted(java.util.Map.Entry.<RowLocator, Float>comparingByValue().reversed()
            .thenComparing(e -> keywordRank.getOrDefault(e.getKey(), Integer.MAX_VALUE))
            .thenComparing(e -> hits.get(e.getKey()).id()))
        .limit(k)
        .map(e -> new SearchHit(hits.get(e.getKey()).id(), e.getValue(), e.getKey()))
        .toList();
  }

  static VectorSimilarityFunction luceneSimilarity(Similarity similarity) {
    return switch (similarity) {
      // Vectors are normalized on the way in, so the dot product is the cosine.
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
      case DOT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
    };
  }

  private void publish(IndexManifest m) throws IOException {
    Generation old = current;
    DirectoryReader fresh = DirectoryReader.openIfChanged(old.reader(), writer);
    if (fresh == null) {
      old.reader().incRef();
      fresh = old.reader();
    }
    current = new Generation(fresh, m, countRows(fresh), countSkipped(fresh));
    old.reader().decRef();
  }

  /**
   * After a failed sync: drop what it added and go back to the last commit. The writer is opened
   * again on that commit; when that fails too (the disk is still full, say), the index keeps
   * serving its last published state and the next sync opens the writer first.
   */
  private void recover(Exception cause) {
    log.warn("Sync of index {} failed; rolling back to version {}", path, manifest.tableVersion(), cause);
    try {
      writer.rollback();
    } catch (IOException e) {
      log.warn("Rollback of index {} failed", path, e);
    }
    try {
      reopenWriterIfClosed();
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot reopen the writer of index {} yet ({}); the next sync tries again", path, e.toString());
    }
  }

  /** Opens the writer again on the last commit if a failure (a rollback, a tragic event) closed it. */
  private void reopenWriterIfClosed() throws IOException {
    if (writer.isOpen()) {
      return;
    }
    Generation old = current;
    openWriter();
    if (current != old) {
      old.reader().decRef();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index " + path + " is closed");
    }
  }

  /** A view of the last published state; close it when done. */
  public View acquire() {
    while (true) {
      ensureOpen();
      Generation g = current;
      if (g.reader().tryIncRef()) {
        return new View(g);
      }
    }
  }

  /** Like {@link #acquire}, but null once the index is closed (replaced by a reindex, say). */
  public View tryAcquire() {
    while (!closed) {
      Generation g = current;
      if (g.reader().tryIncRef()) {
        return new View(g);
      }
    }
    return null;
  }

  /** A {@link RowFinder} over this index; it refuses versions the index does not reflect. */
  public RowFinder rowFinder() {
    return (ids, version) -> {
      try (View view = acquire()) {
        if (!view.version().equals(version)) {
          throw new IllegalStateException(
              "index " + path + " reflects version " + view.version() + ", not " + version);
        }
        return view.find(ids);
      }
    };
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        writer.close();
        queryAnalyzer.close();
      } finally {
        current.reader().decRef();
        directory.close();
      }
    }
  }

  /** One consistent state of the index: searches and lookups against one table version. */
  public final class View implements AutoCloseable {
    private final Generation generation;
    private final IndexSearcher searcher;
    private boolean released;

    private View(Generation generation) {
      this.generation = generation;
      this.searcher = new IndexSearcher(generation.reader());
    }

    public TableVersion version() {
      return generation.manifest().tableVersion();
    }

    public long rowCount() {
      return generation.rows();
    }

    /** The nearest rows to the query, best first. */
    public List<SearchHit> search(VectorQuery query) throws IOException {
      return search(new IndexQuery(SearchMode.VECTOR, query.vector(), null, null, query.k(), query.candidates(),
          query.minScore(), false, IndexQuery.DEFAULT_MAX_FILTER_DEPTH));
    }

    /**
     * A search of any mode, with an optional filter: see {@link SearchMode} for how each ranks and
     * scores. A filter restricts the HNSW walk itself (Lucene falls back to exact scoring of the
     * matching rows when the filter is selective), so a filter that matches few rows still yields
     * the {@code k} best of those rows. On a quantized index, vector candidates are oversampled and
     * rescored with the full-precision vectors.
     *
     * @throws io.lakeshelf.index.filter.FilterException for a filter on a field that is not
     *     filterable, or a malformed one
     */
    public List<SearchHit> search(IndexQuery query) throws IOException {
      Query filter = query.filter() == null
          ? null
          : new FilterCompiler(generation.manifest().filterFieldsByName(), ALL_ROWS)
              .compile(query.filter(), query.maxFilterDepth());
      return switch (query.mode()) {
        case VECTOR -> vectorHits(query.vector(), filter, query.k(), query.candidates(), query.exact(), query.minScore());
        case KEYWORD -> keywordHits(query.text(), filter, query.k(), query.minScore());
        case HYBRID -> fuse(
            vectorHits(query.vector(), filter, query.candidates(), query.candidates(), query.exact(), Float.NEGATIVE_INFINITY),
            keywordHits(query.text(), filter, query.candidates(), Float.NEGATIVE_INFINITY),
            query.k(), query.minScore());
      };
    }

    private List<SearchHit> vectorHits(
        float[] vector, Query filter, int n, int candidates, boolean exact, float minScore) throws IOException {
      spec.check(vector);
      float[] target = vector;
      if (spec.similarity() == Similarity.COSINE) {
        target = target.clone();
        if (!VectorMath.normalizeInPlace(target)) {
          throw new IndexException(IndexException.Reason.INVALID_QUERY, "a cosine query vector must not be all zeros");
        }
      }
      TopDocs top;
      if (exact) {
        top = exactTop(target, filter, n);
      } else {
        int explore = Math.max(candidates, n * options.quantization().oversample());
        Query knn = new KnnFloatVectorQuery(F_VECTOR, target, explore, filter);
        if (options.quantization() != Quantization.NONE) {
          // Find the candidates first: Lucene's rescoring fails on an empty candidate list (no
          // vectors, or none the filter allows), which the search rewrites to MatchNoDocsQuery.
          knn = searcher.rewrite(knn);
          if (!(knn instanceof MatchNoDocsQuery)) {
            knn = RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, target, F_VECTOR, n);
          }
        }
        top = searcher.search(knn, n);
      }
      StoredFields stored = generation.reader().storedFields();
      List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        float score = VectorMath.toSimilarity(spec.similarity(), sd.score);
        if (score < minScore) {
          continue;
        }
        Document d = stored.document(sd.doc);
        hits.add(new SearchHit(d.get(F_ID), score, locator(d)));
      }
      return hits;
    }

    /** Brute force: every (matching) row's full-precision vector scored against the target. */
    private TopDocs exactTop(float[] target, Query filter, int n) throws IOException {
      VectorSimilarityFunction similarity = luceneSimilarity(spec.similarity());
      java.util.PriorityQueue<ScoreDoc> best = new java.util.PriorityQueue<>(
          java.util.Comparator.<ScoreDoc>comparingDouble(sd -> sd.score).thenComparing(sd -> -sd.doc));
      org.apache.lucene.search.Weight weight = filter == null ? null : searcher.createWeight(
          searcher.rewrite(filter), org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES, 1);
      for (LeafReaderContext leaf : generation.reader().leaves()) {
        org.apache.lucene.index.FloatVectorValues values = leaf.reader().getFloatVectorValues(F_VECTOR);
        if (values == null) {
          continue;
        }
        org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
        org.apache.lucene.util.FixedBitSet allowed = null;
        if (weight != null) {
          allowed = new org.apache.lucene.util.FixedBitSet(leaf.reader().maxDoc());
          org.apache.lucene.search.Scorer scorer = weight.scorer(leaf);
          if (scorer == null) {
            continue;
          }
          allowed.or(scorer.iterator());
        }
        org.apache.lucene.index.KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int doc = it.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if ((live != null && !live.get(doc)) || (allowed != null && !allowed.get(doc))) {
            continue;
          }
          float score = similarity.compare(target, values.vectorValue(it.index()));
          best.add(new ScoreDoc(leaf.docBase + doc, score));
          if (best.size() > n) {
            best.poll();
          }
        }
      }
      ScoreDoc[] out = new ScoreDoc[best.size()];
      for (int i = out.length - 1; i >= 0; i--) {
        out[i] = best.poll();
      }
      return new TopDocs(new org.apache.lucene.search.TotalHits(out.length,
          org.apache.lucene.search.TotalHits.Relation.EQUAL_TO), out);
    }

    /** BM25 over title and text; the text is analyzed, never parsed, so any text is a valid query. */
    private List<SearchHit> keywordHits(String text, Query filter, int n, float minScore) throws IOException {
      java.util.LinkedHashSet<String> terms = new java.util.LinkedHashSet<>();
      // words the analyzer splits (XR-4471 -> xr, 4471): their parts, adjacent, as a phrase
      List<List<String>> phrases = new ArrayList<>();
      try (org.apache.lucene.analysis.TokenStream tokens = queryAnalyzer.tokenStream(F_TEXT, text)) {
        org.apache.lucene.analysis.tokenattributes.CharTermAttribute term =
            tokens.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
        org.apache.lucene.analysis.tokenattributes.OffsetAttribute offset =
            tokens.addAttribute(org.apache.lucene.analysis.tokenattributes.OffsetAttribute.class);
        tokens.reset();
        List<String> word = new ArrayList<>();
        int wordEnd = -1;
        while (tokens.incrementToken() && terms.size() < 1024) {
          String t = term.toString();
          terms.add(t);
          boolean joined = wordEnd >= 0 && offset.startOffset() > wordEnd
              && text.substring(wordEnd, offset.startOffset()).chars().noneMatch(Character::isWhitespace);
          if (!joined) {
            if (word.size() > 1 && phrases.size() < 16) {
              phrases.add(word);
            }
            word = new ArrayList<>();
          }
          word.add(t);
          wordEnd = offset.endOffset();
        }
        if (word.size() > 1 && phrases.size() < 16) {
          phrases.add(word);
        }
        tokens.end();
      }
      if (terms.isEmpty()) {
        return List.of();
      }
      BooleanQuery.Builder match = new BooleanQuery.Builder();
      for (String t : terms) {
        match.add(new TermQuery(new Term(F_TEXT, t)), BooleanClause.Occur.SHOULD);
        match.add(new org.apache.lucene.search.BoostQuery(new TermQuery(new Term(F_TITLE, t)), IndexQuery.TITLE_BOOST),
            BooleanClause.Occur.SHOULD);
      }
      for (List<String> phrase : phrases) {
        for (String field : List.of(F_TEXT, F_TITLE)) {
          match.add(new org.apache.lucene.search.BoostQuery(
              new org.apache.lucene.search.PhraseQuery(field, phrase.toArray(String[]::new)), PHRASE_BOOST),
              BooleanClause.Occur.SHOULD);
        }
      }
      Query q = match.build();
      if (filter != null) {
        q = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
      }
      TopDocs top = searcher.search(q, n);
      StoredFields stored = generation.reader().storedFields();
      List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        if (sd.score < minScore) {
          continue;
        }
        Document d = stored.document(sd.doc);
        hits.add(new SearchHit(d.get(F_ID), sd.score, locator(d)));
      }
      return hits;
    }

    /** The ids of every row a filter matches (delete by filter), at most {@code limit}. */
    public List<String> matching(io.lakeshelf.index.filter.Filter filter, int maxDepth, int limit) throws IOException {
      Query q = new FilterCompiler(generation.manifest().filterFieldsByName(), ALL_ROWS).compile(filter, maxDepth);
      TopDocs top = searcher.search(q, Math.max(1, limit));
      StoredFields stored = generation.reader().storedFields();
      List<String> ids = new ArrayList<>();
      for (ScoreDoc sd : top.scoreDocs) {
        ids.add(stored.document(sd.doc).get(F_ID));
      }
      return ids;
    }

    /** Where the live rows with these ids are; absent ids are left out. */
    /** Every indexed row of each of these ids (more than one only in a table another writer made). */
    public Map<String, List<RowLocator>> find(Collection<String> ids) throws IOException {
      if (ids.isEmpty()) {
        return Map.of();
      }
      List<BytesRef> terms = ids.stream().map(BytesRef::new).toList();
      Query byId = new TermInSetQuery(F_ID, terms);
      TopDocs docs = searcher.search(byId, Math.max(1, searcher.count(byId)));
      StoredFields stored = generation.reader().storedFields();
      Map<String, List<RowLocator>> found = new HashMap<>();
      for (ScoreDoc sd : docs.scoreDocs) {
        Document d = stored.document(sd.doc);
        found.computeIfAbsent(d.get(F_ID), k -> new java.util.ArrayList<>()).add(locator(d));
      }
      return found;
    }

    private RowLocator locator(Document d) {
      return new RowLocator(d.get(F_FILE), d.getField(F_ROW).numericValue().longValue());
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        try {
          generation.reader().decRef();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
