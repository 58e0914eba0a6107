package io.lakeshelf.index;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.query.IndexSearch;
import io.lakeshelf.index.schema.IndexSchema;
import io.lakeshelf.index.sync.IndexSync;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index of one named vector of one content table, derived from the table and kept in
 * step with it: HNSW over the vector, BM25 over title and text, and the filterable fields. The
 * on-disk layout, the manifest each commit carries and how an index survives a crash are described
 * in {@link IndexSchema}: on open the index resumes from its last commit, and {@link #syncTo}
 * catches up with the table.
 *
 * <h2>Sync</h2>
 *
 * {@link #syncTo} compares the table's live files (with their deletion vectors) against the files
 * the index holds: rows of files no longer live are deleted, rows newly masked by a deletion vector
 * are deleted, and new files are read and indexed ({@link io.lakeshelf.index.sync}). A table with a
 * new table id (replaced under the same location) is indexed from scratch.
 *
 * <p>Writes (syncs) are serialized; searches run concurrently against the last published reader,
 * which always pairs with the table version it reflects ({@link Generations}).
 */
public final class VectorIndex implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(VectorIndex.class);

  private final Path path;
  private final VectorSpec spec;
  private final IndexOptions options;
  private final Directory directory;
  private final IndexStorage storage;
  private final Object writeLock = new Object();
  private IndexWriter writer;
  private SnapshotDeletionPolicy commits;
  private Map<String, String> indexedFiles;
  private volatile IndexManifest manifest;
  private Generations generations;
  private volatile boolean closed;

  /** When a sync last wrote to the index; guarded by {@code writeLock}. */
  private long lastWriteNanos = System.nanoTime();

  /** Whether the index was merged down since the last write; guarded by {@code writeLock}. */
  private boolean mergedDownSinceWrite;

  private final Analyzer queryAnalyzer;

  /** The vector format, when not the one {@code options} choose (set before the writer opens). */
  private KnnVectorsFormat vectorFormat;

  private VectorIndex(Path path, VectorSpec spec, IndexOptions options, Directory directory) {
    this.path = path;
    this.spec = spec;
    this.options = options;
    this.directory = directory;
    this.storage = new IndexStorage(path, directory, spec, options);
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
  public static VectorIndex open(Path dir, VectorSpec spec, IndexOptions options)
      throws IOException {
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
   * An index held in memory only, for one search over an older table version (time travel): sync it
   * to that version's snapshot, search it, close it. Costs a read of the whole snapshot.
   */
  public static VectorIndex inMemory(VectorSpec spec, IndexOptions options) throws IOException {
    VectorIndex index =
        new VectorIndex(
            Path.of("memory:" + spec.name()), spec, options, new ByteBuffersDirectory());
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
  public static VectorIndex inMemoryExact(VectorSpec spec, IndexOptions options)
      throws IOException {
    VectorIndex index =
        new VectorIndex(
            Path.of("memory:" + spec.name()), spec, options, new ByteBuffersDirectory());
    index.vectorFormat = Quantization.flatFormat();
    index.openWriter();
    return index;
  }

  /** The bytes the index's files take: for an in-memory index, the heap it holds. */
  public long sizeInBytes() throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      return storage.sizeInBytes();
    }
  }

  /** Opens the writer on the last usable commit (or a new empty one) and publishes its reader. */
  private void openWriter() throws IOException {
    IndexStorage.Opened opened = storage.openWriter(vectorFormat);
    writer = opened.writer();
    commits = opened.commits();
    IndexManifest m = opened.manifest();
    manifest = m;
    if (generations == null) {
      generations = new Generations(writer, m);
    } else {
      generations.reopen(writer, m);
    }
    Generation g = generations.acquire();
    try {
      indexedFiles = IndexSchema.loadMarkers(g.reader());
      log.info(
          "Opened index {} at table version {} ({} rows, {} files)",
          path,
          m.tableVersion(),
          g.rows(),
          indexedFiles.size());
    } finally {
      generations.release(g);
    }
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
    return generations.latest().manifest();
  }

  public TableVersion version() {
    return generations.latest().manifest().tableVersion();
  }

  /** Rows the last published state holds. */
  public long rowCount() {
    return generations.latest().rows();
  }

  /**
   * Live rows of the table version the last published state reflects that it cannot find by vector:
   * rows whose vector is null (or has a null or non-finite element, or is all zeros for cosine),
   * and rows with a null id. Counted from the index itself, so exact with or without row statistics
   * in the table's log, and the same after a restart or any number of syncs.
   */
  public long skippedRows() {
    return generations.latest().skipped();
  }

  /**
   * Brings the index up to {@code snapshot}: indexes new files, drops removed files and rows masked
   * by deletion vectors, commits with the new manifest and publishes the result.
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
    IndexSync.Outcome done =
        new IndexSync(writer, spec, options, path)
            .apply(before, indexedFiles, snapshot, columns, executor, progress);
    IndexManifest after = done.after();
    writer.setLiveCommitData(after.toCommitData().entrySet());
    writer.commit();
    manifest = after;
    indexedFiles = done.plan().indexedAfter();
    generations.publish(after);
    lastWriteNanos = System.nanoTime();
    mergedDownSinceWrite = false;
    if (done.rowsSkipped() > 0) {
      log.info(
          "Index {}: skipped {} rows with no {} vector", path, done.rowsSkipped(), spec.name());
    }
    return done.result(before);
  }

  /**
   * Publishes and commits what background merges finished since the last sync, at the same table
   * version: searches then visit the merged segments instead of the small ones each sync flushed
   * (without this, a merge that ends after the last write stays invisible to searches until the
   * next one), and a restart reopens on the merged segments. Cheap when no merge finished.
   *
   * @return whether the index changed
   */
  public boolean refreshMerged() throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      if (!writer.isOpen() || !writer.hasUncommittedChanges()) {
        return false;
      }
      try {
        writer.setLiveCommitData(manifest.toCommitData().entrySet());
        writer.commit();
        generations.publish(manifest);
        return true;
      } catch (IOException | RuntimeException e) {
        recover(e);
        throw e;
      }
    }
  }

  /**
   * The last commit, pinned: its files stay on disk, whatever syncs and merges commit meanwhile,
   * until the pin is closed; for copying the index elsewhere (a snapshot) while it keeps serving
   * and syncing.
   */
  public PinnedCommit pinCommit() throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      reopenWriterIfClosed();
      SnapshotDeletionPolicy policy = commits;
      IndexWriter w = writer;
      IndexCommit commit = policy.snapshot();
      try {
        IndexManifest m =
            IndexManifest.fromCommitData(commit.getUserData())
                .orElseThrow(() -> new IOException("commit of " + path + " has no manifest"));
        return new PinnedCommit(
            path, m, List.copyOf(commit.getFileNames()), commit.getSegmentCount()) {
          @Override
          public void close() throws IOException {
            synchronized (writeLock) {
              policy.release(commit);
              if (w.isOpen()) {
                w.deleteUnusedFiles();
              }
            }
          }
        };
      } catch (IOException | RuntimeException e) {
        policy.release(commit);
        throw e;
      }
    }
  }

  /**
   * A commit of an index whose files stay on disk until this is closed.
   *
   * @param directory where the files are
   * @param manifest what the commit reflects
   * @param files the commit's files, its segments file among them
   * @param segments how many segments the commit has
   */
  public abstract static class PinnedCommit implements Closeable {
    private final Path directory;
    private final IndexManifest manifest;
    private final List<String> files;
    private final int segments;

    PinnedCommit(Path directory, IndexManifest manifest, List<String> files, int segments) {
      this.directory = directory;
      this.manifest = manifest;
      this.files = files;
      this.segments = segments;
    }

    /** How many Lucene segments the commit has (a search visits each). */
    public int segments() {
      return segments;
    }

    public Path directory() {
      return directory;
    }

    public IndexManifest manifest() {
      return manifest;
    }

    public List<String> files() {
      return files;
    }
  }

  /** The most documents an idle index is merged down to one segment at. */
  public static final int MAX_IDLE_MERGE_DOCS = 2_000_000;

  /**
   * Merges an index no sync has written for {@code idle} down to one segment, in the background: a
   * search costs about the same for each segment it visits (each has its own HNSW graph, or none
   * when small), so once writes stop, searches should visit one, as a force-merged Lucene index
   * does. Lucene's merge starts from the largest segment's graph and inserts the others' vectors.
   * The merged segment is published and committed at the same table version by {@link
   * #refreshMerged} once it is done; a write meanwhile is fine (the merge goes on beside it). Once
   * per idle period; not above {@link #MAX_IDLE_MERGE_DOCS} documents.
   *
   * @return whether a merge was started
   */
  public boolean mergeDownIfIdle(Duration idle) throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      if (mergedDownSinceWrite
          || !writer.isOpen()
          || System.nanoTime() - lastWriteNanos < idle.toNanos()
          || merging()) {
        return false;
      }
      mergedDownSinceWrite = true;
      int segments;
      int docs;
      try (View view = acquire()) {
        segments = view.segmentCount();
        docs = view.maxDoc();
      }
      if (segments <= 1 || docs > MAX_IDLE_MERGE_DOCS) {
        return false;
      }
      log.info("Index {}: idle, merging its {} segments down to one", path, segments);
      writer.forceMerge(1, false);
      return true;
    }
  }

  /** Whether background merges are running or waiting to run. */
  public boolean merging() {
    IndexWriter w = writer;
    return w.isOpen() && (w.hasPendingMerges() || !w.getMergingSegments().isEmpty());
  }

  /**
   * After a failed sync: drop what it added and go back to the last commit. The writer is opened
   * again on that commit; when that fails too (the disk is still full, say), the index keeps
   * serving its last published state and the next sync opens the writer first.
   */
  private void recover(Exception cause) {
    log.warn(
        "Sync of index {} failed; rolling back to version {}",
        path,
        manifest.tableVersion(),
        cause);
    try {
      writer.rollback();
    } catch (IOException e) {
      log.warn("Rollback of index {} failed", path, e);
    }
    try {
      reopenWriterIfClosed();
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Cannot reopen the writer of index {} yet ({}); the next sync tries again",
          path,
          e.toString());
    }
  }

  /**
   * Opens the writer again on the last commit if a failure (a rollback, a tragic event) closed it.
   */
  private void reopenWriterIfClosed() throws IOException {
    if (!writer.isOpen()) {
      openWriter();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index " + path + " is closed");
    }
  }

  /** A view of the last published state; close it when done. */
  public View acquire() {
    ensureOpen();
    View view = tryAcquire();
    if (view == null) {
      throw new IllegalStateException("index " + path + " is closed");
    }
    return view;
  }

  /** Like {@link #acquire}, but null once the index is closed (replaced by a reindex, say). */
  public View tryAcquire() {
    if (closed) {
      return null;
    }
    Generation g = generations.tryAcquire();
    return g == null ? null : new View(g);
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
      // the published readers are released, then the directory closed, whatever the writer does
      try (Directory d = directory;
          Generations g = generations) {
        writer.close();
        queryAnalyzer.close();
      }
    }
  }

  /** One consistent state of the index: searches and lookups against one table version. */
  public final class View implements AutoCloseable {
    private final Generation generation;
    private final IndexSearch queries;
    private boolean released;

    private View(Generation generation) {
      this.generation = generation;
      this.queries =
          new IndexSearch(
              new IndexSearcher(generation.reader()),
              spec,
              options.quantization(),
              queryAnalyzer,
              generation.manifest());
    }

    public TableVersion version() {
      return generation.manifest().tableVersion();
    }

    public long rowCount() {
      return generation.rows();
    }

    /** The Lucene segments a search of this view visits. */
    public int segmentCount() {
      return generation.reader().leaves().size();
    }

    /** The Lucene documents of this view, deleted ones included (rows and file markers). */
    int maxDoc() {
      return generation.reader().maxDoc();
    }

    /** The nearest rows to the query, best first. */
    public List<SearchHit> search(VectorQuery query) throws IOException {
      return search(
          new IndexQuery(
              SearchMode.VECTOR,
              query.vector(),
              null,
              null,
              query.k(),
              query.candidates(),
              query.minScore(),
              false,
              IndexQuery.DEFAULT_MAX_FILTER_DEPTH));
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
      return queries.search(query);
    }

    /** The ids of every row a filter matches (delete by filter), at most {@code limit}. */
    public List<String> matching(Filter filter, int maxDepth, int limit) throws IOException {
      return queries.matching(filter, maxDepth, limit);
    }

    /**
     * Every indexed row of each of these ids (more than one only in a table another writer made).
     */
    public Map<String, List<RowLocator>> find(Collection<String> ids) throws IOException {
      return queries.find(ids);
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        try {
          generations.release(generation);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
