package io.lakeshelf.index.filter;

/**
 * The type of a filterable field, and how the index holds it: strings and booleans as keywords,
 * integers, dates (days since the epoch) and timestamps (microseconds since the epoch, UTC) as
 * longs, floating-point and decimal numbers as doubles. Filter values for dates are {@code
 * yyyy-mm-dd}; for timestamps ISO-8601 instants ({@code 2024-01-01T00:00:00Z}) or dates (midnight
 * UTC).
 *
 * <p>{@link #METADATA} is the metadata map as a whole: each entry is indexed by the JSON type of
 * its value (see {@link io.lakeshelf.index.schema.FilterValues#addMetadata}), so every key filters
 * without being declared, and a filter value compares with the values of its own type.
 */
public enum FieldType {
  KEYWORD,
  BOOLEAN,
  LONG,
  DOUBLE,
  DATE,
  TIMESTAMP,
  METADATA
}
