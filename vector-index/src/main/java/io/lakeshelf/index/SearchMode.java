package io.lakeshelf.index;

import java.util.Locale;

/** How a search ranks rows. */
public enum SearchMode {
  /** Nearest vectors (HNSW, filtered inside the graph search). Scores are similarities. */
  VECTOR,
  /**
   * BM25 over title (boosted {@value IndexQuery#TITLE_BOOST}×) and text. Scores are BM25 scores.
   */
  KEYWORD,
  /**
   * Reciprocal rank fusion of the vector and keyword lists: each row scores {@code Σ 1/(k + rank)}
   * over the lists it is in, with {@code k} = {@value IndexQuery#RRF_K} (Cormack, Clarke and
   * Büttcher, 2009) and ranks from 1. Scores are those sums.
   */
  HYBRID;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SearchMode fromWireName(String name) {
    for (SearchMode m : values()) {
      if (m.wireName().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown mode '" + name + "': expected vector, keyword or hybrid");
  }
}
