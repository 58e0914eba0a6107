package io.lakeshelf.api.catalog;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.VectorIndex;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The serving generation of a collection's indexes, one per named vector, and the one way to use
 * them: {@link #acquire} a view, which is never refused because a new generation was switched in
 * meanwhile (the replaced index is closed once its last view is done). A switch ({@link #replace})
 * is one volatile write, so a search sees either the old indexes or the new ones, never a mix.
 * Writers serialize switches themselves (under the collection's lock).
 */
final class IndexSet implements Closeable {

  private final String collection;
  private volatile Map<String, VectorIndex> indexes;

  IndexSet(String collection, Map<String, VectorIndex> indexes) {
    this.collection = collection;
    this.indexes = Collections.unmodifiableMap(new LinkedHashMap<>(indexes));
  }

  Map<String, VectorIndex> all() {
    return indexes;
  }

  /**
   * The index of the vector named {@code using}, or of the only vector when it is null.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} for a vector the collection does not have, or
   *     none named when it has several
   */
  VectorIndex index(String using) {
    Map<String, VectorIndex> current = indexes;
    if (using == null) {
      if (current.size() == 1) {
        return current.values().iterator().next();
      }
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "collection '"
              + collection
              + "' has several vectors "
              + current.keySet()
              + ": say which with 'using'");
    }
    VectorIndex index = current.get(using);
    if (index == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "collection '"
              + collection
              + "' has no vector '"
              + using
              + "'; it has "
              + current.keySet());
    }
    return index;
  }

  /** The index used for id lookups: the first vector's. */
  VectorIndex primary() {
    return indexes.values().iterator().next();
  }

  /** A view of the serving index of {@code using} (see {@link #index}); close it when done. */
  VectorIndex.View acquire(String using) {
    return acquire(() -> index(using));
  }

  /** A view of the serving primary index; close it when done. */
  VectorIndex.View acquirePrimary() {
    return acquire(this::primary);
  }

  /**
   * The one acquire loop: an index that was closed after it was looked up (a switch replaced it)
   * refuses the view, and the lookup is repeated on the generation now serving. It ends because a
   * closed index is never looked up again once the switch is visible.
   */
  private static VectorIndex.View acquire(Supplier<VectorIndex> serving) {
    while (true) {
      VectorIndex.View view = serving.get().tryAcquire();
      if (view != null) {
        return view;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Switches the vectors named in {@code replacements} to the indexes given; the others keep
   * serving. Returns the replaced indexes, still open: the caller retires them once the switch is
   * recorded. The caller holds the collection's lock.
   */
  Map<String, VectorIndex> replace(Map<String, VectorIndex> replacements) {
    Map<String, VectorIndex> next = new LinkedHashMap<>(indexes);
    Map<String, VectorIndex> replaced = new LinkedHashMap<>();
    replacements.forEach((name, index) -> replaced.put(name, next.put(name, index)));
    indexes = Collections.unmodifiableMap(next);
    return replaced;
  }

  /** The lowest table version the indexes reflect. */
  TableVersion indexedVersion() {
    TableVersion lowest = null;
    for (VectorIndex i : indexes.values()) {
      if (lowest == null || i.version().compareTo(lowest) < 0) {
        lowest = i.version();
      }
    }
    return lowest;
  }

  /** Whether every index reflects exactly this snapshot (version and table). */
  boolean inStep(TableSnapshot snapshot) {
    for (VectorIndex index : indexes.values()) {
      if (!index.version().equals(snapshot.version())
          || !index.manifest().tableId().equals(snapshot.tableId())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    for (VectorIndex index : indexes.values()) {
      index.close();
    }
  }
}
