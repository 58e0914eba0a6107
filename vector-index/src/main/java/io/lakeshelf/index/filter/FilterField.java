package io.lakeshelf.index.filter;

import io.lakeshelf.content.scan.ColumnType;
import io.lakeshelf.content.scan.TableColumns;
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

  /** The name filters use for a metadata key: {@code metadata.<key>}. */
  public static final String METADATA_PREFIX = "metadata.";

  /** The name of the field that stands for every metadata key ({@link FieldType#METADATA}). */
  public static final String METADATA = "metadata";

  public FilterField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(type, "type");
  }

  /** The Lucene field that holds this field's values. */
  public String indexField() {
    return INDEX_PREFIX + name;
  }

  /** A key of the metadata map, as a filter names it ({@code metadata.<key>}). */
  public static FilterField metadataKey(FilterField metadata, String name) {
    return new FilterField(
        name, metadata.column(), name.substring(METADATA_PREFIX.length()), FieldType.METADATA);
  }

  /**
   * Resolves filterable names against a table schema. When the table has a metadata column, the
   * answer also holds {@link #METADATA}: every metadata key filters, declared or not (declaring
   * {@code metadata.<key>} only checks that the table has metadata).
   *
   * @param metadataColumn the column of the metadata map, or null if the table has none
   * @throws FilterException {@code FIELD_NOT_FILTERABLE} for a name that is not a top-level scalar
   *     column nor a key of the metadata map
   */
  public static Map<String, FilterField> resolve(
      List<String> names, TableColumns schema, String metadataColumn) {
    Map<String, FilterField> out = new LinkedHashMap<>();
    boolean hasMetadata = metadataColumn != null && schema.has(metadataColumn);
    if (hasMetadata) {
      out.put(METADATA, new FilterField(METADATA, metadataColumn, null, FieldType.METADATA));
    }
    for (String name : names) {
      if (name.startsWith(METADATA_PREFIX) && name.length() > METADATA_PREFIX.length()) {
        if (!hasMetadata) {
          throw new FilterException(
              FilterException.Code.FIELD_NOT_FILTERABLE,
              "'" + name + "': the table has no metadata column");
        }
        continue;
      }
      if (name.equals(METADATA) && hasMetadata) {
        continue;
      }
      TableColumns.Column column =
          schema
              .column(name)
              .orElseThrow(
                  () ->
                      new FilterException(
                          FilterException.Code.FIELD_NOT_FILTERABLE,
                          "the table has no column '" + name + "'"));
      FieldType type = typeOf(column.type());
      if (type == null) {
        throw new FilterException(
            FilterException.Code.FIELD_NOT_FILTERABLE,
            "column '"
                + name
                + "' is of type "
                + column.typeName()
                + "; only strings, numbers, booleans, dates and timestamps filter");
      }
      out.put(name, new FilterField(name, name, null, type));
    }
    return out;
  }

  static FieldType typeOf(ColumnType t) {
    return switch (t) {
      case STRING -> FieldType.KEYWORD;
      case BOOLEAN -> FieldType.BOOLEAN;
      case BYTE, SHORT, INTEGER, LONG -> FieldType.LONG;
      case FLOAT, DOUBLE, DECIMAL -> FieldType.DOUBLE;
      case DATE -> FieldType.DATE;
      case TIMESTAMP, TIMESTAMP_NTZ -> FieldType.TIMESTAMP;
      default -> null;
    };
  }
}
