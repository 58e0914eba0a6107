package io.lakeshelf.index;

import static io.lakeshelf.index.BruteForce.assertExactTop;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.filter.Filter.Compare;
import io.lakeshelf.index.filter.Filter.Op;
import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The segment an ingest batch flushes is stored without an HNSW graph (building graphs is left to
 * merges, off the write path), and searches over such segments are exact: with filters, after
 * deletes and replacements, and beside a segment large enough to have its graph.
 */
class GraphlessSegmentTest {

  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", 16, Similarity.COSINE);
  private static final String GROUP = "metadata.group";

  @TempDir Path dir;

  private final Random random = new Random(15);
  private final Map<String, float[]> vectors = new HashMap<>();
  private final Map<String, String> groups = new HashMap<>();

  @ParameterizedTest
  @EnumSource(
      value = Quantization.class,
      names = {"NONE", "INT8"})
  void batchSegmentsHaveNoGraphAndSearchExactly(Quantization quantization) throws IOException {
    IndexOptions options = new IndexOptions(quantization, TextAnalysis.STANDARD, List.of(GROUP));
    try (IndexedTable t = new IndexedTable(dir, SPEC, options)) {
      // Three batches of 1,000 rows, each synced as the service does after an ingest.
      for (int b = 0; b < 3; b++) {
        t.upsert(docs(b * 1000, (b + 1) * 1000));
      }
      // Lucene's default threshold (100) gives a 1,000-vector segment a graph; ours does not.
      List<Integer> graphs = graphSizes(t);
      assertThat(graphs).as("graph nodes per segment").isNotEmpty().containsOnly(0);

      // Deletes and replacements (copy-on-write rewrites of the files that held them).
      Set<String> deleted = new HashSet<>();
      for (int i = 0; i < 3000; i += 7) {
        deleted.add(id(i));
      }
      t.delete(deleted);
      deleted.forEach(vectors::remove);
      t.upsert(docs(10, 60)); // replaces rows 10..59 (some of them deleted just before)

      // One sync of a batch large enough for a graph, beside the flat segments.
      t.upsert(docs(3000, 8000));
      assertThat(graphSizes(t)).as("graph nodes per segment").anyMatch(n -> n > 0);

      try (VectorIndex.View view = t.index.acquire()) {
        assertThat(view.rowCount()).isEqualTo(vectors.size());
        for (int q = 0; q < 20; q++) {
          float[] query = vector();
          String group = "g" + (q % 5);
          Filter filter = new Compare(GROUP, Op.EQ, group);
          assertExactTop(
              view.search(IndexQuery.vector(query, 10).withFilter(filter).exactly()),
              BruteForce.ranked(vectors, id -> groups.get(id).equals(group), query),
              10,
              "exact, filtered on " + group);
          // The flat segments are scanned exactly by the ordinary (HNSW) search too.
          List<SearchHit> flatOnly =
              view.search(
                  IndexQuery.vector(query, 10).withFilter(new Compare(GROUP, Op.EQ, "early")));
          assertExactTop(
              flatOnly,
              BruteForce.ranked(vectors, id -> groups.get(id).equals("early"), query),
              10,
              "hnsw search over the flat segments' rows");
        }
      }
    }
  }

  @Test
  void mergesFinishedAfterTheLastSyncAreSearchedAndCommitted() throws Exception {
    IndexOptions options = new IndexOptions(Quantization.NONE, TextAnalysis.STANDARD, List.of());
    try (IndexedTable t = new IndexedTable(dir, SPEC, options)) {
      int batches = 24;
      for (int b = 0; b < batches; b++) {
        t.upsert(docs(b * 100, (b + 1) * 100));
      }
      var version = t.index.version();
      // Each sync flushed a segment; the merge policy merges them in the background.
      long deadline = System.nanoTime() + 60_000_000_000L;
      int segments = segmentCount(t);
      while (segments > 10 && System.nanoTime() < deadline) {
        t.index.refreshMerged();
        segments = segmentCount(t);
        Thread.sleep(20);
      }
      assertThat(segments).as("segments of the last commit").isLessThanOrEqualTo(10);
      // let merges cascade, publishing each, until a pause finds nothing new
      do {
        Thread.sleep(300);
      } while (t.index.refreshMerged() && System.nanoTime() < deadline);
      segments = segmentCount(t);
      assertThat(t.index.version()).isEqualTo(version);
      try (VectorIndex.View view = t.index.acquire()) {
        assertThat(view.rowCount()).isEqualTo(vectors.size());
        assertThat(view.segmentCount()).as("segments searched").isEqualTo(segments);
        float[] query = vector();
        assertExactTop(
            view.search(IndexQuery.vector(query, 10).exactly()),
            BruteForce.ranked(vectors, id -> true, query),
            10,
            "after the merge");
      }
      // The merged state is what a restart opens.
      t.reopen();
      assertThat(t.index.version()).isEqualTo(version);
      assertThat(t.index.rowCount()).isEqualTo(vectors.size());
    }
  }

