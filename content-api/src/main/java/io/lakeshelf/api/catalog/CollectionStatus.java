package io.lakeshelf.api.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a collection's index stands against its table. */
public enum CollectionStatus {
  /** The index reflects the table's latest version. */
  READY,
  /** The first build of an index is running. */
  BUILDING,
  /** The table has commits the index has not applied yet. */
  STALE,
  /** The last attempt to sync failed; the reason is in the health details. */
  FAILED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
