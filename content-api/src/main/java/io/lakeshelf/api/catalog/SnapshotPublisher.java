package io.lakeshelf.api.catalog;

import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.snapshot.IndexSnapshots;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every collection's indexes as snapshots to the catalog ({@link IndexSnapshots}): on a
 * schedule when an index changed since its newest snapshot, after a reindex, and on request. Any
 * node may publish; two publishing the same state write one snapshot. Each publish applies the
 * retention rule to the vector's snapshots. Also answers, for health, how old each collection's
 * newest snapshot is.
 */
public final class SnapshotPublisher extends PeriodicTask {

  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  /** How long a look at the newest snapshots (a listing per vector) is reused by health. */
  private static final Duration NEWEST_TTL = Duration.ofSeconds(30);

  /** What a publish of one vector's index did. */
  public record Result(
      String vector, IndexSnapshots.Outcome outcome, SnapshotManifest snapshot, String error) {}

  private final CollectionRegistry registry;
  private final CollectionCatalog catalog;
  private final Duration interval;
  private final int keep;
  private final Duration grace;
  private final String node;
  private final Object publishing = new Object();
  private final Map<String, Newest> newest = new ConcurrentHashMap<>();

  private record Newest(Map<String, SnapshotManifest> byVector, Instant seen) {}

  /**
   * @param interval how often changed indexes are published; null for never on a schedule
   */
  public SnapshotPublisher(
      CollectionRegistry registry,
      CollectionCatalog catalog,
      Duration interval,
      int keep,
      Duration grace) {
    super("lakeshelf-snapshots");
    this.registry = registry;
    this.catalog = catalog;
    this.interval = interval;
    this.keep = keep;
    this.grace = grace;
    this.node = nodeName();
  }

  /** This node, as manifests name their publisher: host and process id. */
  static String nodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  /** Publishes every vector's index of a collection now (404 for an unknown collection). */
  public List<Result> publish(String collection) {
    ServedCollection c = registry.get(collection);
    synchronized (publishing) {
      List<Result> results = new ArrayList<>();
      Map<String, SnapshotManifest> newestByVector = new LinkedHashMap<>();
      for (Map.Entry<String, VectorIndex> e : c.indexes().entrySet()) {
        VectorIndex index = e.getValue();
        IndexSnapshots snapshots = new IndexSnapshots(catalog.snapshots(), c.name(), e.getKey());
        try {
          IndexSnapshots.Published p = snapshots.publish(index, node);
          results.add(new Result(e.getKey(), p.outcome(), p.snapshot(), null));
          if (p.snapshot() != null) {
            newestByVector.put(e.getKey(), p.snapshot());
            snapshots.retain(
                keep,
                grace,
                Instant.now(),
                IndexSnapshots.fit(index.spec(), index.options(), p.snapshot().tableId()));
          }
        } catch (IOException | RuntimeException ex) {
          if (registry.find(c.name()).orElse(null) != c || isClosed(ex)) {
            log.debug("Collection {} changed while it was published: {}", c.name(), ex.toString());
          } else {
            log.warn("Publishing a snapshot of {}/{} failed", c.name(), e.getKey(), ex);
          }
          results.add(new Result(e.getKey(), null, null, String.valueOf(ex.getMessage())));
        }
      }
      newest.put(c.name(), new Newest(newestByVector, Instant.now()));
      return results;
    }
  }

  private static int segmentCount(VectorIndex index) {
    try (VectorIndex.View view = index.acquire()) {
      return view.segmentCount();
    }
  }

  private static boolean isClosed(Exception e) {
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("closed");
  }

  /** Publishes a collection soon, off the caller's thread (after a reindex, say). */
  public void publishSoon(String collection) {
    Thread.ofVirtual()
        .name("lakeshelf-snapshot-" + collection)
        .start(
            () -> {
              try {
                if (registry.find(collection).isPresent()) {
                  publish(collection);
                }
              } catch (RuntimeException e) {
                log.warn("Publishing snapshots of {} failed: {}", collection, e.toString());
              }
            });
  }

