package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.TestDocuments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an in-memory past version costs (time travel): its build time and the heap its index holds,
 * without an HNSW graph ({@link VectorIndex#inMemoryExact}, what the service builds) and with one
 * ({@link VectorIndex#inMemory}, what it built before issue 12), over the same rows; both answer
 * the same exact search. Small by default; {@code -Dlakeshelf.cost.rows=20000
 * -Dlakeshelf.cost.dimensions=384} gives the README's figures. Prints, asserts no timing.
 */
class TimeTravelCostTest {

  @TempDir Path dir;

  @Test
  void anExactInMemoryVersionNeedsNoGraphAndAnswersTheSame() throws Exception {
    int rows = Integer.getInteger("lakeshelf.cost.rows", 2_000);
    int dimensions = Integer.getInteger("lakeshelf.cost.dimensions", 64);
    VectorSpec spec = new VectorSpec("body", "body_embedding", dimensions, Similarity.COSINE);
    ContentTable table =
        ContentTable.createManaged(
            io.lakeshelf.content.storage.TableEngines.local(),
            dir.resolve("table").toString(),
            List.of(spec));
    Random random = new Random(12);
    String text =
        "a passage of about two hundred characters, as retrieval corpora have them: ".repeat(3);
    for (int start = 0; start < rows; start += 5_000) {
      List<Document> docs = new ArrayList<>();
      for (int i = start; i < Math.min(rows, start + 5_000); i++) {
        docs.add(
            new Document(
                "r" + i,
                "Title " + i,
                text + i,
                null,
                Map.of("body", TestDocuments.randomVector(random, dimensions)),
                Map.of(),
                null));
      }
      assertThat(table.upsert(docs, (ids, version) -> Map.of()).committed()).isTrue();
    }
    TableSnapshot snapshot = table.latest();
    float[] q = TestDocuments.randomVector(random, dimensions);
    List<SearchHit> withGraph =
        measure("with HNSW graph", VectorIndex.inMemory(spec, IndexOptions.DEFAULT), snapshot, q);
    List<SearchHit> exact =
        measure(
            "without graph", VectorIndex.inMemoryExact(spec, IndexOptions.DEFAULT), snapshot, q);
    assertThat(exact)
        .extracting(SearchHit::id)
        .isEqualTo(withGraph.stream().map(SearchHit::id).toList());
    assertThat(exact).hasSize(10);
  }

  private static List<SearchHit> measure(
      String what, VectorIndex index, TableSnapshot snapshot, float[] q) throws Exception {
    try (index) {
      long start = System.nanoTime();
      index.syncTo(snapshot, ContentColumns.MANAGED, Runnable::run, SyncProgress.NONE);
      long built = System.nanoTime() - start;
      List<SearchHit> hits;
      long searched;
      try (VectorIndex.View view = index.acquire()) {
        hits = view.search(IndexQuery.vector(q, 10).exactly()); // warm
        long[] times = new long[9];
        for (int i = 0; i < times.length; i++) {
          start = System.nanoTime();
          view.search(IndexQuery.vector(q, 10).exactly());
          times[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(times);
        searched = times[times.length / 2];
      }
      System.out.printf(
          "time travel cost, %s: %d rows x %d d: build %d ms on one thread, %d bytes"
              + " (%d per row), exact search %.1f ms (median of 9)%n",
          what,
          index.rowCount(),
          index.spec().dimensions(),
          TimeUnit.NANOSECONDS.toMillis(built),
          index.sizeInBytes(),
          index.sizeInBytes() / Math.max(1, index.rowCount()),
          searched / 1e6);
      return hits;
    }
  }
}
