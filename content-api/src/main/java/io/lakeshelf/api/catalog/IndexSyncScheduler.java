package io.lakeshelf.api.catalog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every collection's table: every sync interval, reads the latest table version and applies
 * to the indexes what they have not seen (commits of other writers, ingests answered with {@code
 * refresh=false}, and at start the catch-up or first build). Also publishes the {@code
 * lakeshelf.index.lag} gauge per collection.
 */
public final class IndexSyncScheduler extends PeriodicTask {

  private static final Logger log = LoggerFactory.getLogger(IndexSyncScheduler.class);

  private final CollectionRegistry registry;
  private final Duration interval;
  private final MeterRegistry meters;
  private final Map<String, String> reportedFailures = new ConcurrentHashMap<>();
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private volatile String catalogFailure;

  public IndexSyncScheduler(CollectionRegistry registry, Duration interval, MeterRegistry meters) {
    super("lakeshelf-index-sync");
    this.registry = registry;
    this.interval = interval;
    this.meters = meters;
  }

  @Override
  Duration interval() {
    return interval;
  }

  @Override
  void runOnce() {
    syncAll();
  }

  /**
   * One round: a shared catalog's changes are served (see {@link
   * CollectionRegistry#refreshFromCatalog}), then every collection that is not busy catches up.
   */
  void syncAll() {
    try {
      registry.refreshFromCatalog();
      if (catalogFailure != null) {
        log.info("The catalog at {} is readable again", registry.catalog().location());
        catalogFailure = null;
      }
    } catch (RuntimeException e) {
      String reason = String.valueOf(e.getMessage());
      if (!reason.equals(catalogFailure)) {
        log.error("Cannot read the catalog: {}", reason, e);
      }
      catalogFailure = reason;
    }
    Set<String> names = new HashSet<>();
    for (ServedCollection c : registry.all()) {
      names.add(c.name());
      gauge(c.name());
      try {
        c.catchUp();
        if (reportedFailures.remove(c.name()) != null) {
          log.info("Collection {} syncs again", c.name());
        }
      } catch (Exception e) {
        if (registry.find(c.name()).orElse(null) != c) {
          // Replaced (a PUT that changed it) or deleted while this round held the old one, whose
          // indexes are closed: nothing failed, the new one syncs in the next round.
          log.debug("Collection {} changed while it synced: {}", c.name(), e.toString());
          continue;
        }
        String reason = String.valueOf(e.getMessage());
        if (!reason.equals(reportedFailures.put(c.name(), reason))) {
          log.error("Collection {} failed to sync: {}", c.name(), reason, e);
        }
      }
    }
    reportedFailures.keySet().retainAll(names);
  }

  private void gauge(String name) {
    if (gauged.add(name)) {
      Gauge.builder(
              "lakeshelf.index.lag",
              registry,
              r ->
                  r.find(name)
                      .map(
                          c ->
                              (double)
                                  Math.max(
                                      0, c.tableVersion().value() - c.indexedVersion().value()))
                      .orElse(0.0))
          .tag("collection", name)
          .description("Table versions the collection's index has not applied yet")
          .register(meters);
    }
  }
}
