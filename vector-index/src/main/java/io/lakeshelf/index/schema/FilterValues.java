package io.lakeshelf.index.schema;

import io.lakeshelf.index.filter.FilterField;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;

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

  /** The field holding each metadata key a row has (for {@code exists}). */
  public static final String METADATA_KEYS = "m.keys";

  /** The prefix of a metadata key's string values. */
  public static final String METADATA_STRING = "m.s.";

  /** The prefix of a metadata key's integer values (long points). */
  public static final String METADATA_LONG = "m.l.";

  /** The prefix of a metadata key's floating-point values (double points). */
  public static final String METADATA_DOUBLE = "m.d.";

  /** The prefix of a metadata key's boolean values ({@code true}, {@code false}). */
  public static final String METADATA_BOOLEAN = "m.b.";

  /**
   * Adds a row's metadata ({@link io.lakeshelf.content.scan.FileRows#metadata}), each entry by the
   * JSON type of its value: {@code m.keys} holds every key; a string under {@code m.s.<key>}, an
   * integer as a long point under {@code m.l.<key>}, a floating-point number as a double point
   * under {@code m.d.<key>} (a float as the decimal it prints as), a boolean under {@code
   * m.b.<key>}.
   */
  public static void addMetadata(Document d, Map<String, Object> metadata) {
    metadata.forEach(
        (key, v) -> {
          if (!fitsTerm(key)) {
            return;
          }
          d.add(new StringField(METADATA_KEYS, key, Field.Store.NO));
          switch (v) {
            case String s -> {
              if (fitsTerm(s)) {
                d.add(new StringField(METADATA_STRING + key, s, Field.Store.NO));
              }
            }
            case Boolean b ->
                d.add(new StringField(METADATA_BOOLEAN + key, b.toString(), Field.Store.NO));
            case Long l -> d.add(new LongPoint(METADATA_LONG + key, l));
            case Integer n -> d.add(new LongPoint(METADATA_LONG + key, n));
            case Short n -> d.add(new LongPoint(METADATA_LONG + key, n));
            case Byte n -> d.add(new LongPoint(METADATA_LONG + key, n));
            case Float f -> d.add(new DoublePoint(METADATA_DOUBLE + key, floatAsDouble(f)));
            case Double x -> d.add(new DoublePoint(METADATA_DOUBLE + key, x));
            default -> {
              // no other JSON scalar
            }
          }
        });
  }

  /** A float as the decimal it prints as, so that a filter's 0.1 equals a stored 0.1f. */
  private static double floatAsDouble(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  private static boolean fitsTerm(String value) {
    return value.length() * 3 <= MAX_KEYWORD_BYTES
        || value.getBytes(StandardCharsets.UTF_8).length <= MAX_KEYWORD_BYTES;
  }

  /** Lucene's longest indexed term, in UTF-8 bytes. */
  private static final int MAX_KEYWORD_BYTES = 32766;

  /**
   * A keyword value, or nothing for one longer than a term may be (it cannot be matched exactly
   * anyway).
   */
  private static void keyword(Document d, String name, String value) {
    if (fitsTerm(value)) {
      d.add(new KeywordField(name, value, Field.Store.NO));
    }
  }

  /** Adds a column's values: none when the row's value is null. */
  public static void add(Document d, FilterField f, List<Object> values) {
    for (Object value : values) {
      add(d, f, value);
    }
  }

  private static void add(Document d, FilterField f, Object v) {
    String name = f.indexField();
    switch (f.type()) {
      case KEYWORD -> keyword(d, name, (String) v);
      case BOOLEAN -> d.add(new KeywordField(name, Boolean.toString((Boolean) v), Field.Store.NO));
      case LONG -> d.add(new LongField(name, ((Number) v).longValue(), Field.Store.NO));
      case DOUBLE -> {
        // a float as the decimal it prints as, so that a filter's 0.1 equals a stored 0.1f
        double x =
            v instanceof Float fl
                ? floatAsDouble(fl)
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
      case METADATA -> throw new IllegalArgumentException("metadata is added by addMetadata");
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
