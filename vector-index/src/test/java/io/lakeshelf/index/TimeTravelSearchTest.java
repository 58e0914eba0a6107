package io.lakeshelf.index;

import static io.lakeshelf.index.BruteForce.assertExactTop;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.CommitResult;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.TestDocuments;
import io.lakeshelf.index.BruteForce.Scored;
import io.lakeshelf.index.filter.Filter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search over an older table version: an in-memory index without an HNSW graph ({@link
 * VectorIndex#inMemoryExact}) synced to that version's snapshot and searched exactly returns what
 * brute force over that version's rows returns, rows replaced or deleted since included, while the
 * current index holds only the current rows.
 */
class TimeTravelSearchTest {

  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", 8, Similarity.COSINE);
  private static final IndexOptions OPTIONS =
      new IndexOptions(Quantization.NONE, TextAnalysis.STANDARD, List.of("metadata.gen"));

  @TempDir Path dir;

  /** A row as written: its vector and the write ("generation") that wrote it. */
  private record Row(float[] vector, int gen) {}

  private final Random random = new Random(2024);

  /** The live rows after each commit. */
  private final Map<TableVersion, Map<String, Row>> versions = new LinkedHashMap<>();

  private final Map<String, Row> live = new HashMap<>();

  /** Every vector a row had before it was replaced or deleted. */
  private final Map<String, List<float[]>> gone = new HashMap<>();

  private Document doc(String id, int gen) {
    float[] v = TestDocuments.randomVector(random, SPEC.dimensions());
    Row old = live.put(id, new Row(v, gen));
    if (old != null) {
      gone.computeIfAbsent(id, k -> new ArrayList<>()).add(old.vector());
    }
    return new Document(
        id,
        "Row " + id,
        "written by generation" + gen,
        null,
        Map.of("body", v),
        Map.of("gen", Integer.toString(gen)),
        null);
  }

  private void upsert(IndexedTable t, int gen, IntStream ids) throws IOException {
    List<Document> docs = ids.mapToObj(i -> doc("r" + i, gen)).toList();
    record(t.upsert(docs));
  }

  private void delete(IndexedTable t, IntStream ids) throws IOException {
    List<String> deleted = ids.mapToObj(i -> "r" + i).toList();
    for (String id : deleted) {
      gone.computeIfAbsent(id, k -> new ArrayList<>()).add(live.remove(id).vector());
    }
    record(t.delete(deleted));
  }

  private void record(CommitResult r) {
    assertThat(r.committed()).isTrue();
    versions.put(r.version(), new HashMap<>(live));
  }

  private static Map<String, float[]> vectors(Map<String, Row> rows) {
    Map<String, float[]> out = new HashMap<>();
    rows.forEach((id, row) -> out.put(id, row.vector()));
    return out;
  }

  @Test
  void anOlderVersionSearchedExactlyReturnsTheBruteForceTopKOfThatVersion() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, SPEC, OPTIONS)) {
      upsert(t, 1, IntStream.range(0, 300)); // v1: 300 rows
      upsert(
          t,
          2,
          IntStream.concat(
              IntStream.range(0, 60), IntStream.range(300, 340))); // v2: 60 replaced, 40 new
      delete(t, IntStream.range(30, 90)); // v3: 60 deleted, 30 of them replaced at v2
      upsert(
          t,
          4,
          IntStream.concat(
              IntStream.range(100, 150), IntStream.range(30, 40))); // v4: 50 replaced, 10 back
      delete(t, IntStream.range(200, 260)); // v5
      upsert(t, 6, IntStream.range(0, 20)); // v6: replaced a second time
      assertThat(versions.keySet())
          .extracting(TableVersion::value)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      TableVersion latest = t.index.version();
      assertThat(latest).isEqualTo(TableVersion.of(6));

      for (Map.Entry<TableVersion, Map<String, Row>> v : versions.entrySet()) {
        checkVersion(t, v.getKey(), v.getValue());
      }
      checkCurrentIndexHoldsOnlyCurrentRows(t);
    }
  }

  private void checkVersion(IndexedTable t, TableVersion version, Map<String, Row> rows)
      throws IOException {
    TableSnapshot snapshot = t.table.at(version);
    Map<String, float[]> vectors = vectors(rows);
    try (VectorIndex old = VectorIndex.inMemoryExact(SPEC, OPTIONS)) {
      SyncResult sync = old.syncTo(snapshot, ContentColumns.MANAGED, t.executor, SyncProgress.NONE);
      assertThat(sync.to()).isEqualTo(version);
      assertThat(old.version()).isEqualTo(version);
      assertThat(old.rowCount()).as("rows at " + version).isEqualTo(rows.size());
      try (VectorIndex.View view = old.acquire()) {
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          queries.add(TestDocuments.randomVector(random, SPEC.dimensions()));
        }
        for (int i = 0; i < queries.size(); i++) {
          float[] q = queries.get(i);
          List<Scored> ranked = BruteForce.ranked(vectors, id -> true, q);
          assertExactTop(
              view.search(IndexQuery.vector(q, 10).exactly()),
              ranked,
              10,
              "v" + version + " query " + i);
          // As deep as the version: every row, in order.
          assertExactTop(
              view.search(IndexQuery.vector(q, VectorQuery.MAX_K).exactly()),
              ranked,
              VectorQuery.MAX_K,
              "v" + version + " all rows, query " + i);
        }
        // Each row's own vector at that version finds it first, even when it was replaced or
        // deleted later; its locator is in a file live at that version.
        Set<String> liveFiles = snapshot.liveFiles().keySet();
        int laterChanged = 0;
        for (Map.Entry<String, Row> row : rows.entrySet()) {
          Row now = live.get(row.getKey());
          boolean changedLater = now == null || now.vector() != row.getValue().vector();
          if (!changedLater && random.nextInt(10) != 0) {
            continue; // a sample of the unchanged rows is enough
          }
          laterChanged += changedLater ? 1 : 0;
          float[] q = row.getValue().vector();
          List<SearchHit> hits = view.search(IndexQuery.vector(q, 5).exactly());
          assertExactTop(
              hits,
              BruteForce.ranked(vectors, id -> true, q),
              5,
              "v" + version + " row " + row.getKey());
          assertThat(hits.get(0).id()).isEqualTo(row.getKey());
          assertThat(hits.get(0).score()).isGreaterThan(0.9999f);
          assertThat(liveFiles).contains(hits.get(0).locator().dataFile());
        }
        if (!version.equals(t.index.version())) {
          assertThat(laterChanged).as("rows of v" + version + " changed since").isPositive();
        }
        // Keyword search and filters see that version's text and metadata.
        for (int gen : new int[] {1, 2, 4, 6}) {
          Set<String> want =
              rows.entrySet().stream()
                  .filter(e -> e.getValue().gen() == gen)
                  .map(Map.Entry::getKey)
                  .collect(Collectors.toSet());
          IndexQuery keyword =
              new IndexQuery(
                  SearchMode.KEYWORD,
                  null,
                  "generation" + gen,
                  null,
                  VectorQuery.MAX_K,
                  VectorQuery.MAX_K,
                  Float.NEGATIVE_INFINITY,
                  false,
                  IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
          assertThat(ids(view.search(keyword)))
              .as("v" + version + " keyword gen " + gen)
              .isEqualTo(want);
          Filter byGen = new Filter.Compare("metadata.gen", Filter.Op.EQ, Integer.toString(gen));
          float[] q = queries.get(0);
          assertExactTop(
              view.search(IndexQuery.vector(q, 10).withFilter(byGen).exactly()),
              BruteForce.ranked(vectors, want::contains, q),
              10,
              "v" + version + " filtered on gen " + gen);
        }
      }
    }
  }

  private void checkCurrentIndexHoldsOnlyCurrentRows(IndexedTable t) throws IOException {
    Map<String, float[]> current = vectors(live);
    Set<String> deleted = new HashSet<>(gone.keySet());
    deleted.removeAll(live.keySet());
    assertThat(deleted).hasSize(50 + 60); // 30..89 but 30..39 (back at v4), and 200..259
    try (VectorIndex.View view = t.index.acquire()) {
      assertThat(view.find(deleted)).isEmpty();
      // Old content: each replaced or deleted vector, searched for, finds only current rows, and a
      // replaced row scores by its current vector.
      int queried = 0;
      for (Map.Entry<String, List<float[]>> e : gone.entrySet()) {
        for (float[] old : e.getValue()) {
          List<Scored> ranked = BruteForce.ranked(current, id -> true, old);
          List<SearchHit> exact = view.search(IndexQuery.vector(old, 10).exactly());
          assertExactTop(exact, ranked, 10, "old vector of " + e.getKey());
          List<SearchHit> hnsw = view.search(IndexQuery.vector(old, 10));
          assertThat(ids(hnsw)).isSubsetOf(current.keySet());
          for (SearchHit h : hnsw) {
            assertThat((double) h.score())
                .isCloseTo(
                    BruteForce.cosine(old, current.get(h.id())),
                    org.assertj.core.data.Offset.offset(1e-4));
          }
          queried++;
        }
      }
      assertThat(queried).isGreaterThan(200);
      // Every current row, and nothing else, by exact search as deep as the table.
      float[] q = TestDocuments.randomVector(random, SPEC.dimensions());
      assertExactTop(
          view.search(IndexQuery.vector(q, VectorQuery.MAX_K).exactly()),
          BruteForce.ranked(current, id -> true, q),
          VectorQuery.MAX_K,
          "current, all rows");
      // Text of replaced rows is gone too: generation 1 text only on rows never rewritten.
      Set<String> gen1 =
          live.entrySet().stream()
              .filter(e -> e.getValue().gen() == 1)
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      IndexQuery keyword =
          new IndexQuery(
              SearchMode.KEYWORD,
              null,
              "generation1",
              null,
              VectorQuery.MAX_K,
              VectorQuery.MAX_K,
              Float.NEGATIVE_INFINITY,
              false,
              IndexQuery.DEFAULT_MAX_FILTER_DEPTH);
      assertThat(ids(view.search(keyword))).isEqualTo(gen1);
    }
  }

  private static Set<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).collect(Collectors.toSet());
  }
}
