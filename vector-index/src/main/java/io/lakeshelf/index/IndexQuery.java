package io.lakeshelf.index;

import io.lakeshelf.index.filter.Filter;
import java.util.Objects;

/**
 * A search of any mode.
 *
 * @param mode how rows are ranked
 * @param vector the query vector (vector and hybrid modes), of the index's dimensions
 * @param text the query text (keyword and hybrid modes): analyzed like the indexed text, never
 *     parsed as a query language
 * @param filter restricts the rows searched, or null
 * @param k hits to return, 1 to {@value VectorQuery#MAX_K}
 * @param candidates HNSW candidates explored (at least {@code k}); also how deep each list of a
 *     hybrid search goes
 * @param minScore hits scoring below it (in the mode's score) are left out
 * @param exact score every row's vector instead of walking the graph: brute force, for time travel
 *     and tests
 * @param maxFilterDepth how deeply the filter may nest
 */
public record IndexQuery(
    SearchMode mode,
    float[] vector,
    String text,
    Filter filter,
    int k,
    int candidates,
    float minScore,
    boolean exact,
    int maxFilterDepth) {

  /** The reciprocal rank fusion constant. */
  public static final int RRF_K = 60;

  /** How much more a title match weighs than a text match in keyword search. */
  public static final float TITLE_BOOST = 2.0f;

  /** The default limit on filter nesting. */
  public static final int DEFAULT_MAX_FILTER_DEPTH = 8;

  public IndexQuery {
    Objects.requireNonNull(mode, "mode");
    if (k < 1 || k > VectorQuery.MAX_K) {
      throw new IllegalArgumentException(
          "k must be between 1 and " + VectorQuery.MAX_K + ", got " + k);
    }
    candidates = Math.max(candidates, k);
    if (mode != SearchMode.KEYWORD && vector == null) {
      throw new IllegalArgumentException(mode.wireName() + " search needs a vector");
    }
    if (mode != SearchMode.VECTOR && (text == null || text.isBlank())) {
      throw new IllegalArgumentException(mode.wireName() + " search needs a text");
    }
    if (Float.isNaN(minScore)) {
      throw new IllegalArgumentException("minScore must be a number");
    }
    if (maxFilterDepth < 1) {
      throw new IllegalArgumentException("maxFilterDepth must be at least 1");
    }
  }

  /** A vector search with the defaults. */
  public static IndexQuery vector(float[] vector, int k) {
    return new IndexQuery(
        SearchMode.VECTOR,
        vector,
        null,
        null,
        k,
        VectorQuery.DEFAULT_CANDIDATES,
        Float.NEGATIVE_INFINITY,
        false,
        DEFAULT_MAX_FILTER_DEPTH);
  }

  public IndexQuery withFilter(Filter f) {
    return new IndexQuery(mode, vector, text, f, k, candidates, minScore, exact, maxFilterDepth);
  }

  public IndexQuery exactly() {
    return new IndexQuery(
        mode, vector, text, filter, k, candidates, minScore, true, maxFilterDepth);
  }
}
