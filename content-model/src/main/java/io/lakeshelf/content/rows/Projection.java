package io.lakeshelf.content.rows;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Which parts of a document a row read returns besides its id. */
public record Projection(
    boolean title, boolean text, boolean images, boolean metadata, boolean vectors) {

  /** Everything but the vectors: what search and get return by default. */
  public static final Projection DEFAULT = new Projection(true, true, true, true, false);

  /** Every part, vectors included. */
  public static final Projection ALL = new Projection(true, true, true, true, true);

  /** The projection naming these parts: {@code title, text, images, metadata, vectors}. */
  public static Projection of(Set<String> parts) {
    Set<String> named = new HashSet<>();
    for (String p : parts) {
      if (p == null) {
        throw new IllegalArgumentException(
            "a part is null: expected title, text, images, metadata or vectors");
      }
      String part = p.toLowerCase(Locale.ROOT);
      if (!Set.of("title", "text", "images", "metadata", "vectors").contains(part)) {
        throw new IllegalArgumentException(
            "unknown part '" + p + "': expected title, text, images, metadata or vectors");
      }
      named.add(part);
    }
    return new Projection(
        named.contains("title"),
        named.contains("text"),
        named.contains("images"),
        named.contains("metadata"),
        named.contains("vectors"));
  }
}
