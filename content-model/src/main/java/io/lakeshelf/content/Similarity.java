package io.lakeshelf.content;

import java.util.Locale;

/** How two vectors of a named vector are compared. Higher scores are always closer. */
public enum Similarity {
  /** Cosine of the angle; vectors need not be normalized. Score: the cosine, in [-1, 1]. */
  COSINE,
  /** Inner product of the raw vectors. Score: the inner product. */
  DOT,
  /** Euclidean distance. Score: {@code 1 / (1 + d²)}, in (0, 1]. */
  L2;

  /** The lower-case name used in the HTTP contract and in index manifests. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code cosine}, {@code dot} or {@code l2}, in any case. */
  public static Similarity fromWireName(String name) {
    for (Similarity s : values()) {
      if (s.wireName().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown similarity '" + name + "': expected cosine, dot or l2");
  }
}
