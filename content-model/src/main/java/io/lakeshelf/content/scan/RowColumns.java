package io.lakeshelf.content.scan;

import java.util.List;
import java.util.Objects;

/**
 * Which columns a {@link FileRows} decodes.
 *
 * @param id the id column (required)
 * @param vector a vector column ({@code array<float>} or {@code array<double>}), or null
 * @param title a text column, or null; ignored when the table has no such column
 * @param text a text column, or null; ignored when the table has no such column
 * @param values scalar columns or keys of a map column, decoded as plain values ({@link
 *     FileRows#values})
 * @param metadata the metadata map column, whose entries (and those of its typed siblings: {@link
 *     io.lakeshelf.content.table.TypedMetadata}) {@link FileRows#metadata} yields; or null
 */
public record RowColumns(
    String id,
    String vector,
    String title,
    String text,
    List<ValueColumn> values,
    String metadata) {

  /**
   * A column whose values {@link FileRows#values} yields.
   *
   * @param column a top-level scalar column, or a map column
   * @param mapKey for a map column, the key whose entries' values are wanted; null for a scalar
   *     column
   */
  public record ValueColumn(String column, String mapKey) {
    public ValueColumn {
      Objects.requireNonNull(column, "column");
    }
  }

  public RowColumns {
    Objects.requireNonNull(id, "id");
    values = values == null ? List.of() : List.copyOf(values);
  }

  /** The columns without metadata. */
  public RowColumns(String id, String vector, String title, String text, List<ValueColumn> values) {
    this(id, vector, title, text, values, null);
  }

  /** Only the ids (and the row indexes, which every read has). */
  public static RowColumns ids(String id) {
    return new RowColumns(id, null, null, null, List.of());
  }
}
