package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import io.lakeshelf.index.embed.Passage;
import io.lakeshelf.index.embed.RagCorpus;
import io.lakeshelf.index.embed.SharedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyword (BM25) and hybrid (reciprocal rank fusion) search over the question-answering corpus,
 * ingested into a managed table with the bundled model's vectors: each mode finds what the other
 * misses, and hybrid finds both.
 */
class KeywordAndHybridSearchTest {

  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", MiniLmEmbedder.DIMENSIONS, Similarity.COSINE);

  /** A row with text but no vector (not embedded yet): only keyword search can find it. */
  private static final String UNEMBEDDED = "keeper-log";

  @TempDir static Path dir;
  private static IndexedTable table;

  @BeforeAll
  static void ingest() throws IOException {
    List<Passage> passages = RagCorpus.passages();
    float[][] vectors = SharedModel.get().embed(passages.stream().map(Passage::text).toList());
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      Passage p = passages.get(i);
      docs.add(
          new Document(p.id(), p.title(), p.text(), null, Map.of("body", vectors[i]), null, null));
    }
    docs.add(
        new Document(
            UNEMBEDDED,
            "Skerryvore keeper's log",
            "Fog rolled in at dusk; the keeper lit the lamp and sounded the foghorn every ninety"
                + " seconds.",
            null,
            null,
            null,
            null));
    table = new IndexedTable(dir, SPEC);
    table.upsert(docs);
    assertThat(table.index.rowCount()).isEqualTo(passages.size());
  }

  @AfterAll
  static void close() throws IOException {
    if (table != null) {
      table.close();
    }
  }

  private static float[] embed(String text) {
    return SharedModel.get().embed(List.of(text))[0];
  }

  private static List<SearchHit> search(IndexQuery q) throws IOException {
    try (VectorIndex.View view = table.index.acquire()) {
      return view.search(q);
    }
  }

  private static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  private static IndexQuery vector(String text, int k) {
    return IndexQuery.vector(embed(text), k);
  }

  private static IndexQuery keyword(String text, int k) {
    return new IndexQuery(
        SearchMode.KEYWORD,
        null,
        text,
        null,
        k,
        k,
        Float.NEGATIVE_INFINITY,
        false,
        IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
  }

  private static IndexQuery hybrid(String text, int k, int candidates) {
    return new IndexQuery(
        SearchMode.HYBRID,
        embed(text),
        text,
        null,
        k,
        candidates,
        Float.NEGATIVE_INFINITY,
        false,
        IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
  }

  @Test
  void keywordSearchRanksTheProductCodesPassageFirstWhereVectorSearchDoesNot() throws IOException {
    List<String> byVector = ids(search(vector(RagCorpus.PRODUCT_CODE, 10)));
    assertThat(byVector.get(0)).isEqualTo(RagCorpus.PRODUCT_CODE_DECOY);
    assertThat(byVector).contains(RagCorpus.PRODUCT_CODE_PASSAGE);
    assertThat(byVector.get(0)).isNotEqualTo(RagCorpus.PRODUCT_CODE_PASSAGE);

    List<SearchHit> byKeyword = search(keyword(RagCorpus.PRODUCT_CODE, 10));
    assertThat(ids(byKeyword).get(0)).isEqualTo(RagCorpus.PRODUCT_CODE_PASSAGE);
    // Only the two passages that mention an XR code match at all: the code is split into "xr" and
    // "4471", and the parts list has "xr" only.
    assertThat(ids(byKeyword))
        .containsExactly(RagCorpus.PRODUCT_CODE_PASSAGE, RagCorpus.PRODUCT_CODE_DECOY);
    assertThat(byKeyword.get(0).score()).isGreaterThan(byKeyword.get(1).score());
    // However the code is written.
    assertThat(ids(search(keyword("xr 4471", 1)))).containsExactly(RagCorpus.PRODUCT_CODE_PASSAGE);
    assertThat(ids(search(keyword("What does the XR-4471 need?", 1))))
        .containsExactly(RagCorpus.PRODUCT_CODE_PASSAGE);
  }

  @Test
  void hybridSearchPutsTheProductCodesPassageInTheTopTwo() throws IOException {
    List<String> hits = ids(search(hybrid(RagCorpus.PRODUCT_CODE, 10, 100)));
    assertThat(hits.indexOf(RagCorpus.PRODUCT_CODE_PASSAGE)).isBetween(0, 1);
    assertThat(hits.subList(0, 2))
        .containsExactlyInAnyOrder(RagCorpus.PRODUCT_CODE_PASSAGE, RagCorpus.PRODUCT_CODE_DECOY);
    // With words about it, the vector list agrees and hybrid puts it first.
    assertThat(ids(search(hybrid("descaling the XR-4471 espresso machine", 3, 100))).get(0))
        .isEqualTo(RagCorpus.PRODUCT_CODE_PASSAGE);
  }

  @Test
  void aRowOnlyInTheKeywordListStillAppearsInHybridResults() throws IOException {
    // One word, in that row only: the keyword list is that row, the vector list every other row.
    String query = "foghorn";
    assertThat(ids(search(vector(query, 100))))
        .hasSize(RagCorpus.passages().size())
        .doesNotContain(UNEMBEDDED);
    assertThat(ids(search(keyword(query, 10)))).containsExactly(UNEMBEDDED);
    List<SearchHit> fused = search(hybrid(query, 5, 100));
    assertThat(ids(fused)).contains(UNEMBEDDED);
    SearchHit hit = fused.stream().filter(h -> h.id().equals(UNEMBEDDED)).findFirst().orElseThrow();
    // One list, first in it.
    assertThat(hit.score()).isCloseTo(1f / (IndexQuery.RRF_K + 1), within(1e-7f));
    try (VectorIndex.View view = table.index.acquire()) {
      assertThat(hit.locator()).isEqualTo(view.find(List.of(UNEMBEDDED)).get(UNEMBEDDED).get(0));
    }
  }

  /**
   * Hybrid results are the reciprocal rank fusion of the two lists, each as deep as {@code
   * candidates}.
   */
  @Test
  void hybridResultsAreTheFusionOfTheVectorAndKeywordLists() throws IOException {
    List<String> queries =
        new ArrayList<>(RagCorpus.questions().stream().map(RagCorpus.Question::question).toList());
    queries.addAll(
        List.of(RagCorpus.PRODUCT_CODE, "the keeper sounded the foghorn", "water temperature"));
    int keywordOnly = 0;
    for (String q : queries) {
      for (int candidates : new int[] {5, 20, 100}) {
        float[] v = embed(q);
        List<SearchHit> vectorList =
            search(
                new IndexQuery(
                    SearchMode.VECTOR,
                    v,
                    null,
                    null,
                    candidates,
                    candidates,
                    Float.NEGATIVE_INFINITY,
                    false,
                    IndexQuery.DEFAULT_MAX_FILTER_DEPTH));
        List<SearchHit> keywordList = search(keyword(q, candidates));
        Map<String, Float> rrf = new HashMap<>();
        for (List<SearchHit> list : List.of(vectorList, keywordList)) {
          for (int r = 0; r < list.size(); r++) {
            rrf.merge(list.get(r).id(), 1f / (IndexQuery.RRF_K + r + 1), Float::sum);
          }
        }
        List<String> keywordOrder = ids(keywordList);
        // equal scores keep the keyword list's order (rows absent from it last), then ids
        List<String> want =
            rrf.entrySet().stream()
                .sorted(
                    Map.Entry.<String, Float>comparingByValue()
                        .reversed()
                        .thenComparing(
                            e ->
                                keywordOrder.contains(e.getKey())
                                    ? keywordOrder.indexOf(e.getKey())
                                    : Integer.MAX_VALUE)
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .limit(candidates)
                .toList();
        List<SearchHit> got =
            search(
                new IndexQuery(
                    SearchMode.HYBRID,
                    v,
                    q,
                    null,
                    candidates,
                    candidates,
                    Float.NEGATIVE_INFINITY,
                    false,
                    IndexQuery.DEFAULT_MAX_FILTER_DEPTH));
        assertThat(ids(got)).as(q + ", candidates " + candidates).isEqualTo(want);
        for (SearchHit h : got) {
          assertThat(h.score()).isCloseTo(rrf.get(h.id()), within(1e-7f));
        }
        List<String> vectorIds = ids(vectorList);
        keywordOnly += (int) got.stream().filter(h -> !vectorIds.contains(h.id())).count();
      }
    }
    // Rows found by keyword alone made it into the fused lists.
    assertThat(keywordOnly).isPositive();
  }

  @Test
  void everyQuestionFindsItsAnswerAsTheTopVectorHit() throws IOException {
    for (RagCorpus.Question q : RagCorpus.questions()) {
      List<SearchHit> hits = search(vector(q.question(), 1));
      assertThat(ids(hits)).as(q.question()).containsExactly(q.answerId());
      // Exact search agrees.
      assertThat(ids(search(vector(q.question(), 1).exactly())))
          .as(q.question())
          .containsExactly(q.answerId());
    }
  }

  @Test
  void keywordSearchScoresAreBm25AndMinScoreCutsThem() throws IOException {
    List<SearchHit> all = search(keyword("water", 50));
    assertThat(all).hasSizeGreaterThan(2);
    assertThat(all).isSortedAccordingTo(Comparator.comparing(SearchHit::score).reversed());
    float cut = all.get(1).score();
    List<SearchHit> cutOff =
        search(
            new IndexQuery(
                SearchMode.KEYWORD,
                null,
                "water",
                null,
                50,
                50,
                cut,
                false,
                IndexQuery.DEFAULT_MAX_FILTER_DEPTH));
    assertThat(cutOff).allSatisfy(h -> assertThat(h.score()).isGreaterThanOrEqualTo(cut));
    assertThat(ids(cutOff)).isEqualTo(ids(all).subList(0, cutOff.size()));
    // A text with no indexed term finds nothing rather than failing.
    assertThat(search(keyword("zzyzx", 10))).isEmpty();
    assertThat(search(keyword("!!! ???", 10))).isEmpty();
  }

  // ---------------------------------------------------------------- VectorIndex.fuse

  private static SearchHit hit(String id, float score) {
    return new SearchHit(id, score, new RowLocator("part-" + id + ".parquet", id.charAt(0)));
  }

  @Test
  void fuseSumsReciprocalRanksAndBreaksTiesInKeywordOrder() {
    // vector: a, z, c; keyword: c, d.
    List<SearchHit> vector = List.of(hit("a", 0.9f), hit("z", 0.8f), hit("c", 0.7f));
    List<SearchHit> keyword = List.of(hit("c", 12.5f), hit("d", 3.0f));
    float c = 1f / 63 + 1f / 61;
    float a = 1f / 61;
    float zd = 1f / 62; // z second by vector, d second by keyword: a tie, d first (keyword order)

    List<SearchHit> fused =
        io.lakeshelf.index.query.RankFusion.fuse(vector, keyword, 10, Float.NEGATIVE_INFINITY);
    assertThat(ids(fused)).containsExactly("c", "a", "d", "z");
    assertThat(fused.get(0).score()).isCloseTo(c, within(1e-8f));
    assertThat(fused.get(1).score()).isCloseTo(a, within(1e-8f));
    assertThat(fused.get(2).score()).isCloseTo(zd, within(1e-8f));
    assertThat(fused.get(3).score()).isCloseTo(zd, within(1e-8f));
    // Locators are kept.
    assertThat(fused.get(0).locator()).isEqualTo(new RowLocator("part-c.parquet", 'c'));

    assertThat(
            ids(
                io.lakeshelf.index.query.RankFusion.fuse(
                    vector, keyword, 2, Float.NEGATIVE_INFINITY)))
        .containsExactly("c", "a");
    assertThat(ids(io.lakeshelf.index.query.RankFusion.fuse(vector, keyword, 10, a)))
        .containsExactly("c", "a");
    assertThat(ids(io.lakeshelf.index.query.RankFusion.fuse(vector, keyword, 10, Math.nextUp(a))))
        .containsExactly("c");
    assertThat(
            io.lakeshelf.index.query.RankFusion.fuse(
                List.of(), List.of(), 10, Float.NEGATIVE_INFINITY))
        .isEmpty();
    assertThat(
            ids(
                io.lakeshelf.index.query.RankFusion.fuse(
                    List.of(), keyword, 10, Float.NEGATIVE_INFINITY)))
        .containsExactly("c", "d");
  }

  @Test
  void fuseRanksARowHighInBothListsAboveRowsFirstInOne() {
    // b is second in both lists; a and c are first in one each: 2/62 > 1/61. a and c tie, and
    // the keyword list's order decides: c first.
    List<SearchHit> vector = List.of(hit("a", 1), hit("b", 1), hit("x", 1));
    List<SearchHit> keyword = List.of(hit("c", 1), hit("b", 1), hit("y", 1));
    List<SearchHit> fused =
        io.lakeshelf.index.query.RankFusion.fuse(vector, keyword, 3, Float.NEGATIVE_INFINITY);
    assertThat(ids(fused)).containsExactly("b", "c", "a");
    assertThat(fused.get(0).score()).isCloseTo(2f / 62, within(1e-8f));
  }
}
