package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.BruteForce.Scored;
import io.lakeshelf.index.embed.CorpusEmbeddings;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@10 of the default search (100 candidates, quantized vectors oversampled and rescored at
 * full precision) for each quantization, against brute force, on 2,000 real MiniLM embeddings of
 * WordNet glosses (two files, so two segments), queried with 100 held-out glosses; with the index
 * size on disk and the time to build it. Each index is also reopened, through Lucene's own format
 * lookup, and an index reopened with another quantization is rebuilt. Beside each recall it prints
 * what plain Lucene finds on the same index by the quantized scores alone (no oversampling, no
 * rescoring), which the floors of INT4 and BBQ sit above.
 *
 * <p>The suite's check runs on 2,000 rows, where the floors still catch a search by the quantized
 * scores alone (measured 0.93 for INT4 and 0.69 for BBQ there, as on 20,000), so that a clean build
 * embeds only 2,100 passages (about 5 s on two idle cores; cached for later builds). {@code
 * -Dlakeshelf.recall.rows=20000} runs it at the scale the floors were set at; the measurement at
 * scale, with latencies, is the benchmark's ({@code RagBenchmark}). It prints each step as it goes,
 * on the console.
 */
class QuantizationRecallIT {

  private static final int ROWS = Integer.getInteger("lakeshelf.recall.rows", 2_000);
  private static final int FILE_ROWS = ROWS / 2;
  private static final int QUERIES = 100;
  private static final int K = 10;
  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", MiniLmEmbedder.DIMENSIONS, Similarity.COSINE);

