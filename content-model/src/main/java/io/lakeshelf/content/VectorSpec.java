package io.lakeshelf.content;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named vector of a collection: which table column holds it, its length and how it is compared.
 *
 * @param name the vector's name in the API, such as {@code body}
 * @param column the table column holding {@code array<float>} values
 * @param dimensions the length every vector must have, 1 to {@value #MAX_DIMENSIONS}
 * @param similarity how vectors are compared
 */
public record VectorSpec(String name, String column, int dimensions, Similarity similarity) {

  /** The largest vector length Lucene's HNSW format accepts. */
  public static final int MAX_DIMENSIONS = 4096;

  /**
   * The largest Euclidean norm a vector compared by {@link Similarity#DOT} may have: the inner
   * product of two such vectors is at most 1e38 in magnitude (Cauchy-Schwarz), below {@link
   * Float#MAX_VALUE} (3.4e38), so every dot-product score is a finite number.
   */
  public static final double MAX_DOT_NORM = 1e19;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public VectorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(similarity, "similarity");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("vector name '" + name + "' must match " + NAME.pattern());
    }
    if (column.isBlank()) {
      throw new IllegalArgumentException("vector column must not be blank");
    }
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      throw new IllegalArgumentException(
          "dimensions must be between 1 and " + MAX_DIMENSIONS + ", got " + dimensions);
    }
  }

  /**
   * Checks a vector against this spec: its length, that every value is finite, that a cosine vector
   * is not all zeros and that a dot vector's norm is at most {@link #MAX_DOT_NORM}.
   *
   * @throws DimensionMismatchException for a vector of another length
   * @throws ContentException {@link ContentException.Reason#INVALID_VECTOR} for any other problem
   */
  public void check(float[] vector) {
    Objects.requireNonNull(vector, "vector");
    if (vector.length != dimensions) {
      throw new DimensionMismatchException(name, dimensions, vector.length);
    }
    boolean allZero = true;
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new ContentException(
            ContentException.Reason.INVALID_VECTOR,
            "vector '" + name + "' has a non-finite value at position " + i);
      }
      allZero &= vector[i] == 0;
    }
    if (allZero && similarity == Similarity.COSINE) {
      throw new ContentException(
          ContentException.Reason.INVALID_VECTOR,
          "vector '" + name + "' is all zeros, which has no cosine similarity");
    }
    if (similarity == Similarity.DOT && !dotNormFits(vector)) {
      throw new ContentException(
          ContentException.Reason.INVALID_VECTOR,
          "vector '"
              + name
              + "' has a Euclidean norm above "
              + MAX_DOT_NORM
              + ", so its dot products could overflow a float; scale it down");
    }
  }

  /** Whether a vector's Euclidean norm is at most {@link #MAX_DOT_NORM} (computed in double). */
  public static boolean dotNormFits(float[] vector) {
    double sum = 0;
    for (float x : vector) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum) <= MAX_DOT_NORM;
  }
}
