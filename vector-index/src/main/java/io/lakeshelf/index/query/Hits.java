package io.lakeshelf.index.query;

import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/** Top documents as search hits, their ids and locators read back from doc values. */
final class Hits {

  private Hits() {}

  /** How a Lucene score becomes a hit's score. */
  @FunctionalInterface
  interface Score {
    float of(float luceneScore);
  }

  /**
   * The hits of {@code top}, in order, leaving out those scoring below {@code minScore}: each hit's
   * id and locator read from its row's doc values (no stored fields decoded), one set of doc-values
   * iterators per segment, the segment's hits visited in document order.
   */
  static List<SearchHit> of(IndexSearcher searcher, TopDocs top, Score score, float minScore)
      throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    ScoreDoc[] docs = top.scoreDocs;
    float[] scores = new float[docs.length];
    Integer[] kept = new Integer[docs.length];
    int n = 0;
    for (int i = 0; i < docs.length; i++) {
      scores[i] = score.of(docs[i].score);
      if (scores[i] >= minScore) {
        kept[n++] = i;
      }
    }
    // the kept hits by document (so by segment, then by document within it)
    Integer[] byDoc = Arrays.copyOf(kept, n);
    Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a].doc, docs[b].doc));
    IndexSchema.Row[] rowOf = new IndexSchema.Row[docs.length];
    for (int from = 0; from < n; ) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[byDoc[from]].doc, leaves));
      int end = leaf.docBase + leaf.reader().maxDoc();
      int to = from;
      while (to < n && docs[byDoc[to]].doc < end) {
        to++;
      }
      int[] local = new int[to - from];
      for (int j = from; j < to; j++) {
        local[j - from] = docs[byDoc[j]].doc - leaf.docBase;
      }
      IndexSchema.Row[] rows = IndexSchema.rows(leaf.reader(), local);
      for (int j = from; j < to; j++) {
        rowOf[byDoc[j]] = rows[j - from];
      }
      from = to;
    }
    List<SearchHit> hits = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      int i = kept[j];
      IndexSchema.Row row = rowOf[i];
      if (row == null) {
        throw new IllegalStateException("hit " + docs[i].doc + " is not a row document");
      }
      hits.add(new SearchHit(row.id(), scores[i], row.locator(), row.ingestedAt()));
    }
    return hits;
  }
}
