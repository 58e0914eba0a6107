package io.lakeshelf.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.Quantization;
import io.lakeshelf.index.TextAnalysis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a collection is: its table, who writes it, and how each named vector is indexed. Stored as
 * {@code collections/<name>/collection.json} under the data directory.
 *
 * @param table the table's location: an absolute path, a {@code file:} URI or an {@code s3://} URI
 * @param filterable the fields filters may use: top-level scalar columns, partition columns and
 *     {@code metadata.<key>}
 * @param analyzer how title and text are analyzed for keyword search: {@code standard} (null) or
 *     {@code english}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CollectionDefinition(
    String name,
    CollectionMode mode,
    String table,
    Map<String, String> columns,
    Map<String, VectorDefinition> vectors,
    List<String> filterable,
    String analyzer) {

  /** The roles {@code columns} may map: the id column is required for external collections. */
  public static final List<String> ROLES = List.of("id", "title", "text", "images", "metadata");

  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  public CollectionDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(table, "table");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("collection name must match " + NAME.pattern());
    }
    if (vectors == null || vectors.isEmpty()) {
      throw new IllegalArgumentException("a collection needs at least one named vector");
    }
    vectors = Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
    columns =
        columns == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    if (mode == CollectionMode.EXTERNAL && !columns.containsKey("id")) {
      throw new IllegalArgumentException("an external collection must map its 'id' column");
    }
    for (String role : columns.keySet()) {
      if (!ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "unknown column role '" + role + "': expected one of " + ROLES);
      }
    }
    filterable = filterable == null ? List.of() : List.copyOf(filterable);
    if (analyzer != null) {
      TextAnalysis.fromWireName(analyzer);
      if (analyzer.equals("standard")) {
        analyzer = null;
      }
    }
  }

  /** How the index of a named vector is built. */
  public IndexOptions indexOptions(String vector) {
    VectorDefinition v = vectors.get(vector);
    return new IndexOptions(
        Quantization.fromWireName(v == null ? null : v.quantization()),
        TextAnalysis.fromWireName(analyzer),
        filterable);
  }

  /** Which table columns play which role. */
  public ContentColumns contentColumns() {
    if (mode == CollectionMode.MANAGED) {
      return ContentColumns.MANAGED;
    }
    return new ContentColumns(
        columns.get("id"),
        columns.get("title"),
        columns.get("text"),
        columns.get("images"),
        columns.get("metadata"),
        null);
  }

  public List<VectorSpec> vectorSpecs() {
    List<VectorSpec> specs = new ArrayList<>();
    vectors.forEach((n, v) -> specs.add(v.toSpec(n)));
    return specs;
  }
}
