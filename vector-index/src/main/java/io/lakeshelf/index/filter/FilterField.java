package io.lakeshelf.index.filter;

import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A field filters may use, resolved against a table's schema.
 *
 * @param name the name filters use: a column, or {@code metadata.<key>}
 * @param column the table column the value comes from (the metadata map's column for a key)
 * @param metadataKey the map key, or null for a column
 * @param type how the value is indexed and compared
 */
public record FilterField(String name, String column, String metadataKey, FieldType type) {

  /** The prefix of the index fields that hold filter values. */
  public static final String INDEX_PREFIX = "f.";

  public FilterField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(type, "type");
  }

  /** The Lucene field that holds this field's values. */
  public String indexField() {
    return INDEX_PREFIX + name;
  }

  /**
   * Resolves filterable names against a table schema.
   *
   * @param metadataColumn the column of the metadata map, or null if the table has none
   * @throws FilterException {@code FIELD_NOT_FILTERABLE} for a name that is not a top-level scalar
   *     column nor a key of the metadata map
   */
  public static Map<String, FilterField> resolve(List<String> names, StructType schema, String metadataColumn) {
    Map<String, FilterField> out = new LinkedHashMap<>();
    for (String name : names) {
      if (name.startsWith("metadata.") && name.length() > "metadata.".length()) {
        if (metadataColumn == null || schema.indexOf(metadataColumn) < 0) {
          throw new FilterException(FilterException.Code.FIELD_NOT_FILTERABLE,
              "'" + name + "': the table has no metadata column");
        }
        out.put(name, new FilterField(name, metadataColumn, name.substring("metadata.".length()), FieldType.KEYWORD));
        continue;
      }
      int i = schema.indexOf(name);
      if (i < 0) {
        throw new FilterException(FilterException.Code.FIELD_NOT_FILTERABLE, "the table has no column '" + name + "'");
      }
      FieldType type = typeOf(schema.at(i).getDataType());
      if (type == null) {
        throw new FilterException(FilterException.Code.FIELD_NOT_FILTERABLE, "column '" + name + "' is of type "
            + schema.at(i).getDataType() + "; only strings, numbers, booleans, dates and timestamps filter");
      }
      out.put(name, new FilterField(name, name, null, type));
    }
    return out;
  }

  static FieldType typeOf(DataType t) {
    if (t instanceof StringType) {
      return FieldType.KEYWORD;
    }
    if (t instanceof BooleanType) {
      return FieldType.BOOLEAN;
    }
    if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType) {
      return FieldType.LONG;
    }
    if (t instanceof FloatType || t instanceof DoubleType || t instanceof DecimalType) {
      return FieldType.DOUBLE;
    }
    if (t instanceof DateType) {
      return FieldType.DATE;
    }
    if (t instanceof TimestampType || t instanceof TimestampNTZType) {
      return FieldType.TIMESTAMP;
    }
    return null;
  }
}
