package io.lakeshelf.index.query;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/** Rows found by what they hold rather than ranked: by a compiled filter, or by id. */
public final class RowLookup {

  private final IndexSearcher searcher;

  public RowLookup(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  /** The ids of the rows a compiled filter matches (delete by filter), at most {@code limit}. */
  public List<String> matching(Query filter, int limit) throws IOException {
    TopDocs top = searcher.search(filter, Math.max(1, limit));
    StoredFields stored = searcher.getIndexReader().storedFields();
    List<String> ids = new ArrayList<>();
    for (ScoreDoc sd : top.scoreDocs) {
      ids.add(stored.document(sd.doc).get(IndexSchema.F_ID));
    }
    return ids;
  }

  /** Every indexed row of each of these ids (more than one only in a table another writer made). */
  public Map<String, List<RowLocator>> find(Collection<String> ids) throws IOException {
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<BytesRef> terms = ids.stream().map(BytesRef::new).toList();
    Query byId = new TermInSetQuery(IndexSchema.F_ID, terms);
    TopDocs docs = searcher.search(byId, Math.max(1, searcher.count(byId)));
    StoredFields stored = searcher.getIndexReader().storedFields();
    Map<String, List<RowLocator>> found = new HashMap<>();
    for (ScoreDoc sd : docs.scoreDocs) {
      Document d = stored.document(sd.doc);
      found
          .computeIfAbsent(d.get(IndexSchema.F_ID), k -> new ArrayList<>())
          .add(IndexSchema.locator(d));
    }
    return found;
  }
}
