package io.lakeshelf.index;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.CommitResult;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real Delta table on disk with a real index beside it, written the way the service does. */
final class IndexedTable implements AutoCloseable {

  final ContentTable table;
  final Path indexDir;
  final VectorSpec spec;
  final IndexOptions options;
  final ExecutorService executor = Executors.newFixedThreadPool(2);
  VectorIndex index;

  IndexedTable(Path dir, VectorSpec spec) throws IOException {
    this(dir, spec, IndexOptions.DEFAULT);
  }

  IndexedTable(Path dir, VectorSpec spec, IndexOptions options) throws IOException {
    this.spec = spec;
    this.options = options;
    this.table =
        ContentTable.createManaged(
            io.lakeshelf.content.storage.TableEngines.local(),
            dir.resolve("table").toString(),
            List.of(spec));
    this.indexDir = dir.resolve("index");
    this.index = VectorIndex.open(indexDir, spec, options);
    sync();
  }

  SyncResult sync() throws IOException {
    return index.syncTo(table.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);
  }

  CommitResult upsert(List<Document> docs) throws IOException {
    CommitResult r = table.upsert(docs, index.rowFinder());
    sync();
    return r;
  }

  CommitResult delete(Collection<String> ids) throws IOException {
    CommitResult r = table.delete(ids, index.rowFinder());
    sync();
    return r;
  }

  void reopen() throws IOException {
    index.close();
    index = VectorIndex.open(indexDir, spec, options);
  }

  @Override
  public void close() throws IOException {
    index.close();
    executor.shutdownNow();
  }
}
