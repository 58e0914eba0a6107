package io.lakeshelf.index.query;

import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

/**
 * Brute force: every (matching) live row's full-precision vector scored against the target. Needs
 * no HNSW graph, so it also searches indexes built without one ({@code inMemoryExact}).
 */
public final class ExactSearch {

  private ExactSearch() {}

  /**
   * The {@code n} best documents, best first (equal scores: the smaller document first), with
   * Lucene's scores of {@code similarity}.
   *
   * @param filter restricts the rows, or null
   */
  public static TopDocs top(
      IndexSearcher searcher,
      VectorSimilarityFunction similarity,
      float[] target,
      Query filter,
      int n)
      throws IOException {
    PriorityQueue<ScoreDoc> best =
        new PriorityQueue<>(
            Comparator.<ScoreDoc>comparingDouble(sd -> sd.score).thenComparing(sd -> -sd.doc));
    Weight weight =
        filter == null
            ? null
            : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1);
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.F_VECTOR);
      if (values == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      FixedBitSet allowed = null;
      if (weight != null) {
        allowed = new FixedBitSet(leaf.reader().maxDoc());
        Scorer scorer = weight.scorer(leaf);
        if (scorer == null) {
          continue;
        }
        allowed.or(scorer.iterator());
      }
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if ((live != null && !live.get(doc)) || (allowed != null && !allowed.get(doc))) {
          continue;
        }
        float score = similarity.compare(target, values.vectorValue(it.index()));
        best.add(new ScoreDoc(leaf.docBase + doc, score));
        if (best.size() > n) {
          best.poll();
        }
      }
    }
    ScoreDoc[] out = new ScoreDoc[best.size()];
    for (int i = out.length - 1; i >= 0; i--) {
      out[i] = best.poll();
    }
    return new TopDocs(new TotalHits(out.length, TotalHits.Relation.EQUAL_TO), out);
  }
}
