package io.lakeshelf.index.filter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Compiles a {@link Filter} into the Lucene query that selects the rows it matches, checking it
 * against the filterable fields: an unknown field is {@code FIELD_NOT_FILTERABLE}; a value of the
 * wrong type, an empty {@code in}, {@code and} or {@code or}, or a filter nested deeper than
 * allowed is {@code INVALID_FILTER}. Each message names the field and what was wrong.
 */
public final class FilterCompiler {

  /** The most values one {@code in} may list. */
  public static final int MAX_IN_VALUES = 1024;

  private final Map<String, FilterField> fields;
  private final Query allRows;

  /**
   * @param fields the filterable fields, by name
   * @param allRows the query matching every row document (the universe {@code not} complements in)
   */
  public FilterCompiler(Map<String, FilterField> fields, Query allRows) {
    this.fields = Map.copyOf(fields);
    this.allRows = allRows;
  }

  /** The query for a filter at most {@code maxDepth} deep. */
  public Query compile(Filter filter, int maxDepth) {
    if (filter.depth() > maxDepth) {
      throw invalid(
          "the filter nests "
              + filter.depth()
              + " levels deep; at most "
              + maxDepth
              + " are allowed");
    }
    return compile(filter);
  }

  private Query compile(Filter filter) {
    return switch (filter) {
      case Filter.And and -> {
        if (and.all().isEmpty()) {
          throw invalid("'and' needs at least one filter");
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        and.all().forEach(f -> b.add(compile(f), BooleanClause.Occur.FILTER));
        yield b.build();
      }
      case Filter.Or or -> {
        if (or.any().isEmpty()) {
          throw invalid("'or' needs at least one filter");
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        or.any().forEach(f -> b.add(compile(f), BooleanClause.Occur.SHOULD));
        b.setMinimumNumberShouldMatch(1);
        yield b.build();
      }
      case Filter.Not not ->
          new BooleanQuery.Builder()
              .add(allRows, BooleanClause.Occur.FILTER)
              .add(compile(not.filter()), BooleanClause.Occur.MUST_NOT)
              .build();
      case Filter.Exists exists -> {
        FilterField f = field(exists.field());
        Query has =
            f.type() == FieldType.METADATA
                ? MetadataQueries.exists(f.metadataKey())
                : new FieldExistsQuery(f.indexField());
        yield exists.exists()
            ? has
            : new BooleanQuery.Builder()
                .add(allRows, BooleanClause.Occur.FILTER)
                .add(has, BooleanClause.Occur.MUST_NOT)
                .build();
      }
      case Filter.In in -> {
        FilterField f = field(in.field());
        if (in.values().isEmpty()) {
          throw invalid("'" + f.name() + "': 'in' needs at least one value");
        }
        if (in.values().size() > MAX_IN_VALUES) {
          throw invalid("'" + f.name() + "': 'in' lists at most " + MAX_IN_VALUES + " values");
        }
        yield in(f, in.values());
      }
      case Filter.Compare c -> compare(field(c.field()), c.op(), c.value());
    };
  }

  private FilterField field(String name) {
    FilterField f = fields.get(name);
    if (f == null
        && name.startsWith(FilterField.METADATA_PREFIX)
        && name.length() > FilterField.METADATA_PREFIX.length()
        && fields.get(FilterField.METADATA) instanceof FilterField metadata
        && metadata.type() == FieldType.METADATA) {
      return FilterField.metadataKey(metadata, name);
    }
    if (f == null || f.type() == FieldType.METADATA) {
      throw new FilterException(
          FilterException.Code.FIELD_NOT_FILTERABLE,
          "'"
              + name
              + "' is not filterable; filterable fields: "
              + fields.keySet().stream()
                  .map(n -> n.equals(FilterField.METADATA) ? "metadata.<any key>" : n)
                  .sorted()
                  .toList());
    }
    return f;
  }

  private Query in(FilterField f, List<Object> values) {
    String field = f.indexField();
    return switch (f.type()) {
      case METADATA -> MetadataQueries.in(f, values);
      case KEYWORD, BOOLEAN -> {
        List<BytesRef> terms = new ArrayList<>();
        values.forEach(v -> terms.add(new BytesRef(keyword(f, v))));
        yield KeywordField.newSetQuery(field, terms);
      }
      case LONG, DATE, TIMESTAMP ->
          LongField.newSetQuery(field, values.stream().mapToLong(v -> longValue(f, v)).toArray());
      case DOUBLE ->
          DoubleField.newSetQuery(
              field, values.stream().mapToDouble(v -> doubleValue(f, v)).toArray());
    };
  }

  private Query compare(FilterField f, Filter.Op op, Object value) {
    String field = f.indexField();
    if (op == Filter.Op.NE) {
      return new BooleanQuery.Builder()
          .add(
              f.type() == FieldType.METADATA
                  ? MetadataQueries.exists(f.metadataKey())
                  : new FieldExistsQuery(field),
              BooleanClause.Occur.FILTER)
          .add(compare(f, Filter.Op.EQ, value), BooleanClause.Occur.MUST_NOT)
          .build();
    }
    switch (f.type()) {
      case METADATA -> {
        return MetadataQueries.compare(f, op, value);
      }
      case KEYWORD, BOOLEAN -> {
        String v = keyword(f, value);
        if (op == Filter.Op.EQ) {
          return new TermQuery(new Term(field, v));
        }
        if (f.type() == FieldType.BOOLEAN) {
          throw invalid("'" + f.name() + "' is a boolean: only eq, ne, in and exists apply");
        }
        boolean lower = op == Filter.Op.GT || op == Filter.Op.GTE;
        boolean inclusive = op == Filter.Op.GTE || op == Filter.Op.LTE;
        return lower
            ? TermRangeQuery.newStringRange(field, v, null, inclusive, false)
            : TermRangeQuery.newStringRange(field, null, v, false, inclusive);
      }
      case LONG, DATE, TIMESTAMP -> {
        long v = longValue(f, value);
        return switch (op) {
          case EQ -> LongField.newExactQuery(field, v);
          case GT ->
              v == Long.MAX_VALUE
                  ? new MatchNoDocsQuery()
                  : LongField.newRangeQuery(field, v + 1, Long.MAX_VALUE);
          case GTE -> LongField.newRangeQuery(field, v, Long.MAX_VALUE);
          case LT ->
              v == Long.MIN_VALUE
                  ? new MatchNoDocsQuery()
                  : LongField.newRangeQuery(field, Long.MIN_VALUE, v - 1);
          case LTE -> LongField.newRangeQuery(field, Long.MIN_VALUE, v);
          case NE -> throw new AssertionError();
        };
      }
      case DOUBLE -> {
        double v = doubleValue(f, value);
        return switch (op) {
          case EQ -> DoubleField.newExactQuery(field, v);
          case GT -> DoubleField.newRangeQuery(field, Math.nextUp(v), Double.POSITIVE_INFINITY);
          case GTE -> DoubleField.newRangeQuery(field, v, Double.POSITIVE_INFINITY);
          case LT -> DoubleField.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(v));
          case LTE -> DoubleField.newRangeQuery(field, Double.NEGATIVE_INFINITY, v);
          case NE -> throw new AssertionError();
        };
      }
      default -> throw new AssertionError(f.type());
    }
  }

  private static String keyword(FilterField f, Object value) {
    if (f.type() == FieldType.BOOLEAN) {
      if (value instanceof Boolean b) {
        return b.toString();
      }
      throw invalid("'" + f.name() + "' is a boolean; " + describe(value) + " is not");
    }
    if (value instanceof String s) {
      return s;
    }
    throw invalid("'" + f.name() + "' is a string; " + describe(value) + " is not");
  }

  /**
   * A value as the index holds a long, date (epoch days) or timestamp (epoch microseconds) field.
   */
  static long longValue(FilterField f, Object value) {
    switch (f.type()) {
      case LONG -> {
        if (value instanceof Long
            || value instanceof Integer
            || value instanceof Short
            || value instanceof Byte) {
          return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b && b.bitLength() < 64) {
          return b.longValue();
        }
        if (value instanceof Number n) {
          BigDecimal d = new BigDecimal(n.toString());
          try {
            return d.longValueExact();
          } catch (ArithmeticException e) {
            throw invalid("'" + f.name() + "' is an integer; " + n + " is not");
          }
        }
        throw invalid("'" + f.name() + "' is an integer; " + describe(value) + " is not");
      }
      case DATE -> {
        if (value instanceof String s) {
          try {
            return LocalDate.parse(s).toEpochDay();
          } catch (DateTimeParseException e) {
            throw invalid("'" + f.name() + "' is a date; '" + s + "' is not a yyyy-mm-dd date");
          }
        }
        throw invalid("'" + f.name() + "' is a date; " + describe(value) + " is not");
      }
      case TIMESTAMP -> {
        if (value instanceof String s) {
          try {
            Instant t =
                s.length() == 10
                    ? LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : Instant.parse(s);
            return ChronoUnit.MICROS.between(Instant.EPOCH, t);
          } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid(
                "'"
                    + f.name()
                    + "' is a timestamp; '"
                    + s
                    + "' is not an ISO-8601 instant such as 2024-01-01T00:00:00Z");
          }
        }
        throw invalid("'" + f.name() + "' is a timestamp; " + describe(value) + " is not");
      }
      default -> throw new AssertionError(f.type());
    }
  }

  private static double doubleValue(FilterField f, Object value) {
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw invalid("'" + f.name() + "' is a number; " + describe(value) + " is not");
  }

  static String describe(Object value) {
    return value == null ? "null" : value instanceof String s ? "'" + s + "'" : value.toString();
  }

  static FilterException invalid(String message) {
    return new FilterException(FilterException.Code.INVALID_FILTER, message);
  }
}
