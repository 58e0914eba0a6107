package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import java.util.Locale;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.Type;

/**
 * Finds the Parquet field that holds a Delta field, following the table's column mapping mode: by
 * field id ({@code id} mode), by physical name ({@code name} mode), or by the logical name.
 */
enum ColumnResolver {
  NONE,
  NAME,
  ID;

  static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
  static final String FIELD_ID = "delta.columnMapping.id";

  static ColumnResolver forMode(String mode) {
    if (mode == null) {
      return NONE;
    }
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "name" -> NAME;
      case "id" -> ID;
      default -> NONE;
    };
  }

  /** The index of the field's column in {@code group}, or -1 when the file does not have it. */
  int indexIn(GroupType group, StructField field) {
    if (this == ID && field.getMetadata().contains(FIELD_ID)) {
      long id = ((Number) field.getMetadata().get(FIELD_ID)).longValue();
      for (int i = 0; i < group.getFieldCount(); i++) {
        Type t = group.getType(i);
        if (t.getId() != null && t.getId().intValue() == id) {
          return i;
        }
      }
    }
    if (this != NONE && field.getMetadata().contains(PHYSICAL_NAME)) {
      String physical = field.getMetadata().getString(PHYSICAL_NAME);
      if (group.containsField(physical)) {
        return group.getFieldIndex(physical);
      }
    }
    return group.containsField(field.getName()) ? group.getFieldIndex(field.getName()) : -1;
  }
}
