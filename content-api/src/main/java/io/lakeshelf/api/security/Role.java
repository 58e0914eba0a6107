package io.lakeshelf.api.security;

import java.util.Locale;

/**
 * What a key may do. Roles are ordered: {@code admin} may do all that {@code write} may, and {@code
 * write} all that {@code read} may.
 */
public enum Role {
  /** Search and get documents and collections. */
  READ,
  /** Ingest and delete documents. */
  WRITE,
  /** Create and drop collections, reindex, and see actuator details and metrics. */
  ADMIN;

  public boolean includes(Role other) {
    return ordinal() >= other.ordinal();
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
