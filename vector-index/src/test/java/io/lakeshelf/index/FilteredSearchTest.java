package io.lakeshelf.index;

import static io.lakeshelf.index.BruteForce.assertExactTop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.TestDocuments;
import io.lakeshelf.index.BruteForce.Scored;
import io.lakeshelf.index.filter.FieldType;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.filter.Filter.And;
import io.lakeshelf.index.filter.Filter.Compare;
import io.lakeshelf.index.filter.Filter.Exists;
import io.lakeshelf.index.filter.Filter.In;
import io.lakeshelf.index.filter.Filter.Not;
import io.lakeshelf.index.filter.Filter.Op;
import io.lakeshelf.index.filter.Filter.Or;
import io.lakeshelf.index.filter.FilterCompiler;
import io.lakeshelf.index.filter.FilterException;
import io.lakeshelf.index.filter.FilterField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filtered search against brute force: for each filter, the rows the index matches are the rows the
 * filter matches when evaluated in Java ({@link FilterOracle}), and vector search returns the exact
 * top k among those rows. Two tables: a managed one of 5,040 rows whose metadata carries a {@code
 * group} with ten values, one of them ({@code rare}) held by five rows only (0.1%), and the table
 * Spark wrote (partition column {@code lang}, {@code published_at} timestamps, metadata map, column
 * mapping, deletion vectors).
 */
class FilteredSearchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------- the managed table

  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", 32, Similarity.COSINE);
  private static final int ROWS = 5000;
  private static final int ROWS_WITHOUT_VECTOR = 40;
  private static final Set<Integer> RARE = Set.of(17, 1234, 2500, 3777, 4999);
  private static final String GROUP = "metadata.group";
  private static final String RANK = "metadata.rank";
  private static final String TAG = "metadata.tag";
  private static final String NEVER = "metadata.never";
  private static final String TITLE = "title";
  private static final IndexOptions MANAGED_OPTIONS =
      new IndexOptions(
          Quantization.NONE, TextAnalysis.STANDARD, List.of(GROUP, RANK, TAG, NEVER, TITLE));

  @TempDir static Path dir;
  private static IndexedTable managed;

  /** Every live row's filter values, by id, rows without a vector included. */
  private static final Map<String, Map<String, Object>> managedRows = new TreeMap<>();

  /** Vectors by id; null for rows without one. */
  private static final Map<String, float[]> managedVectors = new HashMap<>();

  private static final Map<String, String> managedText = new HashMap<>();
  private static final FilterOracle managedOracle =
      new FilterOracle(
          Map.of(
              GROUP,
              FieldType.KEYWORD,
              RANK,
              FieldType.KEYWORD,
              TAG,
              FieldType.KEYWORD,
              NEVER,
              FieldType.KEYWORD,
              TITLE,
              FieldType.KEYWORD));

  // ---------------------------------------------------------------- the Spark table

  private static final VectorSpec SPARK_SPEC =
      new VectorSpec("body", "body_embedding", 16, Similarity.COSINE);
  private static final ContentColumns SPARK_COLUMNS =
      new ContentColumns("doc_id", "title", "body", "images", "metadata", null);
  private static final String LANG = "lang";
  private static final String PUBLISHED = "published_at";
  private static final String SOURCE = "metadata.source";
  private static final String TIER = "metadata.tier";
  private static final String REVISED = "metadata.revised";
  private static final IndexOptions SPARK_OPTIONS =
      new IndexOptions(
          Quantization.NONE,
          TextAnalysis.STANDARD,
          List.of(LANG, PUBLISHED, SOURCE, TIER, REVISED, TITLE));
  private static final ExecutorService executor = Executors.newFixedThreadPool(2);
  private static VectorIndex spark;
  private static final Map<String, Map<String, Object>> sparkRows = new TreeMap<>();
  private static final Map<String, float[]> sparkVectors = new HashMap<>();
  private static final Map<String, Set<String>> sparkWords = new HashMap<>();
  private static final List<float[]> sparkQueries = new ArrayList<>();
  private static final FilterOracle sparkOracle =
      new FilterOracle(
          Map.of(
              LANG,
              FieldType.KEYWORD,
              PUBLISHED,
              FieldType.TIMESTAMP,
              SOURCE,
              FieldType.KEYWORD,
              TIER,
              FieldType.KEYWORD,
              REVISED,
              FieldType.KEYWORD,
              TITLE,
              FieldType.KEYWORD));

  @BeforeAll
  static void writeTables() throws IOException {
    writeManagedTable();
    indexSparkTable();
  }

  private static void writeManagedTable() throws IOException {
    Random random = new Random(7);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      String id = String.format(Locale.ROOT, "d%04d", i);
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("group", RARE.contains(i) ? "rare" : "g" + (i % 9));
      metadata.put("rank", String.format(Locale.ROOT, "%04d", i));
      if (i % 3 == 0) {
        metadata.put("tag", "t" + (i % 4));
      }
      docs.add(
          doc(id, metadata, "word" + (i % 7) + " common", TestDocuments.randomVector(random, 32)));
    }
    // Rows without a vector: matched by filters and keyword search, never by vector search.
    for (int j = 0; j < ROWS_WITHOUT_VECTOR; j++) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("group", "g" + (j % 9));
      metadata.put("rank", String.format(Locale.ROOT, "%04d", 5000 + j));
      if (j % 2 == 0) {
        metadata.put("tag", "t" + (j % 4));
      }
      docs.add(
          doc(
              String.format(Locale.ROOT, "n%02d", j),
              metadata,
              "word" + (j % 7) + " common",
              null));
    }
    Collections.shuffle(docs, random);
    managed = new IndexedTable(dir.resolve("managed"), SPEC, MANAGED_OPTIONS);
    // Five commits, each synced on its own: five data files, five segments.
    for (int from = 0; from < docs.size(); from += 1008) {
      managed.table.upsert(
          docs.subList(from, Math.min(docs.size(), from + 1008)), (ids, v) -> Map.of());
      managed.sync();
    }
    assertThat(managed.index.rowCount()).as("rows with a vector").isEqualTo(ROWS);
  }

  private static Document doc(
      String id, Map<String, Object> metadata, String text, float[] vector) {
    Map<String, Object> fields = new HashMap<>();
    fields.put(GROUP, metadata.get("group"));
    fields.put(RANK, metadata.get("rank"));
    fields.put(TAG, metadata.get("tag"));
    fields.put(TITLE, "Title " + id);
    managedRows.put(id, fields);
    managedVectors.put(id, vector);
    managedText.put(id, text);
    return new Document(
        id,
        "Title " + id,
        text,
        null,
        vector == null ? Map.of() : Map.of("body", vector),
        metadata,
        null);
  }

  private static void indexSparkTable() throws IOException {
    Path table = Fixtures.copy("spark-content-table/table", dir.resolve("spark"));
    Path expected = Fixtures.root().resolve("spark-content-table/expected");
    for (String line : Files.readAllLines(expected.resolve("live_rows.jsonl"))) {
      JsonNode row = JSON.readTree(line);
      String id = row.get("doc_id").asText();
      Map<String, Object> fields = new HashMap<>();
      fields.put(LANG, row.path("lang").textValue());
      fields.put(
          PUBLISHED,
          ChronoUnit.MICROS.between(
              Instant.EPOCH, Instant.parse(row.get("published_at").asText())));
      fields.put(TITLE, row.path("title").textValue());
      JsonNode metadata = row.path("metadata");
      fields.put(SOURCE, metadata.path("source").textValue());
      fields.put(TIER, metadata.path("tier").textValue());
      fields.put(REVISED, metadata.path("revised").textValue());
      sparkRows.put(id, fields);
      sparkVectors.put(id, floats(row.get("body_embedding")));
      sparkWords.put(id, words(row.path("title").asText() + " " + row.path("body").asText()));
    }
    for (String line : Files.readAllLines(expected.resolve("queries.jsonl"))) {
      sparkQueries.add(floats(JSON.readTree(line).get("vector")));
    }
    ContentTable content =
        ContentTable.open(
            TableEngines.local(), table.toString(), SPARK_COLUMNS, List.of(SPARK_SPEC));
    spark = VectorIndex.open(dir.resolve("spark-index"), SPARK_SPEC, SPARK_OPTIONS);
    SyncResult r = spark.syncTo(content.latest(), SPARK_COLUMNS, executor, SyncProgress.NONE);
    assertThat(r.to()).isEqualTo(TableVersion.of(6));
    assertThat(spark.rowCount()).isEqualTo(384);
    assertThat(sparkRows).hasSize(384);
  }

  private static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }

  /** The terms the standard analyzer makes of plain lower-case ASCII words and numbers. */
  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }

  @AfterAll
  static void close() throws IOException {
    if (managed != null) {
      managed.close();
    }
    if (spark != null) {
      spark.close();
    }
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- filters and their rows

  private static Compare cmp(String field, Op op, Object value) {
    return new Compare(field, op, value);
  }

  private static Map<String, Filter> managedFilters() {
    Map<String, Filter> f = new LinkedHashMap<>();
    f.put("eq", cmp(GROUP, Op.EQ, "g3"));
    f.put("ne", cmp(GROUP, Op.NE, "g3"));
    f.put("in", new In(GROUP, List.of("g1", "g4", "rare")));
    f.put("gt", cmp(RANK, Op.GT, "4000"));
    f.put("gte", cmp(RANK, Op.GTE, "4000"));
    f.put("lt", cmp(RANK, Op.LT, "0100"));
    f.put("lte", cmp(RANK, Op.LTE, "0100"));
    f.put("range", new And(List.of(cmp(RANK, Op.GTE, "1000"), cmp(RANK, Op.LT, "1500"))));
    f.put("exists", new Exists(TAG, true));
    f.put("not exists", new Exists(TAG, false));
    f.put("no row has it", new Exists(NEVER, false));
    f.put("eq on a field no row has", cmp(NEVER, Op.EQ, "x"));
    f.put("and", new And(List.of(cmp(GROUP, Op.EQ, "g3"), cmp(TAG, Op.EQ, "t0"))));
    f.put("or", new Or(List.of(cmp(GROUP, Op.EQ, "rare"), cmp(TAG, Op.EQ, "t1"))));
    f.put("not", new Not(new In(GROUP, List.of("g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7"))));
    f.put("ne skips rows without the field", cmp(TAG, Op.NE, "t0"));
    f.put("not eq keeps rows without the field", new Not(cmp(TAG, Op.EQ, "t0")));
    f.put(
        "nested",
        new Or(
            List.of(
                new And(List.of(cmp(GROUP, Op.EQ, "g5"), new Not(new Exists(TAG, true)))),
                new And(List.of(cmp(RANK, Op.GTE, "4990"), cmp(RANK, Op.LTE, "4999"))))));
    f.put("title", cmp(TITLE, Op.EQ, "Title d0042"));
    f.put("rare", cmp(GROUP, Op.EQ, "rare"));
    return f;
  }

  private static Set<String> oracle(
      FilterOracle oracle, Map<String, Map<String, Object>> rows, Filter filter) {
    return rows.entrySet().stream()
        .filter(e -> oracle.matches(filter, e.getValue()))
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(HashSet::new));
  }

  private static IndexQuery vectorQuery(float[] q, int k, Filter filter) {
    return IndexQuery.vector(q, k).withFilter(filter);
  }

  private static IndexQuery keywordQuery(String text, int k, Filter filter) {
    return new IndexQuery(
        SearchMode.KEYWORD,
        null,
        text,
        filter,
        k,
        k,
        Float.NEGATIVE_INFINITY,
        false,
        IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
  }

  private static IndexQuery hybridQuery(float[] q, String text, int k, Filter filter) {
    return new IndexQuery(
        SearchMode.HYBRID,
        q,
        text,
        filter,
        k,
        k,
        Float.NEGATIVE_INFINITY,
        false,
        IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
  }

  private static Set<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).collect(Collectors.toSet());
  }

  /**
   * For each filter: the rows the index matches are the oracle's; exact search returns the exact
   * top 10 of those rows; HNSW search returns only such rows, all of the exact top 10 when the
   * filter leaves no more rows than HNSW explores (Lucene then scores them all), and at least
   * {@code minRecall} of them otherwise; every hit with its full-precision similarity.
   */
  private static void checkVectorSearch(
      VectorIndex index,
      FilterOracle oracle,
      Map<String, Map<String, Object>> rows,
      Map<String, float[]> vectors,
      Map<String, Filter> filters,
      List<float[]> queries,
      double minRecall)
      throws IOException {
    try (VectorIndex.View view = index.acquire()) {
      for (Map.Entry<String, Filter> f : filters.entrySet()) {
        Set<String> matching = oracle(oracle, rows, f.getValue());
        assertThat(
                new HashSet<>(
                    view.matching(f.getValue(), IndexQuery.DEFAULT_MAX_FILTER_DEPTH, 100_000)))
            .as(f.getKey() + ": rows matched")
            .isEqualTo(matching);
        Predicate<String> allowed = matching::contains;
        long withVector = matching.stream().filter(id -> vectors.get(id) != null).count();
        int found = 0;
        int wanted = 0;
        for (int qi = 0; qi < queries.size(); qi++) {
          float[] q = queries.get(qi);
          String what = f.getKey() + " " + f.getValue() + ", query " + qi;
          List<Scored> ranked = BruteForce.ranked(vectors, allowed, q);
          assertExactTop(
              view.search(vectorQuery(q, 10, f.getValue()).exactly()),
              ranked,
              10,
              what + " (exact)");
          List<SearchHit> hnsw = view.search(vectorQuery(q, 10, f.getValue()));
          assertThat(ids(hnsw)).as(what + " (hnsw) hits match the filter").isSubsetOf(matching);
          for (SearchHit h : hnsw) {
            assertThat((double) h.score())
                .as(what + " (hnsw) score of " + h.id())
                .isCloseTo(
                    BruteForce.cosine(q, vectors.get(h.id())),
                    org.assertj.core.data.Offset.offset(1e-4));
          }
          if (withVector <= VectorQuery.DEFAULT_CANDIDATES) {
            assertExactTop(hnsw, ranked, 10, what + " (hnsw over few rows)");
          }
          found += BruteForce.found(hnsw, ranked, 10);
          wanted += Math.min(10, ranked.size());
        }
        double recall = wanted == 0 ? 1 : found / (double) wanted;
        assertThat(recall)
            .as(f.getKey() + ": HNSW recall@10 against brute force")
            .isGreaterThanOrEqualTo(minRecall);
      }
    }
  }

  // ---------------------------------------------------------------- tests: the managed table

  @Test
  void vectorSearchWithEachFilterReturnsTheExactTopKAmongTheMatchingRows() throws IOException {
    Random random = new Random(11);
    List<float[]> queries =
        List.of(
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32));
    checkVectorSearch(
        managed.index, managedOracle, managedRows, managedVectors, managedFilters(), queries, 0.9);
  }

  @Test
  void aFilterHeldByFiveRowsOfFiveThousandStillYieldsThoseRowsNearestFirst() throws IOException {
    Filter rare = cmp(GROUP, Op.EQ, "rare");
    Set<String> rareIds =
        RARE.stream().map(i -> String.format(Locale.ROOT, "d%04d", i)).collect(Collectors.toSet());
    Random random = new Random(12);
    try (VectorIndex.View view = managed.index.acquire()) {
      for (int qi = 0; qi < 20; qi++) {
        float[] q = TestDocuments.randomVector(random, 32);
        List<Scored> ranked = BruteForce.ranked(managedVectors, rareIds::contains, q);
        // HNSW alone would find few of them: the filtered search must not come back short.
        List<SearchHit> ten = view.search(vectorQuery(q, 10, rare));
        assertThat(ids(ten)).isEqualTo(rareIds);
        assertExactTop(ten, ranked, 10, "k=10 > 5 matching, query " + qi);
        assertExactTop(view.search(vectorQuery(q, 3, rare)), ranked, 3, "k=3, query " + qi);
        assertExactTop(view.search(vectorQuery(q, 1, rare)), ranked, 1, "k=1, query " + qi);
        assertExactTop(
            view.search(vectorQuery(q, 3, rare).exactly()), ranked, 3, "k=3 exact, query " + qi);
      }
    }
  }

  @Test
  void aQuantizedIndexFiltersAlikeAndScoresAtFullPrecision() throws IOException {
    Random random = new Random(14);
    List<float[]> queries =
        List.of(
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32),
            TestDocuments.randomVector(random, 32));
    // INT8 ranks these vectors as well as floats do (recall 1.0 for every filter). One bit per
    // dimension of 32 random dimensions hardly ranks them at all: BBQ's 100 candidates, rescored,
    // hold 60-70% of the true top 10 under broad filters (no filter alike), so its floor only
    // catches a collapse. Either way, selective filters are exact and every score full-precision.
    Map<Quantization, Double> floor = Map.of(Quantization.INT8, 0.9, Quantization.BBQ, 0.4);
    for (Quantization q : List.of(Quantization.INT8, Quantization.BBQ)) {
      IndexOptions options =
          new IndexOptions(q, TextAnalysis.STANDARD, MANAGED_OPTIONS.filterable());
      try (VectorIndex index =
          VectorIndex.open(dir.resolve("managed-" + q.wireName()), SPEC, options)) {
        index.syncTo(managed.table.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);
        checkVectorSearch(
            index,
            managedOracle,
            managedRows,
            managedVectors,
            managedFilters(),
            queries,
            floor.get(q));
      }
    }
  }

  /**
   * Regression: Lucene's full-precision rescoring fails on an empty candidate list (an assertion,
   * or an ArrayIndexOutOfBoundsException with assertions off), so a quantized search whose filter
   * matched no row, or of an index with no vectors, failed instead of finding nothing.
   */
  @Test
  void aSearchThatMatchesNoRowFindsNothing() throws IOException {
    float[] q = TestDocuments.randomVector(new Random(15), 32);
    Filter none = cmp(GROUP, Op.EQ, "no such group");
    for (Quantization quantization : Quantization.values()) {
      IndexOptions options =
          new IndexOptions(quantization, TextAnalysis.STANDARD, MANAGED_OPTIONS.filterable());
      try (VectorIndex index =
          VectorIndex.open(dir.resolve("empty-" + quantization.wireName()), SPEC, options)) {
        try (VectorIndex.View view = index.acquire()) {
          assertThat(view.search(IndexQuery.vector(q, 10)))
              .as(quantization + ", no rows yet")
              .isEmpty();
        }
        index.syncTo(
            managed.table.at(TableVersion.of(1)),
            ContentColumns.MANAGED,
            executor,
            SyncProgress.NONE);
        try (VectorIndex.View view = index.acquire()) {
          assertThat(view.search(vectorQuery(q, 10, none)))
              .as(quantization + ", filtered")
              .isEmpty();
          assertThat(view.search(vectorQuery(q, 10, none).exactly())).isEmpty();
          assertThat(view.search(hybridQuery(q, "word3", 10, none))).isEmpty();
          assertThat(view.search(vectorQuery(q, 10, cmp(GROUP, Op.EQ, "g3")))).hasSize(10);
        }
      }
    }
  }

  @Test
  void keywordSearchHonoursTheFilter() throws IOException {
    try (VectorIndex.View view = managed.index.acquire()) {
      for (Map.Entry<String, Filter> f : managedFilters().entrySet()) {
        Set<String> want = oracle(managedOracle, managedRows, f.getValue());
        want.removeIf(id -> !managedText.get(id).startsWith("word3 "));
        assertThat(want).as(f.getKey()).hasSizeLessThan(1000);
        assertThat(ids(view.search(keywordQuery("word3", 1000, f.getValue()))))
            .as(f.getKey() + ": rows with word3 the filter matches")
            .isEqualTo(want);
      }
      // The rare group and word3: one row, d0017 (17 % 7 == 3).
      assertThat(view.search(keywordQuery("word3", 10, cmp(GROUP, Op.EQ, "rare"))))
          .extracting(SearchHit::id)
          .containsExactly("d0017");
    }
  }

  @Test
  void hybridSearchHonoursTheFilterInBothLists() throws IOException {
    Random random = new Random(13);
    float[] q = TestDocuments.randomVector(random, 32);
    try (VectorIndex.View view = managed.index.acquire()) {
      for (Map.Entry<String, Filter> f : managedFilters().entrySet()) {
        Set<String> matching = oracle(managedOracle, managedRows, f.getValue());
        List<SearchHit> hnsw = view.search(hybridQuery(q, "word3", 50, f.getValue()));
        assertThat(ids(hnsw))
            .as(f.getKey() + ": hybrid hits match the filter")
            .isSubsetOf(matching);
        // Both lists as deep as the matching rows: every matching row with a vector, and every
        // matching row with word3 (vector or not).
        if (matching.size() <= 1000) {
          Set<String> want =
              matching.stream()
                  .filter(
                      id ->
                          managedVectors.get(id) != null
                              || managedText.get(id).startsWith("word3 "))
                  .collect(Collectors.toSet());
          assertThat(ids(view.search(hybridQuery(q, "word3", 1000, f.getValue()).exactly())))
              .as(f.getKey() + ": hybrid over all matching rows")
              .isEqualTo(want);
        }
      }
      Set<String> rareIds =
          RARE.stream()
              .map(i -> String.format(Locale.ROOT, "d%04d", i))
              .collect(Collectors.toSet());
      List<SearchHit> rare = view.search(hybridQuery(q, "word3", 10, cmp(GROUP, Op.EQ, "rare")));
      assertThat(ids(rare)).isEqualTo(rareIds);
      // d0017 is in both lists, so it leads.
      assertThat(rare.get(0).id()).isEqualTo("d0017");
    }
  }

  // ---------------------------------------------------------------- tests: the Spark table

  private static Map<String, Filter> sparkFilters() {
    // A published_at some row has exactly, to test the bounds of ranges.
    List<Long> times =
        sparkRows.values().stream().map(r -> (Long) r.get(PUBLISHED)).sorted().toList();
    String median = Instant.EPOCH.plus(times.get(times.size() / 2), ChronoUnit.MICROS).toString();
    String other = Instant.EPOCH.plus(times.get(times.size() / 3), ChronoUnit.MICROS).toString();
    Map<String, Filter> f = new LinkedHashMap<>();
    f.put("lang eq", cmp(LANG, Op.EQ, "fr"));
    f.put("lang ne", cmp(LANG, Op.NE, "en"));
    f.put("lang in", new In(LANG, List.of("de", "es")));
    f.put("published eq", cmp(PUBLISHED, Op.EQ, median));
    f.put("published in", new In(PUBLISHED, List.of(median, other, "2020-01-01T00:00:00Z")));
    f.put("published gt", cmp(PUBLISHED, Op.GT, median));
    f.put("published gte", cmp(PUBLISHED, Op.GTE, median));
    f.put("published lt", cmp(PUBLISHED, Op.LT, median));
    f.put("published lte", cmp(PUBLISHED, Op.LTE, median));
    f.put("published lt a date", cmp(PUBLISHED, Op.LT, "2023-11-15"));
    f.put(
        "published window",
        new And(
            List.of(
                cmp(PUBLISHED, Op.GTE, "2023-11-15T00:00:00Z"),
                cmp(PUBLISHED, Op.LT, "2023-11-15T01:30:00.5Z"))));
    f.put(
        "published narrow window",
        new And(
            List.of(
                cmp(PUBLISHED, Op.GT, "2023-11-14T23:00:00Z"),
                cmp(PUBLISHED, Op.LTE, "2023-11-14T23:20:20Z"))));
    f.put("tier eq", cmp(TIER, Op.EQ, "1"));
    f.put("tier gte", cmp(TIER, Op.GTE, "1"));
    f.put("revised exists", new Exists(REVISED, true));
    f.put("revised absent", new Exists(REVISED, false));
    f.put("and", new And(List.of(cmp(LANG, Op.EQ, "fr"), cmp(SOURCE, Op.EQ, "crawl"))));
    f.put("or", new Or(List.of(cmp(LANG, Op.EQ, "en"), cmp(REVISED, Op.EQ, "true"))));
    f.put("not", new Not(new In(LANG, List.of("de", "fr"))));
    f.put(
        "nested",
        new And(
            List.of(
                new Not(cmp(TIER, Op.EQ, "0")),
                new Or(
                    List.of(
                        cmp(LANG, Op.EQ, "es"), cmp(PUBLISHED, Op.LT, "2023-11-14T23:00:00Z"))))));
    f.put("few", new And(List.of(cmp(LANG, Op.EQ, "de"), new Exists(REVISED, true))));
    return f;
  }

  @Test
  void theSparkTableFiltersOnItsPartitionColumnTimestampsAndMetadata() throws IOException {
    assertThat(spark.manifest().filterFieldsByName())
        .containsEntry(LANG, new FilterField(LANG, LANG, null, FieldType.KEYWORD))
        .containsEntry(PUBLISHED, new FilterField(PUBLISHED, PUBLISHED, null, FieldType.TIMESTAMP))
        .containsEntry(
            FilterField.METADATA,
            new FilterField(FilterField.METADATA, "metadata", null, FieldType.METADATA));
    Map<String, Filter> filters = sparkFilters();
    // The filters are not vacuous: each matches some rows but not all (but for the negations).
    for (Map.Entry<String, Filter> f : filters.entrySet()) {
      assertThat(oracle(sparkOracle, sparkRows, f.getValue()))
          .as(f.getKey())
          .isNotEmpty()
          .hasSizeLessThan(384);
    }
    checkVectorSearch(
        spark, sparkOracle, sparkRows, sparkVectors, filters, sparkQueries.subList(0, 10), 0.9);
  }

  @Test
  void theSparkTableFiltersKeywordAndHybridSearch() throws IOException {
    try (VectorIndex.View view = spark.acquire()) {
      for (Map.Entry<String, Filter> f : sparkFilters().entrySet()) {
        Set<String> matching = oracle(sparkOracle, sparkRows, f.getValue());
        for (String word : List.of("harbor", "winter")) {
          Set<String> want =
              matching.stream()
                  .filter(id -> sparkWords.get(id).contains(word))
                  .collect(Collectors.toSet());
          assertThat(ids(view.search(keywordQuery(word, 1000, f.getValue()))))
              .as(f.getKey() + ": rows with '" + word + "'")
              .isEqualTo(want);
        }
        // Every Spark row has a vector, so a hybrid search as deep as the table returns exactly
        // the matching rows; a shallow one only matching rows.
        assertThat(ids(view.search(hybridQuery(sparkQueries.get(0), "harbor", 1000, f.getValue()))))
            .as(f.getKey() + ": deep hybrid")
            .isEqualTo(matching);
        assertThat(
                ids(
                    view.search(
                        hybridQuery(sparkQueries.get(1), "harbor winter", 10, f.getValue()))))
            .as(f.getKey() + ": hybrid")
            .isSubsetOf(matching)
            .hasSize(Math.min(10, matching.size()));
      }
    }
  }

  // ---------------------------------------------------------------- validation

  private static void assertRefused(
      Filter filter, int maxDepth, FilterException.Code code, String messagePart)
      throws IOException {
    IndexQuery vector =
        new IndexQuery(
            SearchMode.VECTOR,
            sparkQueries.get(0),
            null,
            filter,
            10,
            100,
            Float.NEGATIVE_INFINITY,
            false,
            maxDepth);
    IndexQuery keyword =
        new IndexQuery(
            SearchMode.KEYWORD,
            null,
            "harbor",
            filter,
            10,
            100,
            Float.NEGATIVE_INFINITY,
            false,
            maxDepth);
    IndexQuery hybrid =
        new IndexQuery(
            SearchMode.HYBRID,
            sparkQueries.get(0),
            "harbor",
            filter,
            10,
            100,
            Float.NEGATIVE_INFINITY,
            false,
            maxDepth);
    try (VectorIndex.View view = spark.acquire()) {
      for (IndexQuery q : List.of(vector, vector.exactly(), keyword, hybrid)) {
        assertThatThrownBy(() -> view.search(q))
            .as(q.mode() + " " + filter)
            .isInstanceOfSatisfying(
                FilterException.class, e -> assertThat(e.code()).isEqualTo(code))
            .hasMessageContaining(messagePart);
      }
      assertThatThrownBy(() -> view.matching(filter, maxDepth, 10))
          .isInstanceOfSatisfying(FilterException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
  }

  @Test
  void aFieldThatIsNotFilterableIsRefusedAsSuch() throws IOException {
    int depth = IndexQuery.DEFAULT_MAX_FILTER_DEPTH;
    // A column of the table that was not declared filterable, one it does not have. (Any metadata
    // key filters, declared or not: TypedMetadataFilterTest.)
    assertRefused(
        cmp("body", Op.EQ, "x"), depth, FilterException.Code.FIELD_NOT_FILTERABLE, "'body'");
    assertRefused(
        cmp("nope", Op.EQ, "x"), depth, FilterException.Code.FIELD_NOT_FILTERABLE, "'nope'");
    // Also when nested under a valid condition.
    assertRefused(
        new And(List.of(cmp(LANG, Op.EQ, "fr"), new Not(new In("doc_id", List.of("doc-1"))))),
        depth,
        FilterException.Code.FIELD_NOT_FILTERABLE,
        "'doc_id'");
  }

  @Test
  void malformedFiltersAreInvalid() throws IOException {
    int depth = IndexQuery.DEFAULT_MAX_FILTER_DEPTH;
    FilterException.Code invalid = FilterException.Code.INVALID_FILTER;
    // A timestamp must be an ISO-8601 instant or date string.
    assertRefused(cmp(PUBLISHED, Op.GT, "yesterday"), depth, invalid, PUBLISHED);
    assertRefused(cmp(PUBLISHED, Op.GT, "2023-11-15 00:00:00"), depth, invalid, PUBLISHED);
    assertRefused(cmp(PUBLISHED, Op.GT, 1_700_000_000_000_000L), depth, invalid, PUBLISHED);
    assertRefused(
        new In(PUBLISHED, List.of("2023-11-15T00:00:00Z", "soon")), depth, invalid, PUBLISHED);
    // A string field wants a string.
    assertRefused(cmp(LANG, Op.EQ, 5), depth, invalid, LANG);
    assertRefused(new In(LANG, List.of("fr", 2)), depth, invalid, LANG);
    // Empty lists.
    assertRefused(new In(LANG, List.of()), depth, invalid, "in");
    assertRefused(new And(List.of()), depth, invalid, "and");
    assertRefused(new Or(List.of()), depth, invalid, "or");
    assertRefused(
        new Or(List.of(cmp(LANG, Op.EQ, "fr"), new And(List.of()))), depth, invalid, "and");
    // Too deep: three levels where two are allowed; nine where eight are.
    Filter three = new Not(new Not(cmp(LANG, Op.EQ, "fr")));
    assertRefused(three, 2, invalid, "3 levels");
    Filter nine = cmp(LANG, Op.EQ, "fr");
    for (int i = 1; i < 9; i++) {
      nine = new And(List.of(nine));
    }
    assertThat(nine.depth()).isEqualTo(9);
    assertRefused(nine, depth, invalid, "9 levels");
    // At the limit is fine.
    try (VectorIndex.View view = spark.acquire()) {
      assertThat(view.search(vectorQuery(sparkQueries.get(0), 5, three).exactly())).hasSize(5);
      assertThat(
              view.search(
                  new IndexQuery(
                      SearchMode.VECTOR,
                      sparkQueries.get(0),
                      null,
                      ((And) nine).all().get(0),
                      5,
                      100,
                      Float.NEGATIVE_INFINITY,
                      false,
                      8)))
          .hasSize(5);
    }
  }

  @Test
  void integersRefuseFractionsAndStrings() {
    // Neither table has an integer column, so the compiler is checked on its own with one.
    FilterCompiler compiler =
        new FilterCompiler(
            Map.of("n", new FilterField("n", "n", null, FieldType.LONG)), new MatchAllDocsQuery());
    for (Object bad : List.of(2.5, 2.5f, new java.math.BigDecimal("7.01"), "3", true)) {
      assertThatThrownBy(() -> compiler.compile(cmp("n", Op.GT, bad), 8))
          .as(String.valueOf(bad))
          .isInstanceOfSatisfying(
              FilterException.class,
              e -> assertThat(e.code()).isEqualTo(FilterException.Code.INVALID_FILTER))
          .hasMessageContaining("'n' is an integer");
      assertThatThrownBy(() -> compiler.compile(new In("n", List.of(1, bad)), 8))
          .isInstanceOf(FilterException.class);
    }
    // Whole numbers are integers however they are written.
    for (Object ok :
        List.of(
            3, 3L, (short) 3, 3.0, new java.math.BigDecimal("3.00"), java.math.BigInteger.TEN)) {
      assertThat(compiler.compile(cmp("n", Op.EQ, ok), 8)).as(String.valueOf(ok)).isNotNull();
    }
  }
}
