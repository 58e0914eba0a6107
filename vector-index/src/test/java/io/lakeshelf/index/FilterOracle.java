package io.lakeshelf.index;

import io.lakeshelf.index.filter.FieldType;
import io.lakeshelf.index.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;

/**
 * A filter evaluated in plain Java against a row's values, as {@link Filter} documents it, for
 * checking what the index matches. A row is its field values by filter name: strings for keyword
 * fields, epoch microseconds ({@code Long}) for timestamps, {@code Long} for integers; a field the
 * row does not have is absent (or null).
 */
final class FilterOracle {

  private final Map<String, FieldType> types;

  FilterOracle(Map<String, FieldType> types) {
    this.types = Map.copyOf(types);
  }

  boolean matches(Filter filter, Map<String, ?> row) {
    return switch (filter) {
      case Filter.And and -> and.all().stream().allMatch(f -> matches(f, row));
      case Filter.Or or -> or.any().stream().anyMatch(f -> matches(f, row));
      case Filter.Not not -> !matches(not.filter(), row);
      case Filter.Exists e -> (row.get(e.field()) != null) == e.exists();
      case Filter.In in -> {
        Object v = row.get(in.field());
        yield v != null && in.values().stream().anyMatch(x -> compare(in.field(), v, x) == 0);
      }
      case Filter.Compare c -> {
        Object v = row.get(c.field());
        if (v == null) {
          yield false;
        }
        int cmp = compare(c.field(), v, c.value());
        yield switch (c.op()) {
          case EQ -> cmp == 0;
          case NE -> cmp != 0;
          case GT -> cmp > 0;
          case GTE -> cmp >= 0;
          case LT -> cmp < 0;
          case LTE -> cmp <= 0;
        };
      }
    };
  }

  /** The row's value against a filter value: negative if the row's is smaller. */
  private int compare(String field, Object rowValue, Object filterValue) {
    FieldType type = types.get(field);
    if (type == null) {
      throw new IllegalArgumentException("no type for " + field);
    }
    return switch (type) {
      // Lucene orders terms by their UTF-8 bytes, unsigned.
      case KEYWORD ->
          Arrays.compareUnsigned(
              ((String) rowValue).getBytes(StandardCharsets.UTF_8),
              ((String) filterValue).getBytes(StandardCharsets.UTF_8));
      case TIMESTAMP -> Long.compare((Long) rowValue, micros((String) filterValue));
      case LONG -> Long.compare((Long) rowValue, ((Number) filterValue).longValue());
      case BOOLEAN -> Boolean.compare((Boolean) rowValue, (Boolean) filterValue);
      default -> throw new IllegalArgumentException("unsupported type " + type);
    };
  }

  /** An ISO-8601 instant, or a date meaning its midnight UTC, as epoch microseconds. */
  static long micros(String value) {
    Instant t =
        value.length() == 10
            ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC)
            : Instant.parse(value);
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }
}
