package io.lakeshelf.api.catalog;

import io.lakeshelf.content.VectorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a collection is: its table, who writes it, and how each named vector is indexed. Stored as
 * {@code collections/<name>/collection.json} under the data directory.
 *
 * @param table the table's location: an absolute path or {@code file:} URI
 */
public record CollectionDefinition(
    String name,
    CollectionMode mode,
    String table,
    Map<String, VectorDefinition> vectors,
    List<String> filterable) {

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
    vectors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
    filterable = filterable == null ? List.of() : List.copyOf(filterable);
  }

  public List<VectorSpec> vectorSpecs() {
    List<VectorSpec> specs = new ArrayList<>();
    vectors.forEach((n, v) -> specs.add(v.toSpec(n)));
    return specs;
  }
}
