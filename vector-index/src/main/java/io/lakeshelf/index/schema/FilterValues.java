package io.lakeshelf.index.schema;

import io.lakeshelf.index.filter.FilterField;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;

/**
 * Puts a row's filterable values into its index document, typed as {@link
 * io.lakeshelf.index.filter.FieldType} says: keywords (with doc values, so {@code exists} works),
 * longs (dates as epoch days, timestamps as epoch microseconds) and doubles. Null values, NaN and
 * strings longer than a Lucene term (32 KB) add nothing: the row does not have the field.
 *
 * <p>Values are plain Java values as {@link io.lakeshelf.content.scan.FileRows#values} yields them.
 */
public final class FilterValues {

  private FilterValues() {}

  /** Lucene's longest indexed term, in UTF-8 bytes. */
  private static final int MAX_KEYWORD_BYTES = 32766;

  /**
   * A keyword value, or nothing for one longer than a term may be (it cannot be matched exactly
   * anyway).
   */
  private static void keyword(Document d, String name, String value) {
    if (value.length() * 3 <= MAX_KEYWORD_BYTES
        || value.getBytes(StandardCharsets.UTF_8).length <= MAX_KEYWORD_BYTES) {
      d.add(new KeywordField(name, value, Field.Store.NO));
    }
  }

  /**
   * Adds a field's values: none when the row's value is null; for a metadata key, the text of each
   * entry with that key (a metadata value of any scalar type filters as the text the join renders
   * it as).
   */
  public static void add(Document d, FilterField f, List<Object> values) {
    for (Object value : values) {
      add(d, f, value);
    }
  }

  private static void add(Document d, FilterField f, Object v) {
    String name = f.indexField();
    if (f.metadataKey() != null) {
      keyword(d, name, (String) v);
      return;
    }
    switch (f.type()) {
      case KEYWORD -> keyword(d, name, (String) v);
      case BOOLEAN -> d.add(new KeywordField(name, Boolean.toString((Boolean) v), Field.Store.NO));
      case LONG -> d.add(new LongField(name, ((Number) v).longValue(), Field.Store.NO));
      case DOUBLE -> {
        // a float as the decimal it prints as, so that a filter's 0.1 equals a stored 0.1f
        double x =
            v instanceof Float fl
                ? Double.parseDouble(Float.toString(fl))
                : v instanceof Double db
                    ? db
                    : v instanceof BigDecimal dec ? dec.doubleValue() : Double.NaN;
        if (!Double.isNaN(x)) {
          d.add(new DoubleField(name, x, Field.Store.NO));
        }
      }
      case DATE ->
          d.add(
              new LongField(
                  name,
                  v instanceof LocalDate date ? date.toEpochDay() : ((Number) v).longValue(),
                  Field.Store.NO));
      case TIMESTAMP -> d.add(new LongField(name, micros(v), Field.Store.NO));
      default -> throw new AssertionError(f.type());
    }
  }

  /** Epoch microseconds of a timestamp (a timestamp without zone as if in UTC). */
  private static long micros(Object v) {
    Instant t = v instanceof LocalDateTime local ? local.toInstant(ZoneOffset.UTC) : (Instant) v;
    // wrapping arithmetic: exact for every instant made from a long of microseconds, even where
    // the seconds times a million alone would not fit
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000L;
  }
}
