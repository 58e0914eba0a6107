package io.lakeshelf.index;

import io.lakeshelf.content.Similarity;

/** Vector normalization and the mapping from Lucene's scores back to similarities. */
public final class VectorMath {

  private VectorMath() {}

  /** Scales {@code v} to unit length; false (and {@code v} unchanged) if it is all zeros. */
  public static boolean normalizeInPlace(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (sum == 0 || !Double.isFinite(sum)) {
      return false;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return true;
  }

  /**
   * Lucene normalizes scores to be positive; this undoes it. Cosine: {@code (1 + cos) / 2} back to
   * the cosine. Dot: Lucene's maximum-inner-product scaling back to the inner product. L2: Lucene's
   * {@code 1 / (1 + d²)} as it is.
   */
  public static float toSimilarity(Similarity similarity, float luceneScore) {
    return switch (similarity) {
      case COSINE -> 2 * luceneScore - 1;
      case DOT -> luceneScore < 1 ? 1 - 1 / luceneScore : luceneScore - 1;
      case L2 -> luceneScore;
    };
  }
}
