package io.lakeshelf.langchain4j;

import java.util.Locale;

/**
 * How a Lakeshelf vector scores, and how that score maps to LangChain4j's relevance score in 0..1
 * and back (for {@code minScore}).
 *
 * <ul>
 *   <li>{@link #COSINE}: Lakeshelf scores the cosine similarity c in -1..1; the relevance is {@link
 *       dev.langchain4j.store.embedding.RelevanceScore#fromCosineSimilarity} {@code (c + 1) / 2},
 *       so a relevance r asks Lakeshelf for {@code minScore = 2r - 1}.
 *   <li>{@link #DOT}: the inner product, which is the cosine similarity for unit vectors (as
 *       embedding models give): mapped as {@link #COSINE}, clamped to 0..1.
 *   <li>{@link #L2}: Lakeshelf scores {@code 1 / (1 + d²)}, already in 0..1: taken as it is.
 * </ul>
 */
public enum LakeshelfSimilarity {
  /** Cosine similarity. */
  COSINE,
  /** Inner product (of unit vectors). */
  DOT,
  /** Euclidean distance d, scored {@code 1 / (1 + d²)}. */
  L2;

  /** The name the REST API uses: {@code cosine}, {@code dot}, {@code l2}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The similarity a wire name stands for.
   *
   * @throws IllegalArgumentException for a name Lakeshelf does not have
   */
  public static LakeshelfSimilarity fromWireName(String name) {
    for (LakeshelfSimilarity s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown similarity '" + name + "'");
  }

  /** LangChain4j's relevance (0..1) of a Lakeshelf score. */
  public double relevance(double score) {
    return switch (this) {
      case COSINE, DOT -> Math.min(1.0, Math.max(0.0, (score + 1) / 2));
      case L2 -> score;
    };
  }

  /** The Lakeshelf score that a LangChain4j relevance (0..1) stands for. */
  public double score(double relevance) {
    return switch (this) {
      case COSINE, DOT -> 2 * relevance - 1;
      case L2 -> relevance;
    };
  }
}
