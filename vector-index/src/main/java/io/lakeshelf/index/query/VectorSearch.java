package io.lakeshelf.index.query;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.IndexException;
import io.lakeshelf.index.Quantization;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.VectorMath;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.TopDocs;

/**
 * The nearest rows to a vector: an HNSW walk restricted by the filter (Lucene falls back to exact
 * scoring of the matching rows when the filter is selective), or brute force ({@link ExactSearch})
 * when asked. On a quantized index, candidates are oversampled and rescored with the full-precision
 * vectors. Scores are the spec's similarity.
 */
public final class VectorSearch {

  private final IndexSearcher searcher;
  private final VectorSpec spec;
  private final Quantization quantization;

  public VectorSearch(IndexSearcher searcher, VectorSpec spec, Quantization quantization) {
    this.searcher = searcher;
    this.spec = spec;
    this.quantization = quantization;
  }

  /**
   * The {@code n} best rows, best first.
   *
   * @param filter restricts the rows, or null
   * @param candidates HNSW candidates explored (at least {@code n} times the oversampling)
   * @param exact score every row instead of walking the graph
   */
  public List<SearchHit> hits(
      float[] vector, Query filter, int n, int candidates, boolean exact, float minScore)
      throws IOException {
    spec.check(vector);
    float[] target = vector;
    if (spec.similarity() == Similarity.COSINE) {
      target = target.clone();
      if (!VectorMath.normalizeInPlace(target)) {
        throw new IndexException(
            IndexException.Reason.INVALID_QUERY, "a cosine query vector must not be all zeros");
      }
    }
    TopDocs top;
    if (exact) {
      top =
          ExactSearch.top(
              searcher, IndexSchema.luceneSimilarity(spec.similarity()), target, filter, n);
    } else {
      int explore = Math.max(candidates, n * quantization.oversample());
      Query knn = new KnnFloatVectorQuery(IndexSchema.F_VECTOR, target, explore, filter);
      if (quantization != Quantization.NONE) {
        // Find the candidates first: Lucene's rescoring fails on an empty candidate list (no
        // vectors, or none the filter allows), which the search rewrites to MatchNoDocsQuery.
        knn = searcher.rewrite(knn);
        if (!(knn instanceof MatchNoDocsQuery)) {
          knn =
              RescoreTopNQuery.createFullPrecisionRescorerQuery(
                  knn, target, IndexSchema.F_VECTOR, n);
        }
      }
      top = searcher.search(knn, n);
    }
    return Hits.of(
        searcher, top, score -> VectorMath.toSimilarity(spec.similarity(), score), minScore);
  }
}
