package io.lakeshelf.index.query;

import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
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
   * id and locator read from its row's doc values (a lookup per hit, no stored fields decoded).
   */
  static List<SearchHit> of(IndexSearcher searcher, TopDocs top, Score score, float minScore)
      throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      float s = score.of(sd.score);
      if (s < minScore) {
        continue;
      }
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
      IndexSchema.Row row = IndexSchema.row(leaf.reader(), sd.doc - leaf.docBase);
      if (row == null) {
        throw new IllegalStateException("hit " + sd.doc + " is not a row document");
      }
      hits.add(new SearchHit(row.id(), s, row.locator()));
    }
    return hits;
  }
}
