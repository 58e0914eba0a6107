package io.lakeshelf.springai;

import java.util.Locale;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;

/**
 * The similarity a Lakeshelf vector is indexed with, and the score a search answers for it.
 *
 * <ul>
 *   <li>{@link #COSINE}: the cosine similarity, -1..1 (the default, and what Spring AI's stores
 *       mean by similarity);
 *   <li>{@link #DOT}: the inner product (the cosine for unit-length vectors);
 *   <li>{@link #L2}: {@code 1 / (1 + d²)}, d the Euclidean distance, 0..1.
 * </ul>
 */
public enum LakeshelfSimilarity {
  COSINE("cosine", VectorStoreSimilarityMetric.COSINE),
  DOT("dot", VectorStoreSimilarityMetric.DOT),
  L2("l2", VectorStoreSimilarityMetric.EUCLIDEAN);

  private final String wireName;
  private final VectorStoreSimilarityMetric metric;

  LakeshelfSimilarity(String wireName, VectorStoreSimilarityMetric metric) {
    this.wireName = wireName;
    this.metric = metric;
  }

  /** The name in Lakeshelf's collection definition: {@code cosine}, {@code dot}, {@code l2}. */
  public String wireName() {
    return wireName;
  }

  /** The metric as Spring AI's observations name it. */
  public VectorStoreSimilarityMetric metric() {
    return metric;
  }

  /**
   * The similarity of a wire name, in any case.
   *
   * @throws IllegalArgumentException for another name
   */
  public static LakeshelfSimilarity fromWireName(String name) {
    for (LakeshelfSimilarity s : values()) {
      if (s.wireName.equals(name.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown similarity '" + name + "': use cosine, dot or l2");
  }
}
