package io.lakeshelf.index;

import io.lakeshelf.content.VectorSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.Directory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of one index: whether its last commit is usable for a spec and options, discarding
 * it when not, and opening its writer.
 */
final class IndexStorage {

  private static final Logger log = LoggerFactory.getLogger(IndexStorage.class);

  private final Path path;
  private final Directory directory;
  private final VectorSpec spec;
  private final IndexOptions options;

  IndexStorage(Path path, Directory directory, VectorSpec spec, IndexOptions options) {
    this.path = path;
    this.directory = directory;
    this.spec = spec;
    this.options = options;
  }

  /** A writer and the manifest of the commit it opened on. */
  record Opened(IndexWriter writer, IndexManifest manifest, SnapshotDeletionPolicy commits) {}

  /**
   * Opens the writer on the last commit if usable; otherwise discards the directory's files and
   * opens it on a new, empty commit (reflecting no table version).
   *
   * @param vectorFormat the vector format, or null for the one {@code options} choose
   */
  Opened openWriter(KnnVectorsFormat vectorFormat) throws IOException {
    Optional<IndexManifest> existing = readUsableManifest();
    if (existing.isEmpty()) {
      discardFiles();
    }
    IndexWriterConfig config = new IndexWriterConfig(options.analysis().analyzer());
    KnnVectorsFormat format = vectorFormat != null ? vectorFormat : options.quantization().format();
    config.setCodec(
        new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        });
    config.setCommitOnClose(false);
    // commits pinned by a snapshot upload are kept until it is done (see VectorIndex#pinCommit)
    SnapshotDeletionPolicy commits =
        new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy());
    config.setIndexDeletionPolicy(commits);
    config.setRAMBufferSizeMB(64);
    TieredMergePolicy merges = new TieredMergePolicy();
    config.setMergePolicy(merges);
    config.setMergeScheduler(new BackgroundMergeScheduler());
    // No merging inside a commit: every ingest batch commits, and Lucene's default lets a commit
    // wait up to 500 ms for merges of the small segments it flushed, in the request's time. Those
    // merges run in the background instead (at background priority, see the scheduler).
    config.setMaxFullFlushMergeWaitMillis(0);
    config.setOpenMode(
        existing.isPresent()
            ? IndexWriterConfig.OpenMode.APPEND
            : IndexWriterConfig.OpenMode.CREATE);
    IndexWriter writer = new IndexWriter(directory, config);
    IndexManifest m = existing.orElseGet(() -> IndexManifest.empty(spec, options));
    if (existing.isEmpty()) {
      writer.setLiveCommitData(m.toCommitData().entrySet());
      writer.commit();
    }
    return new Opened(writer, m, commits);
  }

  /** The manifest of the last commit, if the index is readable and was built for this spec. */
  private Optional<IndexManifest> readUsableManifest() {
    try {
      List<IndexCommit> commits = DirectoryReader.listCommits(directory);
      IndexCommit last = commits.get(commits.size() - 1);
      Optional<IndexManifest> m = IndexManifest.fromCommitData(last.getUserData());
      if (m.isEmpty()) {
        log.warn(
            "Index {} has no Lakeshelf manifest of format {}: rebuilding",
            path,
            IndexManifest.FORMAT);
        return Optional.empty();
      }
      if (!m.get().vector().equals(spec)) {
        log.warn("Index {} was built for {}, now {}: rebuilding", path, m.get().vector(), spec);
        return Optional.empty();
      }
      if (!m.get().options().equals(options)) {
        log.warn(
            "Index {} was built with {}, now {}: rebuilding", path, m.get().options(), options);
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

  /** The bytes the directory's files take. */
  long sizeInBytes() throws IOException {
    long bytes = 0;
    for (String file : directory.listAll()) {
      try {
        bytes += directory.fileLength(file);
      } catch (NoSuchFileException | FileNotFoundException e) {
        // deleted by a merge meanwhile
      }
    }
    return bytes;
  }
}