  @Test
  void anIdleIndexIsMergedDownToOneSegmentWithTheSameRowsAndVersion() throws Exception {
    IndexOptions options = new IndexOptions(Quantization.NONE, TextAnalysis.STANDARD, List.of());
    try (IndexedTable t = new IndexedTable(dir, SPEC, options)) {
      for (int b = 0; b < 6; b++) {
        t.upsert(docs(b * 500, (b + 1) * 500));
      }
      Set<String> deleted = new HashSet<>();
      for (int i = 0; i < 3000; i += 11) {
        deleted.add(id(i));
      }
      t.delete(deleted);
      deleted.forEach(vectors::remove);
      var version = t.index.version();
      assertThat(t.index.mergeDownIfIdle(java.time.Duration.ofHours(1)))
          .as("not idle long enough")
          .isFalse();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (t.index.merging() && System.nanoTime() < deadline) {
        Thread.sleep(20); // merges the policy chose itself
      }
      t.index.refreshMerged();
      try (VectorIndex.View view = t.index.acquire()) {
        assertThat(view.segmentCount()).as("segments before").isGreaterThan(1);
      }
      assertThat(t.index.mergeDownIfIdle(java.time.Duration.ZERO)).isTrue();
      assertThat(t.index.mergeDownIfIdle(java.time.Duration.ZERO))
          .as("once per idle period")
          .isFalse();
      while (t.index.merging() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(t.index.refreshMerged()).as("the merged segment is published").isTrue();
      assertThat(t.index.version()).isEqualTo(version);
      try (VectorIndex.View view = t.index.acquire()) {
        assertThat(view.segmentCount()).as("segments searched").isEqualTo(1);
        assertThat(view.rowCount()).isEqualTo(vectors.size());
        for (int q = 0; q < 5; q++) {
          float[] query = vector();
          assertExactTop(
              view.search(IndexQuery.vector(query, 10).exactly()),
              BruteForce.ranked(vectors, id -> true, query),
              10,
              "after merging down");
        }
      }
      assertThat(segmentCount(t)).as("segments of the last commit").isEqualTo(1);
      t.reopen();
      assertThat(t.index.version()).isEqualTo(version);
      assertThat(t.index.rowCount()).isEqualTo(vectors.size());
    }
  }

  private static int segmentCount(IndexedTable t) throws IOException {
    try (FSDirectory d = FSDirectory.open(t.indexDir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      return reader.leaves().size();
    }
  }

  /** The graph size of the vector field of each segment of the index's last commit. */
  private static List<Integer> graphSizes(IndexedTable t) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(t.indexDir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        LeafReader r = FilterLeafReader.unwrap(leaf.reader());
        if (r.getFieldInfos().fieldInfo(IndexSchema.F_VECTOR) == null) {
          continue; // markers only
        }
        KnnVectorsReader vr = ((CodecReader) r).getVectorReader();
        if (vr instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
          vr = perField.getFieldReader(IndexSchema.F_VECTOR);
        }
        sizes.add(((HnswGraphProvider) vr).getGraph(IndexSchema.F_VECTOR).size());
      }
    }
    return sizes;
  }

  private List<Document> docs(int from, int to) {
    List<Document> docs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      float[] v = vector();
      // rows of the first batches form a group of their own: a search of it sees flat segments only
      String group = i < 3000 && i % 2 == 0 ? "early" : "g" + (i % 5);
      vectors.put(id(i), v);
      groups.put(id(i), group);
      docs.add(
          new Document(
              id(i),
              "title " + i,
              "text " + i,
              List.of(),
              Map.of(SPEC.name(), v.clone()),
              Map.of("group", group),
              null));
    }
    return docs;
  }

  private float[] vector() {
    float[] v = new float[SPEC.dimensions()];
    for (int j = 0; j < v.length; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return v;
  }

  private static String id(int i) {
    return "doc-" + i;
  }
}
