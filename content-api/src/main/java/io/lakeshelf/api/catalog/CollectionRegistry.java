package io.lakeshelf.api.catalog;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.types.StructType;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.scan.TableColumns;
import io.lakeshelf.content.storage.StorageEngine;
import io.lakeshelf.content.storage.StorageException;
import io.lakeshelf.content.table.ColumnRoles;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.MissingTableException;
import io.lakeshelf.content.table.SchemaMismatchException;
import io.lakeshelf.content.table.TablePurge;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.filter.FilterException;
import io.lakeshelf.index.filter.FilterField;
import io.lakeshelf.index.snapshot.IndexSnapshots;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collections this service serves. Opens every stored definition at start, creates, changes and
 * drops collections, and hands out the served state for reads and writes.
 */
public final class CollectionRegistry implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(CollectionRegistry.class);

  /** What a PUT did. */
  public enum PutOutcome {
    CREATED,
    UNCHANGED,
    UPDATED
  }

  private final CollectionCatalog catalog;
  private final StorageEngine engine;
  private final Executor buildExecutor;
  private final Executor readExecutor;

  /** Time travel's in-memory past versions, shared by every collection. */
  private final PastVersions pastVersions;

  private final Map<String, ServedCollection> served = new ConcurrentHashMap<>();
  private final Object changes = new Object();

  /** Why a collection of the shared catalog could not be served, as last logged; by name. */
  private final Map<String, String> catalogFailures = new ConcurrentHashMap<>();

  public CollectionRegistry(
      CollectionCatalog catalog,
      StorageEngine engine,
      Executor buildExecutor,
      Executor readExecutor,
      PastVersions pastVersions) {
    this.pastVersions = pastVersions;
    this.catalog = catalog;
    this.engine = engine;
    this.buildExecutor = buildExecutor;
    this.readExecutor = readExecutor;
  }

  /** Where the indexes of a collection live. */
  public IndexDirectories indexDirectoriesOf(String collection) {
    return catalog.indexDirectories(collection);
  }

  /** Opens every stored collection; their indexes catch up in the background. */
  public void openAll() {
    for (CollectionDefinition d : catalog.load()) {
      try {
        served.put(d.name(), open(d));
        log.info("Serving collection {} ({} table {})", d.name(), d.mode().wireName(), d.table());
      } catch (IOException | RuntimeException e) {
        log.error("Cannot open collection {}: it is not served", d.name(), e);
      }
    }
  }

  public List<ServedCollection> all() {
    List<ServedCollection> list = new ArrayList<>(served.values());
    list.sort(Comparator.comparing(ServedCollection::name));
    return list;
  }

  public Optional<ServedCollection> find(String name) {
    return Optional.ofNullable(served.get(name));
  }

  /** The collection, or a 404 {@code COLLECTION_NOT_FOUND}. */
  public ServedCollection get(String name) {
    ServedCollection c = served.get(name);
    if (c == null) {
      throw new ApiException(ErrorCode.COLLECTION_NOT_FOUND, "no collection named '" + name + "'");
    }
    return c;
  }

  /** The table location used when a managed collection names none. */
  public String defaultTableLocation(String name) {
    return catalog.defaultTable(name);
  }

  /** Where definitions, default tables and snapshots live. */
  public CollectionCatalog catalog() {
    return catalog;
  }

  /**
   * Serves what a shared catalog holds now: collections other nodes created are opened (from their
   * newest snapshot where one fits), changed ones are changed here too (their changed indexes built
   * beside the serving ones), dropped ones stop being served and their local indexes are deleted.
   * Nothing to do for a catalog in the data directory, which only this node writes.
   */
  public void refreshFromCatalog() {
    if (!catalog.shared()) {
      return;
    }
    synchronized (changes) {
      // read under the lock: a listing taken before a change of this node's would undo it
      List<CollectionDefinition> stored = catalog.load();
      Map<String, CollectionDefinition> wanted = new LinkedHashMap<>();
      stored.forEach(d -> wanted.put(d.name(), d));
      for (ServedCollection c : List.copyOf(served.values())) {
        if (!wanted.containsKey(c.name())) {
          dropHere(c);
        }
      }
      catalogFailures.keySet().retainAll(wanted.keySet());
      for (CollectionDefinition d : wanted.values()) {
        ServedCollection existing = served.get(d.name());
        try {
          if (existing == null) {
            served.put(d.name(), open(d));
            log.info(
                "Serving collection {} ({} table {}), created on another node",
                d.name(),
                d.mode().wireName(),
                d.table());
          } else if (!existing.definition().equals(d)) {
            change(existing, d, () -> {});
            log.info("Updated collection {} as another node changed it", d.name());
          }
          catalogFailures.remove(d.name());
        } catch (IOException | RuntimeException e) {
          // each sync round tries again; the same failure is logged once
          if (!e.toString().equals(catalogFailures.put(d.name(), e.toString()))) {
            log.error("Cannot serve collection {} from the catalog: {}", d.name(), e.toString(), e);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops serving a collection another node dropped; its table and snapshots are theirs. */
  private void dropHere(ServedCollection c) {
    served.remove(c.name());
    try {
      c.close();
      CollectionCatalog.deleteTree(catalog.directory(c.name()).resolve("index"));
    } catch (IOException e) {
      log.warn("Cannot delete the local indexes of {}: {}", c.name(), e.toString());
    }
    log.info("Stopped serving collection {}: another node deleted it", c.name());
  }

  private ServedCollection open(CollectionDefinition d) throws IOException {
    return open(d, Map.of(), null);
  }

  /**
   * Opens a collection, reusing already open indexes of identical specs; with {@code generation},
   * the others are opened in it (new directories beside the serving ones), else from the serving
   * directories.
   */
  private ServedCollection open(
      CollectionDefinition d, Map<VectorSpec, VectorIndex> reuse, NewGeneration generation)
      throws IOException {
    List<VectorSpec> specs = d.vectorSpecs();
    ContentTable table = openTable(d, specs);
    if (!d.filterable().isEmpty()) {
      try {
        FilterField.resolve(
            d.filterable(), TableColumns.of(table.latest()), d.contentColumns().metadata());
      } catch (FilterException e) {
        throw new FilterException(e.code(), "'filterable': " + e.getMessage());
      }
    }
    Map<String, VectorIndex> indexes = new LinkedHashMap<>();
    IndexDirectories dirs = catalog.indexDirectories(d.name());
    try {
      for (VectorSpec spec : specs) {
        VectorIndex index = reuse.get(spec);
        if (index == null && generation != null) {
          VectorIndex restored = restoreSnapshot(d, spec, table, dirs);
          index =
              restored != null
                  ? generation.adopt(restored)
                  : generation.open(spec, d.indexOptions(spec.name()));
        } else if (index == null) {
          dirs.removeOthers(spec.name());
          index = VectorIndex.open(dirs.current(spec.name()), spec, d.indexOptions(spec.name()));
          if (index.version().isNone()) {
            VectorIndex restored = restoreSnapshot(d, spec, table, dirs);
            if (restored != null) {
              index.close();
              index = restored;
              dirs.makeCurrent(spec.name(), restored.path());
              dirs.removeOthers(spec.name());
            }
          }
        }
        indexes.put(spec.name(), index);
      }
    } catch (IOException | RuntimeException e) {
      if (generation == null) { // the serving directories: closed, never deleted
        for (VectorIndex opened : indexes.values()) {
          opened.close();
        }
      }
      throw e; // a generation discards what it opened itself
    }
    DocumentReader rows = new DocumentReader(table.latest(), table.columns(), specs, readExecutor);
    return new ServedCollection(d, table, indexes, rows, buildExecutor, readExecutor, pastVersions);
  }

  /**
   * The index of {@code spec} restored, in a new generation directory, from the newest snapshot
   * that fits it and the table's latest version; null when there is none or it cannot be used (the
   * index is then built from the table, as without snapshots).
   */
  private VectorIndex restoreSnapshot(
      CollectionDefinition d, VectorSpec spec, ContentTable table, IndexDirectories dirs) {
    IndexOptions options = d.indexOptions(spec.name());
    IndexSnapshots snapshots = new IndexSnapshots(catalog.snapshots(), d.name(), spec.name());
    Path generation = null;
    try {
      TableSnapshot latest = table.latest();
      Optional<SnapshotManifest> newest =
          snapshots.newest(spec, options, latest.tableId(), latest.version());
      if (newest.isEmpty()) {
        return null;
      }
      SnapshotManifest m = newest.get();
      log.info(
          "Collection {}: downloading the snapshot of {} at table version {} ({} bytes, published"
              + " by {} at {})",
          d.name(),
          spec.name(),
          m.tableVersion(),
          m.bytes(),
          m.publishedBy(),
          m.publishedAt());
      generation = dirs.newGeneration(spec.name());
      VectorIndex index = snapshots.restore(m, generation, spec, options);
      try {
        IndexDirectories.writeSource(
            generation, IndexSource.snapshot(m.tableVersion(), m.publishedAt(), m.publishedBy()));
      } catch (IOException | RuntimeException e) {
        index.close();
        throw e;
      }
      return index;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Collection {}: cannot use a snapshot of {} ({}); building it from the table",
          d.name(),
          spec.name(),
          e.toString());
      if (generation != null) {
        try {
          CollectionCatalog.deleteTree(generation);
        } catch (IOException cleanup) {
          log.debug("Cannot delete {}", generation, cleanup);
        }
      }
      return null;
    }
  }

  private ContentTable openTable(CollectionDefinition d, List<VectorSpec> specs) {
    try {
      if (d.mode() == CollectionMode.MANAGED) {
        return ContentTable.createManaged(engine, d.table(), specs);
      }
      // Every mapped column's type is checked against its role before anything is built.
      ColumnRoles.check(schemaOf(d.table()), d.contentColumns(), specs);
      return ContentTable.open(engine, d.table(), d.contentColumns(), specs);
    } catch (MissingTableException | SchemaMismatchException | KernelException e) {
      throw new ApiException(
          ErrorCode.TABLE_UNREADABLE, "cannot serve " + d.table() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      var storage = StorageException.find(e);
      if (storage.isPresent()) {
        throw new ApiException(
            ErrorCode.TABLE_UNREADABLE,
            "cannot reach " + d.table() + ": " + storage.get().getMessage());
      }
      if (d.mode() == CollectionMode.EXTERNAL) {
        log.warn("Cannot read table {}", d.table(), e);
        throw new ApiException(
            ErrorCode.TABLE_UNREADABLE,
            "cannot read " + d.table() + ": " + TableProblems.describe(e));
      }
      throw e;
    }
  }

  /**
   * The schema of the table's latest version.
   *
   * @throws SchemaMismatchException when its Delta metadata holds no schema, or one that is not a
   *     Delta struct type in JSON
   */
  private StructType schemaOf(String location) {
    Snapshot snapshot;
    try {
      snapshot = Table.forPath(engine, location).getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      throw new MissingTableException("no Delta table at " + location, e);
    } catch (RuntimeException e) {
      if (TableProblems.isSchemaProblem(e)) {
        throw new SchemaMismatchException(TableProblems.UNREADABLE_SCHEMA);
      }
      throw e;
    }
    try {
      return snapshot.getSchema();
    } catch (RuntimeException e) {
      throw new SchemaMismatchException(TableProblems.UNREADABLE_SCHEMA);
    }
  }

  /**
   * Creates or changes a collection. A change of a vector's dimensions or similarity needs {@code
   * reindex}: the new index is built beside the old one, which serves until the new one is
   * complete; if the build fails, nothing changes.
   */
  public PutOutcome put(CollectionDefinition d, boolean reindex)
      throws IOException, InterruptedException {
    synchronized (changes) {
      ServedCollection existing = served.get(d.name());
      if (existing == null) {
        ServedCollection created = open(d);
        if (d.mode() == CollectionMode.MANAGED) {
          try {
            created.catchUpNow();
          } catch (IOException | RuntimeException e) {
            created.close();
            throw e;
          }
        }
        // An external table's first build runs in the background (status "building"), started
        // now rather than at the next sync round, which may be far off.
        try {
          catalog.save(d, null);
        } catch (RuntimeException e) {
          created.close();
          throw e;
        }
        served.put(d.name(), created);
        if (d.mode() == CollectionMode.EXTERNAL) {
          Thread.ofVirtual()
              .name("lakeshelf-first-build-" + d.name())
              .start(
                  () -> {
                    try {
                      created.catchUp();
                    } catch (Exception e) {
                      log.warn("First build of collection {} failed: {}", d.name(), e.getMessage());
                    }
                  });
        }
        log.info("Created collection {} ({} table {})", d.name(), d.mode().wireName(), d.table());
        return PutOutcome.CREATED;
      }
      CollectionDefinition old = existing.definition();
      if (old.equals(d)) {
        return PutOutcome.UNCHANGED;
      }
      checkChangeAllowed(old, d, reindex);
      change(existing, d, () -> catalog.save(d, old));
      log.info("Updated collection {}", d.name());
      return PutOutcome.UPDATED;
    }
  }

  /**
   * Serves a changed definition: indexes whose options are unchanged are reused, the others built
   * in a new generation beside the serving ones, which serve until it is complete; {@code save}
   * records the change, just before the switch. The caller holds {@code changes}.
   */
  private void change(ServedCollection existing, CollectionDefinition d, Runnable save)
      throws IOException, InterruptedException {
    Map<VectorSpec, VectorIndex> reuse = new LinkedHashMap<>();
    for (VectorIndex i : existing.indexes().values()) {
      if (i.options().equals(d.indexOptions(i.spec().name()))) {
        reuse.put(i.spec(), i);
      }
    }
    try (NewGeneration generation = new NewGeneration(catalog.indexDirectories(d.name()))) {
      ServedCollection next = open(d, reuse, generation);
      next.catchUpNow();
      generation.switchTo(
          fresh -> {
            save.run();
            served.put(d.name(), next);
            return existing.indexes().values().stream()
                .filter(i -> !reuse.containsValue(i))
                .toList();
          });
    }
  }

  private static void checkChangeAllowed(
      CollectionDefinition old, CollectionDefinition d, boolean reindex) {
    if (old.mode() != d.mode() || !Objects.equals(old.table(), d.table())) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "a collection's mode and table cannot change; delete it and create it again");
    }
    if (!old.vectors().keySet().equals(d.vectors().keySet())) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "a collection's named vectors cannot be added or removed; create another collection");
    }
    if ((!old.filterable().equals(d.filterable()) || !Objects.equals(old.analyzer(), d.analyzer()))
        && !reindex) {
      throw new ApiException(
          ErrorCode.REINDEX_REQUIRED,
          "changing 'filterable' or 'analyzer' rebuilds the indexes: repeat the request with"
              + " ?reindex=true");
    }
    for (Map.Entry<String, VectorDefinition> e : d.vectors().entrySet()) {
      VectorDefinition before = old.vectors().get(e.getKey());
      if (!before.column().equals(e.getValue().column())) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "the column of vector '" + e.getKey() + "' cannot change");
      }
      if (!before.equals(e.getValue()) && !reindex) {
        throw new ApiException(
            ErrorCode.REINDEX_REQUIRED,
            "changing the dimensions or similarity of vector '"
                + e.getKey()
                + "' (dimensions, similarity, model or quantization) rebuilds its index: repeat the"
                + " request with ?reindex=true");
      }
    }
  }

  /**
   * Stops serving a collection and drops its indexes; with {@code purge}, a managed collection's
   * table is deleted too: the files its log names and its log ({@link TablePurge}), never a file
   * the log does not name. The collection's directory goes when nothing else is left in it.
   */
  public void delete(String name, boolean purge) throws IOException {
    synchronized (changes) {
      ServedCollection c = get(name);
      if (purge && c.definition().mode() != CollectionMode.MANAGED) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "purge deletes data only of managed collections");
      }
      catalog.remove(name, c.definition());
      served.remove(name);
      c.close();
      Path dir = catalog.directory(name);
      CollectionCatalog.deleteTree(dir.resolve("index"));
      try {
        IndexSnapshots.deleteAll(catalog.snapshots(), name);
      } catch (IOException e) {
        log.warn("Collection {}: cannot delete its snapshots ({})", name, e.toString());
      }
      if (purge) {
        TablePurge.purge(engine, c.table().latest());
        Files.deleteIfExists(dir.resolve(CollectionCatalog.FILE));
        try {
          Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
          log.info("Collection {}: kept {}, which holds files Lakeshelf did not write", name, dir);
        }
      }
      log.info("Deleted collection {}{}", name, purge ? " and its table" : " (table kept)");
    }
  }

  @Override
  public void close() throws IOException {
    for (ServedCollection c : served.values()) {
      try {
        c.close();
      } catch (IOException e) {
        log.warn("Closing collection {} failed", c.name(), e);
      }
    }
    served.clear();
  }
}
