package io.lakeshelf.index.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.index.IndexManifest;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.VectorIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of one named vector's index of one collection in a {@link BlobStore}.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * snapshots/&lt;collection&gt;/&lt;vector&gt;/&lt;fit&gt;/&lt;tableVersion, 20 digits&gt;-&lt;segments, 6 digits&gt;.json   the manifest ({@link SnapshotManifest})
 * snapshots/&lt;collection&gt;/&lt;vector&gt;/data/&lt;upload&gt;/&lt;index file&gt;          the files of one upload
 * </pre>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Only complete snapshots are visible.</b> A publisher uploads the files of a pinned
 *       commit under a prefix of its own ({@code data/<upload>/}), then writes the manifest; a
 *       snapshot exists once its manifest does, and its files were all written before.
 *   <li><b>No duplicates.</b> The manifest is written with put-if-absent under a key made of what
 *       the index fits, the table version it reflects and its segment count: of two nodes
 *       publishing the same state at once, exactly one writes it; the other deletes its upload. The
 *       same version merged into fewer segments (an idle index is merged down after its last write)
 *       is a new snapshot, which {@link #newest} prefers, so replicas need not repeat the merge.
 *   <li><b>Fit.</b> {@link #fit} hashes the index format, the table id and every setting an index
 *       is rebuilt for when it changes (the vector's column, dimensions and similarity,
 *       quantization, analysis, filterable fields): a snapshot is used only by an index built for
 *       exactly that.
 *   <li><b>Retention</b> ({@link #retain}): the newest snapshots are kept, older ones are deleted
 *       manifest first (so none is ever seen half-deleted), but none younger than a grace period,
 *       which a node downloading it has to finish; uploads no manifest names (a publisher that lost
 *       a race or died) are deleted once older than the grace period.
 * </ul>
 */
public final class IndexSnapshots {

  private static final Logger log = LoggerFactory.getLogger(IndexSnapshots.class);

  /** The commit-data keys that say what an index is built for (see {@link IndexManifest}). */
  private static final List<String> FIT_KEYS =
      List.of(
          "lakeshelf.format",
          "lakeshelf.vector",
          "lakeshelf.column",
          "lakeshelf.dimensions",
          "lakeshelf.similarity",
          "lakeshelf.quantization",
          "lakeshelf.analysis",
          "lakeshelf.filterable");

  static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Newest table version first; of one version, fewest segments first, then the latest. */
  static final Comparator<SnapshotManifest> NEWEST_FIRST =
      Comparator.comparingLong(SnapshotManifest::tableVersion)
          .reversed()
          .thenComparingInt(SnapshotManifest::segments)
          .thenComparing(Comparator.comparing(SnapshotManifest::published).reversed());

  /** What a publish did. */
  public enum Outcome {
    /** This call wrote the snapshot. */
    PUBLISHED,
    /** A snapshot of this state was there already (or another node wrote it meanwhile). */
    EXISTING,
    /** The index reflects no table version yet: nothing to publish. */
    EMPTY
  }

  /** A publish's outcome and the snapshot of that state (null when {@link Outcome#EMPTY}). */
  public record Published(Outcome outcome, SnapshotManifest snapshot) {}

  private final BlobStore store;
  private final String collection;
  private final String vector;
  private final String prefix;

  public IndexSnapshots(BlobStore store, String collection, String vector) {
    this.store = Objects.requireNonNull(store, "store");
    this.collection = BlobStore.checkKey(collection);
    this.vector = BlobStore.checkKey(vector);
    this.prefix = "snapshots/" + collection + "/" + vector + "/";
  }

  /** Where the snapshots of every vector of a collection live, for dropping them all. */
  private static String collectionPrefix(String collection) {
    return "snapshots/" + BlobStore.checkKey(collection) + "/";
  }

  /** Deletes every snapshot of a collection, manifests first. */
  public static void deleteAll(BlobStore store, String collection) throws IOException {
    List<BlobStore.Entry> entries = store.list(collectionPrefix(collection));
    for (BlobStore.Entry e : entries) {
      if (e.key().endsWith(".json") && !e.key().contains("/data/")) {
        store.delete(e.key());
      }
    }
    for (BlobStore.Entry e : entries) {
      store.delete(e.key());
    }
  }

  /**
   * What an index must be built for to use a snapshot, as 16 hex digits: a hash of the index
   * format, the table id, and every option an index is rebuilt for when it changes.
   */
  public static String fit(VectorSpec spec, IndexOptions options, String tableId) {
    Map<String, String> data = IndexManifest.empty(spec, options).toCommitData();
    StringBuilder s = new StringBuilder();
    for (String key : FIT_KEYS) {
      s.append(key).append('=').append(data.getOrDefault(key, "")).append('\n');
    }
    s.append("lakeshelf.tableId=").append(tableId).append('\n');
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String manifestKey(String fit, TableVersion version, int segments) {
    return prefix + fit + "/" + String.format("%020d-%06d", version.value(), segments) + ".json";
  }

  /** Every readable snapshot of this vector, newest table version first. */
  public List<SnapshotManifest> all() throws IOException {
    List<SnapshotManifest> out = new ArrayList<>();
    for (BlobStore.Entry e : store.list(prefix)) {
      String rest = e.key().substring(prefix.length());
      if (rest.startsWith("data/") || !rest.endsWith(".json")) {
        continue;
      }
      Optional<byte[]> bytes = store.read(e.key());
      if (bytes.isEmpty()) {
        continue; // deleted meanwhile
      }
      try {
        SnapshotManifest m = JSON.readValue(bytes.get(), SnapshotManifest.class);
        if (m.format() == SnapshotManifest.FORMAT) {
          out.add(m);
        }
      } catch (IOException | RuntimeException ex) {
        log.warn("Snapshot manifest {} is unreadable: ignored ({})", e.key(), ex.toString());
      }
    }
    out.sort(NEWEST_FIRST);
    return out;
  }

  /**
   * The newest snapshot an index of {@code spec} and {@code options} over the table {@code tableId}
   * can use, reflecting at most {@code atMost} (a snapshot ahead of the table serves nothing).
   */
  public Optional<SnapshotManifest> newest(
      VectorSpec spec, IndexOptions options, String tableId, TableVersion atMost)
      throws IOException {
    String fit = fit(spec, options, tableId);
    String fitPrefix = prefix + fit + "/";
    // by version descending, then segments ascending
    TreeMap<Long, TreeMap<Integer, String>> keys = new TreeMap<>();
    for (BlobStore.Entry e : store.list(fitPrefix)) {
      String name = e.key().substring(fitPrefix.length());
      if (name.length() == 32 && name.charAt(20) == '-' && name.endsWith(".json")) {
        try {
          long v = Long.parseLong(name.substring(0, 20));
          int segments = Integer.parseInt(name.substring(21, 27));
          if (v <= atMost.value()) {
            keys.computeIfAbsent(v, x -> new TreeMap<>()).put(segments, e.key());
          }
        } catch (NumberFormatException ignored) {
          // not a manifest
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    keys.descendingMap().values().forEach(bySegments -> ordered.addAll(bySegments.values()));
    for (String key : ordered) {
      Optional<byte[]> bytes = store.read(key);
      if (bytes.isEmpty()) {
        continue;
      }
      try {
        SnapshotManifest m = JSON.readValue(bytes.get(), SnapshotManifest.class);
        if (m.format() == SnapshotManifest.FORMAT && m.fit().equals(fit)) {
          return Optional.of(m);
        }
      } catch (IOException | RuntimeException ex) {
        log.warn("Snapshot manifest {} is unreadable: ignored ({})", key, ex.toString());
      }
    }
    return Optional.empty();
  }

  /**
   * Publishes the index's last commit, unless a snapshot of that state exists: its files are
   * uploaded while the index goes on serving and syncing (the commit stays pinned meanwhile), then
   * the manifest is written if absent.
   *
   * @param publisher which node publishes, for the manifest
   */
  public Published publish(VectorIndex index, String publisher) throws IOException {
    try (VectorIndex.PinnedCommit commit = index.pinCommit()) {
      IndexManifest m = commit.manifest();
      if (m.tableVersion().isNone()) {
        return new Published(Outcome.EMPTY, null);
      }
      String fit = fit(m.vector(), m.options(), m.tableId());
      String key = manifestKey(fit, m.tableVersion(), commit.segments());
      Optional<SnapshotManifest> existing = read(key);
      if (existing.isPresent()) {
        return new Published(Outcome.EXISTING, existing.get());
      }
      String upload =
          "data/"
              + Instant.now().toEpochMilli()
              + "-"
              + UUID.randomUUID().toString().substring(0, 8)
              + "/";
      List<SnapshotManifest.SnapshotFile> files = new ArrayList<>();
      long bytes = 0;
      long started = System.nanoTime();
      try {
        for (String name : commit.files()) {
          long size = Files.size(commit.directory().resolve(name));
          files.add(new SnapshotManifest.SnapshotFile(name, size));
          bytes += size;
        }
        inParallel(
            files,
            f -> store.upload(prefix + upload + f.name(), commit.directory().resolve(f.name())));
        SnapshotManifest manifest =
            new SnapshotManifest(
                SnapshotManifest.FORMAT,
                collection,
                vector,
                m.tableId(),
                m.tableVersion().value(),
                fit,
                m.toCommitData(),
                commit.segments(),
                upload,
                files,
                bytes,
                Instant.now().toString(),
                publisher);
        if (store.createIfAbsent(key, JSON.writeValueAsBytes(manifest))) {
          log.info(
              "Published snapshot of {}/{} at table version {}: {} files, {} bytes in {} ms",
              collection,
              vector,
              m.tableVersion(),
              files.size(),
              bytes,
              (System.nanoTime() - started) / 1_000_000);
          return new Published(Outcome.PUBLISHED, manifest);
        }
        deleteUpload(upload);
        return new Published(Outcome.EXISTING, read(key).orElse(manifest));
      } catch (IOException | RuntimeException e) {
        try {
          deleteUpload(upload);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup); // left for retention's orphan sweep
        }
        throw e;
      }
    }
  }

  /** How many files of a snapshot are uploaded or downloaded at once. */
  static final int TRANSFERS = 4;

  private interface FileTransfer {
    void run(SnapshotManifest.SnapshotFile file) throws IOException;
  }

  /**
   * Runs a transfer of each file, {@link #TRANSFERS} at a time, largest first (so the longest one
   * starts first); the first failure is thrown once all have ended.
   */
  private static void inParallel(List<SnapshotManifest.SnapshotFile> files, FileTransfer transfer)
      throws IOException {
    List<SnapshotManifest.SnapshotFile> order = new ArrayList<>(files);
    order.sort(Comparator.comparingLong(SnapshotManifest.SnapshotFile::size).reversed());
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(TRANSFERS);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (SnapshotManifest.SnapshotFile f : order) {
        running.add(
            pool.submit(
                () -> {
                  slots.acquire();
                  try {
                    transfer.run(f);
                  } finally {
                    slots.release();
                  }
                  return null;
                }));
      }
    }
    IOException failure = null;
    for (java.util.concurrent.Future<?> r : running) {
      try {
        r.get();
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        IOException io =
            cause instanceof IOException x ? x : new IOException(cause.getMessage(), cause);
        if (failure == null) {
          failure = io;
        } else {
          failure.addSuppressed(io);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("transfer interrupted");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private Optional<SnapshotManifest> read(String key) throws IOException {
    Optional<byte[]> bytes = store.read(key);
    return bytes.isEmpty()
        ? Optional.empty()
        : Optional.of(JSON.readValue(bytes.get(), SnapshotManifest.class));
  }

  private void deleteUpload(String upload) throws IOException {
    for (BlobStore.Entry e : store.list(prefix + upload)) {
      store.delete(e.key());
    }
  }

  /**
   * Downloads a snapshot into {@code dir} (a new, empty directory) and opens it as the index of
   * {@code spec} and {@code options}.
   *
   * @throws IOException when a file is missing (a retention deleted the snapshot meanwhile) or the
   *     files do not open as the index the manifest describes
   */
  public VectorIndex restore(
      SnapshotManifest snapshot, Path dir, VectorSpec spec, IndexOptions options)
      throws IOException {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    inParallel(
        snapshot.files(),
        f -> {
          Path target = dir.resolve(f.name());
          store.download(prefix + snapshot.data() + f.name(), target);
          if (Files.size(target) != f.size()) {
            throw new IOException(
                "snapshot file "
                    + f.name()
                    + " has "
                    + Files.size(target)
                    + " bytes, not "
                    + f.size());
          }
        });
    VectorIndex index = VectorIndex.open(dir, spec, options);
    IndexManifest opened = index.manifest();
    if (!opened.tableVersion().equals(snapshot.version())
        || !opened.tableId().equals(snapshot.tableId())) {
      index.close();
      throw new IOException(
          "snapshot of "
              + collection
              + "/"
              + vector
              + " at version "
              + snapshot.tableVersion()
              + " opened as version "
              + opened.tableVersion()
              + ": not used");
    }
    log.info(
        "Restored {}/{} from the snapshot at table version {} ({} bytes) in {} ms",
        collection,
        vector,
        snapshot.tableVersion(),
        snapshot.bytes(),
        (System.nanoTime() - started) / 1_000_000);
    return index;
  }

  /**
   * Deletes old snapshots: of every fit, all but the {@code keep} newest are deleted once older
   * than {@code grace}; snapshots of other fits than {@code currentFit} (an index definition or a
   * table no longer served) are deleted once older than {@code grace}, and uploads no manifest
   * names too.
   *
   * @param currentFit the fit the collection's index has now, or null when unknown
   * @return how many snapshots were deleted
   */
  public int retain(int keep, Duration grace, Instant now, String currentFit) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one snapshot");
    }
    Instant before = now.minus(grace);
    List<BlobStore.Entry> entries = store.list(prefix);
    Map<String, List<SnapshotManifest>> byFit = new LinkedHashMap<>();
    for (SnapshotManifest m : all()) {
      byFit.computeIfAbsent(m.fit(), f -> new ArrayList<>()).add(m);
    }
    Set<String> referenced = new HashSet<>();
    int deleted = 0;
    for (Map.Entry<String, List<SnapshotManifest>> e : byFit.entrySet()) {
      boolean current = e.getKey().equals(currentFit) || currentFit == null;
      List<SnapshotManifest> newestFirst = e.getValue();
      for (int i = 0; i < newestFirst.size(); i++) {
        SnapshotManifest m = newestFirst.get(i);
        boolean kept = current && i < keep;
        if (kept || m.published().isAfter(before)) {
          referenced.add(m.data());
          continue;
        }
        store.delete(manifestKey(m.fit(), m.version(), m.segments()));
        deleted++;
      }
    }
    // data of deleted snapshots, and uploads without a manifest once past the grace period
    Map<String, Instant> uploads = new LinkedHashMap<>();
    for (BlobStore.Entry e : entries) {
      String rest = e.key().substring(prefix.length());
      if (rest.startsWith("data/")) {
        int end = rest.indexOf('/', "data/".length());
        if (end > 0) {
          uploads.merge(rest.substring(0, end + 1), e.modified(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    for (Map.Entry<String, Instant> u : uploads.entrySet()) {
      if (!referenced.contains(u.getKey()) && u.getValue().isBefore(before)) {
        deleteUpload(u.getKey());
      }
    }
    if (deleted > 0) {
      log.info("Deleted {} old snapshots of {}/{}", deleted, collection, vector);
    }
    return deleted;
  }
}
