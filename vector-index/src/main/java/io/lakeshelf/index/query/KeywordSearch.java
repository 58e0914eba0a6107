package io.lakeshelf.index.query;

import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * BM25 over title and text. The query text is analyzed like the indexed text, never parsed, so any
 * text is a valid query: each term matches either field (a title match weighs {@link
 * IndexQuery#TITLE_BOOST} more), and a word the analyzer splits into parts also matches as a phrase
 * of its parts ({@link #PHRASE_BOOST}).
 */
public final class KeywordSearch {

  /**
   * How much a word the analyzer split into parts (a product code such as {@code XR-4471}) weighs
   * when its parts appear together, over the parts alone: a document that holds the code beats one
   * that mentions {@code XR} and {@code 4471} apart.
   */
  public static final float PHRASE_BOOST = 3.0f;

  /** At most this many distinct terms of a query text are searched. */
  private static final int MAX_TERMS = 1024;

  /** At most this many split words of a query text are searched as phrases. */
  private static final int MAX_PHRASES = 16;

  private final IndexSearcher searcher;
  private final Analyzer analyzer;

  public KeywordSearch(IndexSearcher searcher, Analyzer analyzer) {
    this.searcher = searcher;
    this.analyzer = analyzer;
  }

  /** The {@code n} best rows by BM25, best first; none for a text without terms. */
  public List<SearchHit> hits(String text, Query filter, int n, float minScore) throws IOException {
    LinkedHashSet<String> terms = new LinkedHashSet<>();
    // words the analyzer splits (XR-4471 -> xr, 4471): their parts, adjacent, as a phrase
    List<List<String>> phrases = new ArrayList<>();
    try (TokenStream tokens = analyzer.tokenStream(IndexSchema.F_TEXT, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = tokens.addAttribute(OffsetAttribute.class);
      tokens.reset();
      List<String> word = new ArrayList<>();
      int wordEnd = -1;
      while (tokens.incrementToken() && terms.size() < MAX_TERMS) {
        String t = term.toString();
        terms.add(t);
        boolean joined =
            wordEnd >= 0
                && offset.startOffset() > wordEnd
                && text.substring(wordEnd, offset.startOffset())
                    .chars()
                    .noneMatch(Character::isWhitespace);
        if (!joined) {
          if (word.size() > 1 && phrases.size() < MAX_PHRASES) {
            phrases.add(word);
          }
          word = new ArrayList<>();
        }
        word.add(t);
        wordEnd = offset.endOffset();
      }
      if (word.size() > 1 && phrases.size() < MAX_PHRASES) {
        phrases.add(word);
      }
      tokens.end();
    }
    if (terms.isEmpty()) {
      return List.of();
    }
    BooleanQuery.Builder match = new BooleanQuery.Builder();
    for (String t : terms) {
      match.add(new TermQuery(new Term(IndexSchema.F_TEXT, t)), BooleanClause.Occur.SHOULD);
      match.add(
          new BoostQuery(new TermQuery(new Term(IndexSchema.F_TITLE, t)), IndexQuery.TITLE_BOOST),
          BooleanClause.Occur.SHOULD);
    }
    for (List<String> phrase : phrases) {
      for (String field : List.of(IndexSchema.F_TEXT, IndexSchema.F_TITLE)) {
        match.add(
            new BoostQuery(new PhraseQuery(field, phrase.toArray(String[]::new)), PHRASE_BOOST),
            BooleanClause.Occur.SHOULD);
      }
    }
    Query q = match.build();
    if (filter != null) {
      q =
          new BooleanQuery.Builder()
              .add(q, BooleanClause.Occur.MUST)
              .add(filter, BooleanClause.Occur.FILTER)
              .build();
    }
    TopDocs top = searcher.search(q, n);
    return Hits.of(searcher, top, score -> score, minScore);
  }
}
