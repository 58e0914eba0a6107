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
 * The Lucene HNSW index of one named vector of one content table, derived from the table and kept
 * in step with it.
 *
 * <h2>On-disk layout</h2>
 *
 * A plain Lucene index (default codec, HNSW vectors) in its own directory, with two kinds of
 * documents:
 *
 * <ul>
 *   <li><b>row</b>: one per live table row with a usable vector. {@code id} (string, indexed and
 *       stored), {@code file} (the data file's path as the Delta log names it, indexed and stored),
 *       {@code row} (the row's index within that file: a long point, stored) and {@code vector}
 *       (an HNSW vector field; for cosine the vector is normalized and compared by dot product).
 *   <li><b>file</b>: one per indexed data file. {@code kind=file}, {@code marker} (the path,
 *       indexed and stored), {@code file} (the path, so that deleting a file's rows deletes its
 *       marker too) and {@code dv} (stored: the key of the deletion vector applied, empty if none).
 * </ul>
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

  private final Path path;
  private final VectorSpec spec;
  private final Directory directory;
  private final Object writeLock = new Object();
  private IndexWriter writer;
  private Map<String, String> indexedFiles;
  private volatile IndexManifest manifest;
  private volatile Generation current;
  private volatile boolean closed;

  private record Generation(DirectoryReader reader, IndexManifest manifest, long rows) {}

  private VectorIndex(Path path, VectorSpec spec, Directory directory) {
    this.path = path;
    this.spec = spec;
    this.directory = directory;
  }

  /**
   * Opens the index in {@code dir} for {@code spec}, creating an empty one (reflecting no table
   * version) where none is usable.
   */
  public static VectorIndex open(Path dir, VectorSpec spec) throws IOException {
    Objects.requireNonNull(spec, "spec");
    Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    VectorIndex index = new VectorIndex(dir, spec, directory);
    try {
      index.openWriter();
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
    return index;
  }

  private void openWriter() throws IOException {
    Optional<IndexManifest> existing = readUsableManifest();
    if (existing.isEmpty()) {
      discardFiles();
    }
    IndexWriterConfig config = new IndexWriterConfig();
    config.setCommitOnClose(false);
    config.setRAMBufferSizeMB(64);
    TieredMergePolicy merges = new TieredMergePolicy();
    config.setMergePolicy(merges);
    config.setOpenMode(
        existing.isPresent() ? IndexWriterConfig.OpenMode.APPEND : IndexWriterConfig.OpenMode.CREATE);
    writer = new IndexWriter(directory, config);
    IndexManifest m = existing.orElseGet(() -> IndexManifest.empty(spec));
    if (existing.isEmpty()) {
      writer.setLiveCommitData(m.toCommitData().entrySet());
      writer.commit();
    }
    manifest = m;
    DirectoryReader reader = DirectoryReader.open(writer);
    indexedFiles = loadMarkers(reader);
    current = new Generation(reader, m, countRows(reader));
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

  public VectorSpec spec() {
    return spec;
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
        deleteMaskedRows(snapshot, file, columns);
        writer.updateDocument(new Term(F_MARKER, file.path()), marker(file));
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
                  indexFile(snapshot, file, columns, rowsAdded, rowsSkipped);
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
    IndexManifest after = before.at(snapshot.version(), snapshot.tableId());
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
      AtomicLong rowsAdded,
      AtomicLong rowsSkipped)
      throws IOException {
    List<Document> docs = new ArrayList<>();
    snapshot.readRows(
        file,
        List.of(columns.id(), spec.column()),
        batch -> {
          ColumnarBatch data = batch.getData();
          ColumnVector ids = data.getColumnVector(0);
          ColumnVector vectors = data.getColumnVector(1);
          ColumnVector rows = data.getColumnVector(2);
          for (int i = 0; i < data.getSize(); i++) {
            if (!selected(batch, i)) {
              continue;
            }
            long row = rows.getLong(i);
            if (ids.isNullAt(i) || vectors.isNullAt(i)) {
              rowsSkipped.incrementAndGet();
              continue;
            }
            float[] vector = toFloats(vectors.getArray(i), file, row);
            if (vector == null) {
              rowsSkipped.incrementAndGet();
              continue;
            }
            docs.add(rowDocument(ids.getString(i), file.path(), row, vector));
          }
        });
    for (Document d : docs) {
      writer.addDocument(d);
    }
    writer.addDocument(marker(file));
    rowsAdded.addAndGet(docs.size());
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
    return v;
  }

  private void deleteMaskedRows(TableSnapshot snapshot, LiveFile file, ContentColumns columns)
      throws IOException {
    List<Long> masked = new ArrayList<>();
    snapshot.readRows(
        file,
        List.of(columns.id()),
        batch -> {
          ColumnVector rows = batch.getData().getColumnVector(1);
          for (int i = 0; i < batch.getData().getSize(); i++) {
            if (!selected(batch, i)) {
              masked.add(rows.getLong(i));
            }
          }
        });
    if (masked.isEmpty()) {
      return;
    }
    long[] rows = masked.stream().mapToLong(Long::longValue).toArray();
    writer.deleteDocuments(
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(F_FILE, file.path())), BooleanClause.Occur.FILTER)
            .add(LongPoint.newSetQuery(F_ROW, rows), BooleanClause.Occur.FILTER)
            .build());
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
    d.add(new KnnFloatVectorField(F_VECTOR, vector, luceneSimilarity(spec.similarity())));
    return d;
  }

  private static Document marker(LiveFile file) {
    Document d = new Document();
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
    current = new Generation(fresh, m, countRows(fresh));
    old.reader().decRef();
  }

  /** After a failed sync: drop what it added and go back to the last commit. */
  private void recover(Exception cause) {
    log.warn("Sync of index {} failed; rolling back to version {}", path, manifest.tableVersion(), cause);
    try {
      writer.rollback();
    } catch (IOException e) {
      log.warn("Rollback of index {} failed", path, e);
    }
    try {
      Generation old = current;
      openWriter();
      old.reader().decRef();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reopen index " + path, e);
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
      spec.check(query.vector());
      float[] target = query.vector();
      if (spec.similarity() == Similarity.COSINE) {
        target = target.clone();
        if (!VectorMath.normalizeInPlace(target)) {
          throw new IllegalArgumentException("a cosine query vector must not be all zeros");
        }
      }
      KnnFloatVectorQuery knn = new KnnFloatVectorQuery(F_VECTOR, target, query.candidates());
      TopDocs top = searcher.search(knn, query.k());
      StoredFields stored = generation.reader().storedFields();
      List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        float score = VectorMath.toSimilarity(spec.similarity(), sd.score);
        if (score < query.minScore()) {
          continue;
        }
        Document d = stored.document(sd.doc);
        hits.add(new SearchHit(d.get(F_ID), score, locator(d)));
      }
      return hits;
    }

    /** Where the live rows with these ids are; absent ids are left out. */
    public Map<String, RowLocator> find(Collection<String> ids) throws IOException {
      if (ids.isEmpty()) {
        return Map.of();
      }
      List<BytesRef> terms = ids.stream().map(BytesRef::new).toList();
      TopDocs docs = searcher.search(new TermInSetQuery(F_ID, terms), Math.max(1, ids.size() * 2));
      StoredFields stored = generation.reader().storedFields();
      Map<String, RowLocator> found = new HashMap<>();
      for (ScoreDoc sd : docs.scoreDocs) {
        Document d = stored.document(sd.doc);
        found.put(d.get(F_ID), locator(d));
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
