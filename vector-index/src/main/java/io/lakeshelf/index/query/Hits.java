package io.lakeshelf.index.query;

import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/** Top documents as search hits, their rows read back from the stored fields. */
final class Hits {

  private Hits() {}

  /** How a Lucene score becomes a hit's score. */
  @FunctionalInterface
  interface Score {
    float of(float luceneScore);
  }

  /** The hits of {@code top}, in order, leaving out those scoring below {@code minScore}. */
  static List<SearchHit> of(IndexSearcher searcher, TopDocs top, Score score, float minScore)
      throws IOException {
    StoredFields stored = searcher.getIndexReader().storedFields();
    List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      float s = score.of(sd.score);
      if (s < minScore) {
        continue;
      }
      Document d = stored.document(sd.doc);
      hits.add(new SearchHit(d.get(IndexSchema.F_ID), s, IndexSchema.locator(d)));
    }
    return hits;
  }
}
