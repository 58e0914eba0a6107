package io.lakeshelf.index.query;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.IndexManifest;
import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.Quantization;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.SearchMode;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.filter.FilterCompiler;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;

/**
 * The queries of one searcher (one published state of an index): each {@link SearchMode} run by its
 * own class ({@link VectorSearch}, {@link KeywordSearch}, the two fused by {@link RankFusion}),
 * delete-by-filter matching and lookup by id ({@link RowLookup}), with filters compiled against the
 * filterable fields that state was built with.
 */
public final class IndexSearch {

  private final IndexSearcher searcher;
  private final VectorSpec spec;
  private final Quantization quantization;
  private final Analyzer queryAnalyzer;
  private final IndexManifest manifest;

  public IndexSearch(
      IndexSearcher searcher,
      VectorSpec spec,
      Quantization quantization,
      Analyzer queryAnalyzer,
      IndexManifest manifest) {
    this.searcher = searcher;
    this.spec = spec;
    this.quantization = quantization;
    this.queryAnalyzer = queryAnalyzer;
    this.manifest = manifest;
  }

  /** A search of any mode, with an optional filter, best first. */
  public List<SearchHit> search(IndexQuery query) throws IOException {
    Query filter = query.filter() == null ? null : compile(query.filter(), query.maxFilterDepth());
    VectorSearch vectors = new VectorSearch(searcher, spec, quantization);
    KeywordSearch keywords = new KeywordSearch(searcher, queryAnalyzer);
    return switch (query.mode()) {
      case VECTOR ->
          vectors.hits(
              query.vector(),
              filter,
              query.k(),
              query.candidates(),
              query.exact(),
              query.minScore());
      case KEYWORD -> keywords.hits(query.text(), filter, query.k(), query.minScore());
      case HYBRID ->
          RankFusion.fuse(
              vectors.hits(
                  query.vector(),
                  filter,
                  query.candidates(),
                  query.candidates(),
                  query.exact(),
                  Float.NEGATIVE_INFINITY),
              keywords.hits(query.text(), filter, query.candidates(), Float.NEGATIVE_INFINITY),
              query.k(),
              query.minScore());
    };
  }

  /** The ids of every row a filter matches, at most {@code limit}. */
  public List<String> matching(Filter filter, int maxDepth, int limit) throws IOException {
    return new RowLookup(searcher).matching(compile(filter, maxDepth), limit);
  }

  /** Every indexed row of each of these ids. */
  public Map<String, List<RowLocator>> find(Collection<String> ids) throws IOException {
    return new RowLookup(searcher).find(ids);
  }

  private Query compile(Filter filter, int maxDepth) {
    return new FilterCompiler(manifest.filterFieldsByName(), IndexSchema.ALL_ROWS)
        .compile(filter, maxDepth);
  }
}
