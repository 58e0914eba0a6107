package io.lakeshelf.index.filter;

/**
 * The type of a filterable field, and how the index holds it: strings and booleans as keywords,
 * integers, dates (days since the epoch) and timestamps (microseconds since the epoch, UTC) as
 * longs, floating-point and decimal numbers as doubles. Filter values for dates are {@code
 * yyyy-mm-dd}; for timestamps ISO-8601 instants ({@code 2024-01-01T00:00:00Z}) or dates (midnight
 * UTC).
 */
public enum FieldType {
  KEYWORD,
  BOOLEAN,
  LONG,
  DOUBLE,
  DATE,
  TIMESTAMP
}
