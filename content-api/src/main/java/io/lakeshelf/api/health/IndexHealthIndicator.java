package io.lakeshelf.api.health;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.CollectionStatus;
import io.lakeshelf.api.catalog.ServedCollection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code index} component: for each collection, the table version, the version its indexes
 * reflect, and how far behind they are. DOWN when a collection failed to sync (with the reason);
 * OUT_OF_SERVICE while a first build runs.
 */
public final class IndexHealthIndicator extends AbstractHealthIndicator {

  private final CollectionRegistry registry;

  public IndexHealthIndicator(CollectionRegistry registry) {
    super("index check failed");
    this.registry = registry;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean failed = false;
    boolean building = false;
    Map<String, Object> collections = new LinkedHashMap<>();
    for (ServedCollection c : registry.all()) {
      Map<String, Object> d = new LinkedHashMap<>();
      CollectionStatus status = c.status();
      long table = c.tableVersion().value();
      long indexed = c.indexedVersion().value();
      d.put("status", status.wireName());
      d.put("tableVersion", table);
      d.put("indexedVersion", indexed);
      d.put("lagVersions", Math.max(0, table - indexed));
      d.put("lagSeconds", c.lag().toSeconds());
      d.put("documents", c.documents());
      d.put("skippedRows", c.skippedRows());
      if (c.failure() != null) {
        d.put("error", c.failure());
      }
      failed |= status == CollectionStatus.FAILED;
      building |= status == CollectionStatus.BUILDING;
      collections.put(c.name(), d);
    }
    builder.withDetail("collections", collections);
    if (failed) {
      builder.down();
    } else if (building) {
      builder.outOfService();
    } else {
      builder.up();
    }
  }
}
