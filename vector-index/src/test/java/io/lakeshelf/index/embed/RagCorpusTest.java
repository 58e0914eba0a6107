package io.lakeshelf.index.embed;

import static io.lakeshelf.index.embed.SharedModel.dot;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.index.embed.RagCorpus.Question;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The small question-answering corpus with the bundled model: what later service tests rely on,
 * checked by brute force over all passages.
 */
class RagCorpusTest {

  private static List<Passage> passages;
  private static float[][] vectors;

  @BeforeAll
  static void embed() {
    passages = RagCorpus.passages();
    vectors = SharedModel.get().embed(passages.stream().map(Passage::text).toList());
  }

  /** Passage ids from nearest to farthest from {@code query} by cosine. */
  private static List<String> byVector(String query) {
    float[] q = SharedModel.get().embed(List.of(query))[0];
    Integer[] order = new Integer[passages.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> -dot(q, vectors[i])));
    return Arrays.stream(order).map(i -> passages.get(i).id()).toList();
  }

  @Test
  void theCorpusIsWellFormed() {
    assertThat(passages).hasSizeBetween(30, 60);
    assertThat(passages.stream().map(Passage::id).distinct()).hasSameSizeAs(passages);
    List<Question> questions = RagCorpus.questions();
    assertThat(questions).hasSizeGreaterThanOrEqualTo(5);
    Set<String> ids = passages.stream().map(Passage::id).collect(Collectors.toSet());
    assertThat(questions).allSatisfy(q -> assertThat(ids).contains(q.answerId()));
    assertThat(RagCorpus.passage(RagCorpus.PRODUCT_CODE_PASSAGE)).isPresent();
  }

  @Test
  void everyQuestionFindsItsAnswerAsTheNearestPassage() {
    for (Question q : RagCorpus.questions()) {
      assertThat(byVector(q.question()).get(0)).as(q.question()).isEqualTo(q.answerId());
    }
  }

  @Test
  void noQuestionSharesAContentWordWithItsAnswer() {
    for (Question q : RagCorpus.questions()) {
      Passage answer = RagCorpus.passage(q.answerId()).orElseThrow();
      Set<String> shared = contentStems(q.question());
      shared.retainAll(contentStems(answer.title() + " " + answer.text()));
      assertThat(shared).as(q.question()).isEmpty();
    }
  }

  @Test
  void aBareProductCodeIsMissedByVectorSearchButFoundByKeywordSearch() throws Exception {
    List<String> ranked = byVector(RagCorpus.PRODUCT_CODE);
    // The parts list of look-alike codes is nearer than the passage about the product itself.
    assertThat(ranked.get(0)).isEqualTo(RagCorpus.PRODUCT_CODE_DECOY);
    assertThat(ranked.indexOf(RagCorpus.PRODUCT_CODE_PASSAGE)).isPositive();
    assertThat(byKeyword(RagCorpus.PRODUCT_CODE).get(0)).isEqualTo(RagCorpus.PRODUCT_CODE_PASSAGE);
    // With words about it, vector search finds it.
    assertThat(byVector("How do I descale my espresso machine?").get(0))
        .isEqualTo(RagCorpus.PRODUCT_CODE_PASSAGE);
  }

  /**
   * BM25 over the passages' text, terms of {@code query} OR-ed, as Lucene's standard analyzer
   * splits them.
   */
  private static List<String> byKeyword(String query) throws Exception {
    try (Directory dir = new ByteBuffersDirectory();
        StandardAnalyzer analyzer = new StandardAnalyzer()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
        for (Passage p : passages) {
          Document d = new Document();
          d.add(new StringField("id", p.id(), Field.Store.YES));
          d.add(new TextField("text", p.text(), Field.Store.NO));
          w.addDocument(d);
        }
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        try (var tokens = analyzer.tokenStream("text", query)) {
          var term =
              tokens.addAttribute(
                  org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
          tokens.reset();
          while (tokens.incrementToken()) {
            q.add(new TermQuery(new Term("text", term.toString())), BooleanClause.Occur.SHOULD);
          }
          tokens.end();
        }
        IndexSearcher searcher = new IndexSearcher(reader);
        List<String> ids = new ArrayList<>();
        for (ScoreDoc sd : searcher.search(q.build(), passages.size()).scoreDocs) {
          ids.add(searcher.storedFields().document(sd.doc).get("id"));
        }
        return ids;
      }
    }
  }

  private static final Set<String> STOP_WORDS =
      Set.of(
          ("a an the and or of to in on at by for from with into up down out off over under about"
               + " after before how why what which who when where is are was were be been do does"
               + " did have has had can could would should will may might it its this that these"
               + " those i me my we our us you your he she they them their there here so as if than"
               + " then not no only own same such just also both each few more most other some any"
               + " all am")
              .split(" "));

  /** Lower-cased words less stop words, crudely stemmed (plural, -ed, -ing, -ly, -er, -y). */
  private static Set<String> contentStems(String text) {
    Set<String> stems = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() > 1 && !STOP_WORDS.contains(w)) {
        stems.add(stem(w));
      }
    }
    return stems;
  }

  private static String stem(String w) {
    for (String suffix : List.of("ing", "ed", "es", "s", "ly", "er", "y")) {
      if (w.endsWith(suffix) && w.length() - suffix.length() >= 3) {
        return w.substring(0, w.length() - suffix.length());
      }
    }
    return w;
  }
}
