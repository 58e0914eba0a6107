package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.testing.TestDocuments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall of the default search against brute force over the same vectors, ingested in batches
 * through the Delta table so that the index has several segments, as it does in service.
 */
class RecallIT {

  @TempDir Path dir;

  @Test
  void recallAtTenIsAtLeast95PercentOnRandom64dVectors() throws Exception {
    VectorSpec spec = new VectorSpec("body", "body_embedding", 64, Similarity.COSINE);
    Random random = new Random(42);
    List<Document> docs = TestDocuments.randomDocs(random, "d", 5000, spec);
    try (IndexedTable t = new IndexedTable(dir, spec)) {
      for (int from = 0; from < docs.size(); from += 500) {
        t.upsert(docs.subList(from, from + 500));
      }
      assertThat(t.index.rowCount()).isEqualTo(5000);
      int found = 0;
      int queries = 100;
      for (int q = 0; q < queries; q++) {
        float[] query = TestDocuments.randomVector(random, 64);
        Set<String> truth = bruteForceTop10(docs, query);
        try (VectorIndex.View view = t.index.acquire()) {
          for (SearchHit hit : view.search(VectorQuery.of(query, 10))) {
            if (truth.contains(hit.id())) {
              found++;
            }
          }
        }
      }
      double recall = found / (queries * 10.0);
      System.out.printf("recall@10 = %.3f%n", recall);
      assertThat(recall).isGreaterThanOrEqualTo(0.95);
    }
  }

  private static Set<String> bruteForceTop10(List<Document> docs, float[] q) {
    record Scored(String id, double score) {}
    List<Scored> scored = new ArrayList<>(docs.size());
    for (Document d : docs) {
      scored.add(new Scored(d.id(), cosine(q, d.vectors().get("body"))));
    }
    scored.sort(Comparator.comparingDouble(Scored::score).reversed());
    Set<String> top = new HashSet<>();
    IntStream.range(0, 10).forEach(i -> top.add(scored.get(i).id()));
    return top;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
