package io.lakeshelf.index.sync;

import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.scan.TableColumns;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.IndexManifest;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.SyncResult;
import io.lakeshelf.index.TableUnreadableException;
import io.lakeshelf.index.filter.FilterException;
import io.lakeshelf.index.filter.FilterField;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.IndexWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a sync to an index writer, uncommitted: plans it ({@link SyncPlan}), then drops the rows
 * of removed files, the newly masked rows of files whose deletion vector changed, and indexes new
 * files, several at a time. The caller commits the result with its manifest, or rolls back.
 */
public final class IndexSync {

  private static final Logger log = LoggerFactory.getLogger(IndexSync.class);

  private final IndexWriter writer;
  private final VectorSpec spec;
  private final IndexOptions options;
  private final Path path;

  /**
   * What a sync wrote.
   *
   * @param plan what it did
   * @param after the manifest to commit with it
   * @param rowsAdded row documents added
   * @param rowsSkipped live rows of the added files not searchable by vector
   */
  public record Outcome(SyncPlan plan, IndexManifest after, long rowsAdded, long rowsSkipped) {

    /** What the sync did, from the state {@code before} it. */
    public SyncResult result(IndexManifest before) {
      return new SyncResult(
          before.tableVersion(),
          after.tableVersion(),
          plan.added().size(),
          plan.removed().size(),
          rowsAdded,
          rowsSkipped,
          plan.rebuild() || before.tableVersion().isNone());
    }
  }

  /**
   * @param path the index's location, for messages
   */
  public IndexSync(IndexWriter writer, VectorSpec spec, IndexOptions options, Path path) {
    this.writer = writer;
    this.spec = spec;
    this.options = options;
    this.path = path;
  }

  /**
   * Brings the writer's content from {@code before} (holding {@code indexed}, each file's deletion
   * vector key) to {@code snapshot}.
   *
   * @throws TableUnreadableException when the filterable fields do not resolve against the table
   */
  public Outcome apply(
      IndexManifest before,
      Map<String, String> indexed,
      TableSnapshot snapshot,
      ContentColumns columns,
      Executor executor,
      SyncProgress progress)
      throws IOException {
    List<FilterField> filterFields;
    try {
      filterFields =
          List.copyOf(
              FilterField.resolve(
                      options.filterable(), TableColumns.of(snapshot), columns.metadata())
                  .values());
    } catch (FilterException e) {
      throw new TableUnreadableException("cannot filter on the table: " + e.getMessage());
    }
    Map<String, LiveFile> live = snapshot.liveFiles();
    Map<String, String> liveKeys = new LinkedHashMap<>();
    live.values().forEach(f -> liveKeys.put(f.path(), f.deletionVectorKey()));
    SyncPlan plan = SyncPlan.of(before, indexed, snapshot.tableId(), filterFields, liveKeys);
    if (plan.fieldsChanged()) {
      log.warn(
          "Filterable fields of {} changed type or column: rebuilding index {}",
          snapshot.location(),
          path);
    }
    if (plan.rebuild()) {
      log.warn(
          "Table {} was replaced (id {} -> {}): rebuilding index {}",
          snapshot.location(),
          before.tableId(),
          snapshot.tableId(),
          path);
      writer.deleteAll();
    }
    for (String file : plan.removed()) {
      writer.deleteDocuments(IndexSchema.fileTerm(file));
    }
    FileIndexer files = new FileIndexer(writer, spec, snapshot, columns, filterFields);
    for (String file : plan.deletionVectorChanged()) {
      files.applyDeletionVector(live.get(file));
    }
    List<LiveFile> added = plan.added().stream().map(live::get).toList();
    AtomicLong rowsAdded = new AtomicLong();
    AtomicLong rowsSkipped = new AtomicLong();
    AtomicInteger filesDone = new AtomicInteger();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (LiveFile file : added) {
      reads.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  files.index(file, rowsAdded, rowsSkipped);
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
    IndexManifest after = before.at(snapshot.version(), snapshot.tableId(), filterFields);
    return new Outcome(plan, after, rowsAdded.get(), rowsSkipped.get());
  }
}
