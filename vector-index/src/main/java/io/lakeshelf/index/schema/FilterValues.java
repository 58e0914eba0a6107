package io.lakeshelf.index;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.ShortType;
import io.lakeshelf.index.filter.FilterField;
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
 */
final class FilterValues {

  private FilterValues() {}

  /** Lucene's longest indexed term, in UTF-8 bytes. */
  private static final int MAX_KEYWORD_BYTES = 32766;

  /** A keyword value, or nothing for one longer than a term may be (it cannot be matched exactly anyway). */
  private static void keyword(Document d, String name, String value) {
    if (value.length() * 3 <= MAX_KEYWORD_BYTES
        || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_KEYWORD_BYTES) {
      d.add(new KeywordField(name, value, Field.Store.NO));
    }
  }

  static void add(Document d, FilterField f, ColumnVector v, int i) {
    if (v.isNullAt(i)) {
      return;
    }
    String name = f.indexField();
    if (f.metadataKey() != null) {
      MapValue map = v.getMap(i);
      ColumnVector keys = map.getKeys();
      ColumnVector values = map.getValues();
      for (int j = 0; j < map.getSize(); j++) {
        if (!keys.isNullAt(j) && f.metadataKey().equals(keys.getString(j)) && !values.isNullAt(j)) {
          // a metadata value of any scalar type filters as the text the join renders it as
          keyword(d, name, io.lakeshelf.content.rows.JsonValues.text(values, j));
        }
      }
      return;
    }
    DataType t = v.getDataType();
    switch (f.type()) {
      case KEYWORD -> keyword(d, name, v.getString(i));
      case BOOLEAN -> d.add(new KeywordField(name, Boolean.toString(v.getBoolean(i)), Field.Store.NO));
      case LONG -> d.add(new LongField(name, t instanceof ByteType ? v.getByte(i)
          : t instanceof ShortType ? v.getShort(i)
          : t instanceof IntegerType ? v.getInt(i)
          : v.getLong(i), Field.Store.NO));
      case DOUBLE -> {
        // a float as the decimal it prints as, so that a filter's 0.1 equals a stored 0.1f
        double x = t instanceof FloatType ? Double.parseDouble(Float.toString(v.getFloat(i)))
            : t instanceof DoubleType ? v.getDouble(i)
            : t instanceof DecimalType ? v.getDecimal(i).doubleValue()
            : Double.NaN;
        if (!Double.isNaN(x)) {
          d.add(new DoubleField(name, x, Field.Store.NO));
        }
      }
      case DATE -> d.add(new LongField(name, t instanceof DateType ? v.getInt(i) : v.getLong(i), Field.Store.NO));
      case TIMESTAMP -> d.add(new LongField(name, v.getLong(i), Field.Store.NO));
      default -> throw new AssertionError(f.type());
    }
  }
}
