package io.lakeshelf.content.rows;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which parts of a document a row read returns besides its id.
 *
 * @param columns table columns to return as they are, by name, beside the parts (any top-level
 *     column, partition columns included); empty for none
 */
public record Projection(
    boolean title,
    boolean text,
    boolean images,
    boolean metadata,
    boolean vectors,
    List<String> columns) {

  /** The parts alone, no extra columns. */
  public Projection(
      boolean title, boolean text, boolean images, boolean metadata, boolean vectors) {
    this(title, text, images, metadata, vectors, List.of());
  }

  public Projection {
    columns = columns == null ? List.of() : List.copyOf(new LinkedHashSet<>(columns));
  }

  /** This projection with these extra columns. */
  public Projection withColumns(List<String> names) {
    return new Projection(title, text, images, metadata, vectors, names);
  }

  /** Whether nothing but the id (and {@code ingestedAt}) is asked for: {@code "include": []}. */
  public boolean idsOnly() {
    return !title && !text && !images && !metadata && !vectors && columns.isEmpty();
  }

  /** The part names: {@code title, text, images, metadata, vectors}. */
  public static final Set<String> PARTS = Set.of("title", "text", "images", "metadata", "vectors");

  /** Everything but the vectors: what search and get return by default. */
  public static final Projection DEFAULT = new Projection(true, true, true, true, false);

  /** Every part, vectors included. */
  public static final Projection ALL = new Projection(true, true, true, true, true);

  /**
   * The projection naming these parts ({@code title, text, images, metadata, vectors}, in any case)
   * and, for any other name, that table column (checked against the table by the caller).
   */
  public static Projection of(Collection<String> names) {
    Set<String> named = new HashSet<>();
    List<String> columns = new ArrayList<>();
    for (String p : names) {
      if (p == null) {
        throw new IllegalArgumentException(
            "a part is null: expected title, text, images, metadata, vectors or a column name");
      }
      String part = p.toLowerCase(Locale.ROOT);
      if (PARTS.contains(part)) {
        named.add(part);
      } else {
        columns.add(p);
      }
    }
    return new Projection(
        named.contains("title"),
        named.contains("text"),
        named.contains("images"),
        named.contains("metadata"),
        named.contains("vectors"),
        columns);
  }
}
