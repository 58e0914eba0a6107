package io.lakeshelf.api.health;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.IndexSource;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.catalog.SnapshotPublisher;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code snapshots} component: where the catalog is, and for each collection and vector where
 * its serving index came from ({@link IndexSource}) and how old the newest snapshot in the catalog
 * is, in seconds and in table versions behind the index. Always UP: a node serves whether or not
 * its snapshots are fresh; a stale one only makes a new node's catch-up longer.
 */
public final class SnapshotHealthIndicator extends AbstractHealthIndicator {

  private final CollectionRegistry registry;
  private final SnapshotPublisher snapshots;
  private final Duration interval;

  /**
   * @param interval how often snapshots are published; null for never on a schedule
   */
  public SnapshotHealthIndicator(
      CollectionRegistry registry, SnapshotPublisher snapshots, Duration interval) {
    super("snapshot check failed");
    this.registry = registry;
    this.snapshots = snapshots;
    this.interval = interval;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("catalog", registry.catalog().location());
    builder.withDetail("shared", registry.catalog().shared());
    builder.withDetail("publishInterval", interval == null ? "none" : interval.toString());
    Map<String, Object> collections = new LinkedHashMap<>();
    Instant now = Instant.now();
    for (ServedCollection c : registry.all()) {
      Map<String, IndexSource> sources = c.indexSources();
      Map<String, SnapshotManifest> newest = snapshots.newestForHealth(c.name());
      Map<String, Object> vectors = new LinkedHashMap<>();
      for (Map.Entry<String, VectorIndex> e : c.indexes().entrySet()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("indexSource", sources.get(e.getKey()));
        SnapshotManifest m = newest.get(e.getKey());
        if (m == null) {
          d.put("newestSnapshot", "none");
        } else {
          d.put("newestSnapshotVersion", m.tableVersion());
          d.put("newestSnapshotAgeSeconds", Duration.between(m.published(), now).toSeconds());
          d.put(
              "newestSnapshotLagVersions",
              Math.max(0, e.getValue().version().value() - m.tableVersion()));
          d.put("newestSnapshotBytes", m.bytes());
        }
        vectors.put(e.getKey(), d);
      }
      collections.put(c.name(), vectors);
    }
    builder.withDetail("collections", collections).up();
  }
}
