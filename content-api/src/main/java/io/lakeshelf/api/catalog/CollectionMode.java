package io.lakeshelf.api.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who writes a collection's table. */
public enum CollectionMode {
  /** Lakeshelf creates and writes the table; documents come in through the ingest API. */
  MANAGED,
  /** Someone else writes the table; Lakeshelf only reads it. */
  EXTERNAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CollectionMode fromWireName(String s) {
    for (CollectionMode m : values()) {
      if (m.wireName().equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("mode must be managed or external, got '" + s + "'");
  }
}