  /**
   * One scheduled round: every collection whose index moved past its newest snapshot, when that
   * snapshot is older than the interval (or there is none).
   */
  void publishChanged() {
    for (ServedCollection c : registry.all()) {
      try {
        Map<String, SnapshotManifest> known = newestOf(c.name(), Duration.ZERO);
        boolean changed = false;
        for (Map.Entry<String, VectorIndex> e : c.indexes().entrySet()) {
          SnapshotManifest m = known.get(e.getKey());
          VectorIndex index = e.getValue();
          // Behind, and the newest snapshot is older than the interval: with many nodes, about
          // one of them publishes per interval (each skips once another published), not each.
          // Merged into fewer segments at the same version (an idle index merges down): publish
          // at once, so that nodes restoring it need not repeat the merge.
          if (!index.version().isNone()
              && (m == null
                  || ((m.tableVersion() != index.version().value()
                          || !m.tableId().equals(index.manifest().tableId()))
                      && m.published().plus(interval).isBefore(Instant.now()))
                  || (m.tableVersion() == index.version().value()
                      && segmentCount(index) < m.segments()))) {
            changed = true;
          }
        }
        if (changed) {
          publish(c.name());
        }
      } catch (RuntimeException e) {
        log.warn("Publishing snapshots of {} failed: {}", c.name(), e.toString());
      }
    }
  }

  /**
   * The newest snapshot of each vector of a collection, as last looked at (at most {@code maxAge}
   * ago, else looked at again: a listing per vector).
   */
  public Map<String, SnapshotManifest> newestOf(String collection, Duration maxAge) {
    Newest n = newest.get(collection);
    if (n != null && n.seen().plus(maxAge).isAfter(Instant.now())) {
      return n.byVector();
    }
    Optional<ServedCollection> c = registry.find(collection);
    if (c.isEmpty()) {
      newest.remove(collection);
      return Map.of();
    }
    Map<String, SnapshotManifest> byVector = new LinkedHashMap<>();
    for (Map.Entry<String, VectorIndex> e : c.get().indexes().entrySet()) {
      VectorIndex index = e.getValue();
      try {
        List<SnapshotManifest> all =
            new IndexSnapshots(catalog.snapshots(), collection, e.getKey()).all();
        String tableId = index.manifest().tableId();
        String fit = IndexSnapshots.fit(index.spec(), index.options(), tableId);
        all.stream()
            .filter(m -> m.fit().equals(fit))
            .findFirst()
            .ifPresent(m -> byVector.put(e.getKey(), m));
      } catch (IOException | RuntimeException ex) {
        log.debug("Cannot list the snapshots of {}/{}: {}", collection, e.getKey(), ex.toString());
      }
    }
    newest.put(collection, new Newest(byVector, Instant.now()));
    return byVector;
  }

  /** For health: as {@link #newestOf}, reusing a look of the last 30 seconds. */
  public Map<String, SnapshotManifest> newestForHealth(String collection) {
    return newestOf(collection, NEWEST_TTL);
  }

  /** Every snapshot of each vector of a collection, newest first (404 for an unknown one). */
  public Map<String, List<SnapshotManifest>> list(String collection) throws IOException {
    ServedCollection c = registry.get(collection);
    Map<String, List<SnapshotManifest>> out = new LinkedHashMap<>();
    for (String vector : c.indexes().keySet()) {
      out.put(vector, new IndexSnapshots(catalog.snapshots(), collection, vector).all());
    }
    return out;
  }

  @Override
  Duration interval() {
    return interval;
  }

  /** Nodes started together spread their first rounds over half the interval. */
  @Override
  Duration firstDelay() {
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(interval.toMillis() / 2 + 1));
  }

  @Override
  void runOnce() {
    publishChanged();
  }

  @Override
  public synchronized void start() {
    super.start();
    if (interval != null) {
      log.info(
          "Publishing index snapshots to {} every {}", catalog.snapshots().location(), interval);
    }
  }
}