  /**
   * Recall floors. Measured over four runs on 20,000 rows (two segments of about 10,000 rows,
   * default 100 candidates); on 6,000 rows all four measure 0.999-1.000, on this test's 2,000
   * 1.000:
   *
   * <pre>
   *          as searched      quantized scores only (no oversampling, no rescoring)
   *                           20,000 rows     2,000 rows
   * NONE     0.998-1.000      -               -
   * INT8     0.999-1.000      0.992           0.993
   * INT4     0.998-1.000      0.934           0.932
   * BBQ      0.994-0.998      0.703           0.689
   * </pre>
   *
   * NONE must find 95% of the true top 10 (the service's documented figure is 98% at 100
   * candidates). The quantized floors sit three to four points under what was measured, which
   * absorbs another split into segments (it depends on thread timing) and another graph, while a
   * search that ranked by the quantized scores alone (INT4 0.934, BBQ 0.703) fails. The quantized
   * indexes are larger on disk than NONE: they keep the float vectors for rescoring.
   */
  private static final Map<Quantization, Double> FLOOR =
      new EnumMap<>(
          Map.of(
              Quantization.NONE, 0.95,
              Quantization.INT8, 0.97,
              Quantization.INT4, 0.96,
              Quantization.BBQ, 0.96));

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void recallAtTenPerQuantizationOnRealEmbeddings() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "QuantizationRecallIT: %,d rows, %d queries; embedding (or reading the cache of) %,d"
            + " passages%n",
        ROWS,
        QUERIES,
        ROWS + QUERIES);
    float[][] vectors = CorpusEmbeddings.first(ROWS + QUERIES);
    Map<String, float[]> byId = new HashMap<>();
    ContentTable table =
        ContentTable.createManaged(
            TableEngines.local(), dir.resolve("table").toString(), List.of(SPEC));
    // Blind appends: the ids are new, so no row is looked up to be replaced.
    for (int from = 0; from < ROWS; from += FILE_ROWS) {
      List<Document> docs = new ArrayList<>();
      for (int i = from; i < from + FILE_ROWS; i++) {
        String id = "p" + i;
        byId.put(id, vectors[i]);
        docs.add(new Document(id, null, null, null, Map.of("body", vectors[i]), null, null));
      }
      table.upsert(docs, (ids, v) -> Map.of());
    }
    TableSnapshot snapshot = table.latest();
    assertThat(snapshot.rowCount()).isEqualTo(ROWS);

    List<float[]> queries = new ArrayList<>();
    List<List<Scored>> truth = new ArrayList<>();
    for (int q = 0; q < QUERIES; q++) {
      float[] query = vectors[ROWS + q];
      queries.add(query);
      truth.add(BruteForce.ranked(byId, id -> true, query).subList(0, K));
    }

    System.out.printf(
        Locale.ROOT,
        "%,d MiniLM embeddings (%d-d), %d held-out queries, k=%d, %d candidates%n",
        ROWS,
        SPEC.dimensions(),
        QUERIES,
        K,
        VectorQuery.DEFAULT_CANDIDATES);
    Map<Quantization, Double> recalls = new EnumMap<>(Quantization.class);
    for (Quantization quantization : Quantization.values()) {
      System.out.printf(Locale.ROOT, "%-5s building and searching%n", quantization);
      IndexOptions options = new IndexOptions(quantization, TextAnalysis.STANDARD, List.of());
      Path indexDir = dir.resolve("index-" + quantization.wireName());
      List<List<String>> before = new ArrayList<>();
      double buildSeconds;
      double searchMillis;
      long start = System.nanoTime();
      try (VectorIndex index = VectorIndex.open(indexDir, SPEC, options)) {
        SyncResult sync =
            index.syncTo(snapshot, ContentColumns.MANAGED, executor, SyncProgress.NONE);
        buildSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(sync.rowsAdded()).isEqualTo(ROWS);
        assertThat(index.rowCount()).isEqualTo(ROWS);
        int found = 0;
        long searchStart = System.nanoTime();
        try (VectorIndex.View view = index.acquire()) {
          for (int q = 0; q < QUERIES; q++) {
            List<SearchHit> hits = view.search(IndexQuery.vector(queries.get(q), K));
            assertThat(hits).hasSize(K);
            found += BruteForce.found(hits, truth.get(q), K);
            before.add(hits.stream().map(SearchHit::id).toList());
          }
          searchMillis = (System.nanoTime() - searchStart) / 1e6 / QUERIES;
          // Exact search scores the full-precision vectors whatever the quantization.
          for (int q = 0; q < 5; q++) {
            BruteForce.assertExactTop(
                view.search(IndexQuery.vector(queries.get(q), K).exactly()),
                BruteForce.ranked(byId, id -> true, queries.get(q)),
                K,
                quantization + " exact, query " + q);
          }
        }
        recalls.put(quantization, found / (double) (QUERIES * K));
      }
      long size = sizeOnDisk(indexDir);

      // Reopened with the same options: the committed index is used as it is, and searches alike.
      try (VectorIndex index = VectorIndex.open(indexDir, SPEC, options)) {
        assertThat(index.version()).isEqualTo(snapshot.version());
        assertThat(index.rowCount()).isEqualTo(ROWS);
        assertThat(
                index
                    .syncTo(snapshot, ContentColumns.MANAGED, executor, SyncProgress.NONE)
                    .changed())
            .isFalse();
        try (VectorIndex.View view = index.acquire()) {
          for (int q = 0; q < 10; q++) {
            assertThat(
                    view.search(IndexQuery.vector(queries.get(q), K)).stream()
                        .map(SearchHit::id)
                        .toList())
                .as(quantization + " reopened, query " + q)
                .isEqualTo(before.get(q));
          }
        }
      }
      // Plain Lucene, with no Lakeshelf codec, reads it: the formats are stock ones found by name.
      try (FSDirectory d = FSDirectory.open(indexDir);
          DirectoryReader reader = DirectoryReader.open(d)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        assertThat(
                searcher.count(
                    new FieldExistsQuery(io.lakeshelf.index.schema.IndexSchema.F_VECTOR)))
            .isEqualTo(ROWS);
        assertThat(
                searcher.search(
                        new KnnFloatVectorQuery(
                            io.lakeshelf.index.schema.IndexSchema.F_VECTOR, queries.get(0), K),
                        K)
                    .scoreDocs)
            .hasSize(K);
        // What the same candidates give when ranked by the quantized scores alone: Lucene's own
        // search, without Lakeshelf's oversampling and full-precision rescoring.
        int quantizedOnly = 0;
        for (int q = 0; q < QUERIES; q++) {
          List<String> truthIds = truth.get(q).stream().map(Scored::id).toList();
          for (ScoreDoc sd :
              searcher.search(
                      new KnnFloatVectorQuery(
                          io.lakeshelf.index.schema.IndexSchema.F_VECTOR,
                          queries.get(q),
                          VectorQuery.DEFAULT_CANDIDATES),
                      K)
                  .scoreDocs) {
            String id =
                searcher
                    .storedFields()
                    .document(sd.doc)
                    .get(io.lakeshelf.index.schema.IndexSchema.F_ID);
            if (truthIds.contains(id)) {
              quantizedOnly++;
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "%-5s recall@10 %.3f (quantized scores only %.3f)  index %6.1f MB  built in %5.1f s"
                + "  %.2f ms/query  (%d segments)%n",
            quantization,
            recalls.get(quantization),
            quantizedOnly / (double) (QUERIES * K),
            size / 1e6,
            buildSeconds,
            searchMillis,
            reader.leaves().size());
      }
    }
    for (Quantization q : Quantization.values()) {
      assertThat(recalls.get(q)).as(q + " recall@10").isGreaterThanOrEqualTo(FLOOR.get(q));
    }

    // Other options on an existing directory: the index is discarded and rebuilt from the table.
    try (VectorIndex index =
        VectorIndex.open(dir.resolve("index-int8"), SPEC, IndexOptions.DEFAULT)) {
      assertThat(index.version()).isEqualTo(TableVersion.NONE);
      assertThat(index.rowCount()).isZero();
      assertThat(index.manifest().options().quantization()).isEqualTo(Quantization.NONE);
    }
    try (VectorIndex index =
        VectorIndex.open(
            dir.resolve("index-bbq"),
            SPEC,
            new IndexOptions(Quantization.BBQ, TextAnalysis.ENGLISH, List.of()))) {
      assertThat(index.version()).as("other text analysis").isEqualTo(TableVersion.NONE);
    }
  }

  private static long sizeOnDisk(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path f : files.toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
