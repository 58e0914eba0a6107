package io.lakeshelf.index.filter;

import io.lakeshelf.index.schema.FilterValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The queries of a filter on a metadata key, over the fields {@link FilterValues#addMetadata}
 * writes. A filter value compares with the key's values of its own JSON type: a string with strings
 * (ranges by UTF-8 bytes), a boolean with booleans ({@code eq}, {@code ne}, {@code in}), a number
 * with integers and floating-point numbers alike, by numeric value (an integer exactly, in 64 bits;
 * a floating-point number as a double). A value of another type never matches; no comparison is an
 * error but a range on a boolean.
 */
final class MetadataQueries {

  private MetadataQueries() {}

  /** Rows that have the key, with a value of any type. */
  static Query exists(String key) {
    return new TermQuery(new Term(FilterValues.METADATA_KEYS, key));
  }

  static Query in(FilterField f, List<Object> values) {
    List<BytesRef> strings = new ArrayList<>();
    List<BytesRef> booleans = new ArrayList<>();
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (Object v : values) {
      switch (v) {
        case String s -> strings.add(new BytesRef(s));
        case Boolean b -> booleans.add(new BytesRef(b.toString()));
        case Number n -> any.add(compare(f, Filter.Op.EQ, n), BooleanClause.Occur.SHOULD);
        default ->
            throw FilterCompiler.invalid(
                "'" + f.name() + "': " + FilterCompiler.describe(v) + " is not a JSON scalar");
      }
    }
    if (!strings.isEmpty()) {
      any.add(
          new TermInSetQuery(FilterValues.METADATA_STRING + f.metadataKey(), strings),
          BooleanClause.Occur.SHOULD);
    }
    if (!booleans.isEmpty()) {
      any.add(
          new TermInSetQuery(FilterValues.METADATA_BOOLEAN + f.metadataKey(), booleans),
          BooleanClause.Occur.SHOULD);
    }
    return any.setMinimumNumberShouldMatch(1).build();
  }

  static Query compare(FilterField f, Filter.Op op, Object value) {
    String key = f.metadataKey();
    return switch (value) {
      case String s -> strings(FilterValues.METADATA_STRING + key, op, s);
      case Boolean b -> {
        if (op != Filter.Op.EQ) {
          throw FilterCompiler.invalid(
              "'" + f.name() + "': a boolean compares with eq, ne and in only");
        }
        yield new TermQuery(new Term(FilterValues.METADATA_BOOLEAN + key, b.toString()));
      }
      case Number n -> numbers(f, key, op, n);
      default ->
          throw FilterCompiler.invalid(
              "'" + f.name() + "': " + FilterCompiler.describe(value) + " is not a JSON scalar");
    };
  }

  private static Query strings(String field, Filter.Op op, String v) {
    return switch (op) {
      case EQ -> new TermQuery(new Term(field, v));
      case GT -> TermRangeQuery.newStringRange(field, v, null, false, false);
      case GTE -> TermRangeQuery.newStringRange(field, v, null, true, false);
      case LT -> TermRangeQuery.newStringRange(field, null, v, false, false);
      case LTE -> TermRangeQuery.newStringRange(field, null, v, false, true);
      case NE -> throw new AssertionError();
    };
  }

  /** Integers (long points) and floating-point values (double points) compared with a number. */
  private static Query numbers(FilterField f, String key, Filter.Op op, Number n) {
    BigDecimal exact;
    try {
      exact =
          n instanceof BigDecimal d
              ? d
              : n instanceof BigInteger i
                  ? new BigDecimal(i)
                  : n instanceof Double || n instanceof Float
                      ? new BigDecimal(n.toString())
                      : BigDecimal.valueOf(n.longValue());
    } catch (NumberFormatException e) {
      throw FilterCompiler.invalid("'" + f.name() + "': " + n + " is not a finite number");
    }
    double asDouble = exact.doubleValue();
    if (!Double.isFinite(asDouble)) {
      throw FilterCompiler.invalid("'" + f.name() + "': " + n + " overflows a double");
    }
    return new BooleanQuery.Builder()
        .add(longs(FilterValues.METADATA_LONG + key, op, exact), BooleanClause.Occur.SHOULD)
        .add(doubles(FilterValues.METADATA_DOUBLE + key, op, asDouble), BooleanClause.Occur.SHOULD)
        .setMinimumNumberShouldMatch(1)
        .build();
  }

  private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  /** Integers compared exactly with a decimal value. */
  private static Query longs(String field, Filter.Op op, BigDecimal v) {
    // The integer bounds of the range: [lo, hi] over the longs.
    BigDecimal lo;
    BigDecimal hi;
    switch (op) {
      case EQ -> {
        if (v.stripTrailingZeros().scale() > 0) {
          return new MatchNoDocsQuery();
        }
        lo = v;
        hi = v;
      }
      case GT -> {
        lo = v.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
        hi = MAX_LONG;
      }
      case GTE -> {
        lo = v.setScale(0, RoundingMode.CEILING);
        hi = MAX_LONG;
      }
      case LT -> {
        lo = MIN_LONG;
        hi = v.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
      }
      case LTE -> {
        lo = MIN_LONG;
        hi = v.setScale(0, RoundingMode.FLOOR);
      }
      default -> throw new AssertionError(op);
    }
    lo = lo.max(MIN_LONG);
    hi = hi.min(MAX_LONG);
    if (lo.compareTo(hi) > 0) {
      return new MatchNoDocsQuery();
    }
    return LongPoint.newRangeQuery(field, lo.longValueExact(), hi.longValueExact());
  }

  private static Query doubles(String field, Filter.Op op, double v) {
    return switch (op) {
      case EQ -> DoublePoint.newExactQuery(field, v);
      case GT -> DoublePoint.newRangeQuery(field, Math.nextUp(v), Double.POSITIVE_INFINITY);
      case GTE -> DoublePoint.newRangeQuery(field, v, Double.POSITIVE_INFINITY);
      case LT -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(v));
      case LTE -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, v);
      case NE -> throw new AssertionError();
    };
  }
}
