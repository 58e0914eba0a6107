package io.lakeshelf.content.rows;

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
    for (String p : parts) {
      if (!Set.of("title", "text", "images", "metadata", "vectors")
          .contains(p.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "unknown part '" + p + "': expected title, text, images, metadata or vectors");
      }
    }
    return new Projection(
        parts.contains("title"),
        parts.contains("text"),
        parts.contains("images"),
        parts.contains("metadata"),
        parts.contains("vectors"));
  }
}
