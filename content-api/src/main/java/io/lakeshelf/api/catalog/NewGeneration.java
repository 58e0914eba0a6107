package io.lakeshelf.api.catalog;

import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.VectorIndex;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lifecycle of a new generation of a collection's indexes, for a change of the collection
 * ({@link CollectionRegistry#put}) and a reindex ({@code ReindexJobs}) alike:
 *
 * <ol>
 *   <li>{@link #open} an index per vector to rebuild, in a fresh generation directory beside the
 *       serving one, which keeps serving; the caller builds it;
 *   <li>{@link #switchTo}: the caller's switch makes the new indexes serve and hands back the ones
 *       they replace; then each vector's {@code CURRENT} names its new generation, and the replaced
 *       indexes are closed (once their last search is done) and deleted;
 *   <li>{@link #close}: a generation that was not switched to (the build failed or was cancelled)
 *       is closed and deleted, and the serving one stays as it was.
 * </ol>
 */
public final class NewGeneration implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(NewGeneration.class);

  /** Makes the new indexes serve; returns the indexes they replace, still open. */
  @FunctionalInterface
  public interface Switch {
    Collection<VectorIndex> serve(Map<String, VectorIndex> fresh)
        throws IOException, InterruptedException;
  }

  private final IndexDirectories dirs;
  private final Map<String, VectorIndex> fresh = new LinkedHashMap<>();
  private boolean switched;

  public NewGeneration(IndexDirectories dirs) {
    this.dirs = dirs;
  }

  /** Opens an empty index of {@code spec} in a new generation directory. */
  public VectorIndex open(VectorSpec spec, IndexOptions options) throws IOException {
    VectorIndex index = VectorIndex.open(dirs.newGeneration(spec.name()), spec, options);
    fresh.put(spec.name(), index);
    return index;
  }

  /**
   * Takes in an index already opened in a new generation directory of its own (restored from a
   * snapshot), as if {@link #open} had opened it.
   */
  public VectorIndex adopt(VectorIndex index) {
    fresh.put(index.spec().name(), index);
    return index;
  }

  /** The indexes opened, by vector name. */
  public Map<String, VectorIndex> indexes() {
    return Collections.unmodifiableMap(fresh);
  }

  /**
   * Switches to the new generation: {@code serve} makes it serve, then it becomes current on disk
   * and what it replaced is retired. If {@code serve} fails, nothing switched and {@link #close}
   * discards the new generation.
   */
  public void switchTo(Switch serve) throws IOException, InterruptedException {
    Collection<VectorIndex> replaced = serve.serve(indexes());
    switched = true;
    for (Map.Entry<String, VectorIndex> e : fresh.entrySet()) {
      dirs.makeCurrent(e.getKey(), e.getValue().path());
    }
    retire(replaced);
  }

  /** Closes indexes no longer served and deletes their directories; failures are only logged. */
  public static void retire(Collection<VectorIndex> indexes) {
    for (VectorIndex index : indexes) {
      if (index == null) {
        continue;
      }
      try {
        index.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Closing index {} failed", index.path(), e);
      }
      try {
        CollectionCatalog.deleteTree(index.path());
      } catch (IOException e) {
        log.warn("Cannot delete {}: it is removed at the next start", index.path(), e);
      }
    }
  }

  /** Discards the new generation unless it was switched to. */
  @Override
  public void close() {
    if (!switched) {
      retire(fresh.values());
      fresh.clear();
    }
  }
}
