package io.lakeshelf.api.security;

import java.util.Locale;

/**
 * What a key may do. {@code admin} may do all the others may; {@code write} all that {@code read}
 * may. {@code metrics} stands apart: it reads the service's metrics ({@code /actuator/prometheus},
 * {@code /actuator/metrics/**}) and nothing else, for a scraper that should see no document.
 */
public enum Role {
  /** Search and get documents and collections. */
  READ,
  /** Ingest and delete documents. */
  WRITE,
  /** Create and drop collections, reindex, and see actuator details and metrics. */
  ADMIN,
  /** Read the metrics endpoints only (a Prometheus scraper). */
  METRICS;

  /** Whether a key with this role may do what {@code other} allows. */
  public boolean includes(Role other) {
    return switch (this) {
      case ADMIN -> true;
      case WRITE -> other == WRITE || other == READ;
      case READ -> other == READ;
      case METRICS -> other == METRICS;
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
