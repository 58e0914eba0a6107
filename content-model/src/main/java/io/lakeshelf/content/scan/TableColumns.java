package io.lakeshelf.content.scan;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.table.TableSnapshot;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The top-level columns of a table schema, in schema order, with their types: what a consumer needs
 * to know of a schema without reading Kernel's {@link StructType}. Immutable.
 */
public final class TableColumns {

  /** One column: its type, and the type as Delta names it (for messages). */
  public record Column(String name, ColumnType type, String typeName) {}

  private final Map<String, Column> columns;

  private TableColumns(Map<String, Column> columns) {
    this.columns = Collections.unmodifiableMap(columns);
  }

  /** The columns of a Kernel schema. */
  public static TableColumns of(StructType schema) {
    Map<String, Column> columns = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      columns.putIfAbsent(
          f.getName(),
          new Column(f.getName(), ColumnType.of(f.getDataType()), f.getDataType().toString()));
    }
    return new TableColumns(columns);
  }

  /** The columns of a snapshot's schema. */
  public static TableColumns of(TableSnapshot snapshot) {
    return of(snapshot.schema());
  }

  public boolean has(String name) {
    return name != null && columns.containsKey(name);
  }

  public Optional<Column> column(String name) {
    return Optional.ofNullable(name == null ? null : columns.get(name));
  }

  /** Every column by name, in schema order. */
  public Map<String, Column> byName() {
    return columns;
  }
}
