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

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public VectorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(similarity, "similarity");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "vector name '" + name + "' must match " + NAME.pattern());
    }
    if (column.isBlank()) {
      throw new IllegalArgumentException("vector column must not be blank");
    }
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      throw new IllegalArgumentException(
          "dimensions must be between 1 and " + MAX_DIMENSIONS + ", got " + dimensions);
    }
  }

  /** Checks a vector against this spec: its length and that every value is finite. */
  public void check(float[] vector) {
    Objects.requireNonNull(vector, "vector");
    if (vector.length != dimensions) {
      throw new DimensionMismatchException(name, dimensions, vector.length);
    }
    boolean allZero = true;
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "vector '" + name + "' has a non-finite value at position " + i);
      }
      allZero &= vector[i] == 0;
    }
    if (allZero && similarity == Similarity.COSINE) {
      throw new IllegalArgumentException(
          "vector '" + name + "' is all zeros, which has no cosine similarity");
    }
  }
}
