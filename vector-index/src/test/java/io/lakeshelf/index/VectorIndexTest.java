package io.lakeshelf.index;

import static io.lakeshelf.content.testing.TestDocuments.BODY_4D;
import static io.lakeshelf.content.testing.TestDocuments.doc;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ScanningRowFinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexTest {

  @TempDir Path dir;

  private static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  private static List<SearchHit> search(VectorIndex index, int k, float... q) throws IOException {
    try (VectorIndex.View view = index.acquire()) {
      return view.search(VectorQuery.of(q, k));
    }
  }

  @Test
  void searchFindsNearestRowsWithTheirLocatorsAndTheManifestTracksTheTable() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      assertThat(t.index.version()).isEqualTo(TableVersion.of(0));
      t.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0), doc("c", 1, 1, 0, 0)));
      assertThat(t.index.version()).isEqualTo(TableVersion.of(1));
      assertThat(t.index.manifest().tableId()).isEqualTo(t.table.latest().tableId());
      List<SearchHit> hits = search(t.index, 3, 1, 0.1f, 0, 0);
      assertThat(ids(hits)).containsExactly("a", "c", "b");
      assertThat(hits.get(0).score()).isCloseTo(0.995f, org.assertj.core.data.Offset.offset(0.01f));
      // Locators agree with a full scan of the table.
      assertThat(new ScanningRowFinder(t.table).find(List.of("a", "b", "c"), TableVersion.of(1)))
          .isEqualTo(
              Map.of(
                  "a",
                  List.of(hits.get(0).locator()),
                  "c",
                  List.of(hits.get(1).locator()),
                  "b",
                  List.of(hits.get(2).locator())));
    }
  }

  @Test
  void replacedAndDeletedRowsNeverComeBack() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0), doc("c", 0, 0, 1, 0)));
      t.upsert(List.of(doc("a", 0, 0, 0, 1)));
      t.delete(List.of("b"));
      assertThat(t.index.rowCount()).isEqualTo(2);
      assertThat(ids(search(t.index, 10, 1, 0, 0, 0))).containsExactlyInAnyOrder("a", "c");
      assertThat(ids(search(t.index, 1, 0, 0, 0, 1))).containsExactly("a");
      try (VectorIndex.View v = t.index.acquire()) {
        assertThat(v.find(List.of("a", "b", "c")).keySet()).containsExactlyInAnyOrder("a", "c");
      }
    }
  }

  @Test
  void minScoreDropsFartherHits() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", -1, 0, 0, 0)));
      try (VectorIndex.View v = t.index.acquire()) {
        List<SearchHit> hits = v.search(new VectorQuery(new float[] {1, 0, 0, 0}, 10, 100, 0.5f));
        assertThat(ids(hits)).containsExactly("a");
      }
    }
  }

  @Test
  void reopeningResumesFromTheCommittedVersionWithoutRebuilding() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0)));
      t.reopen();
      assertThat(t.index.version()).isEqualTo(TableVersion.of(1));
      assertThat(t.index.rowCount()).isEqualTo(2);
      SyncResult r = t.sync();
      assertThat(r.changed()).isFalse();
      // A commit made while the index was closed is caught up incrementally.
      t.table.upsert(List.of(doc("c", 0, 0, 1, 0)), new ScanningRowFinder(t.table));
      SyncResult caughtUp = t.sync();
      assertThat(caughtUp.rebuilt()).isFalse();
      assertThat(caughtUp.filesAdded()).isEqualTo(1);
      assertThat(ids(search(t.index, 1, 0, 0, 1, 0))).containsExactly("c");
    }
  }

  @Test
  void anUnreadableIndexIsRebuiltFromTheTable() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0)));
      t.index.close();
      try (Stream<Path> files = Files.list(t.indexDir)) {
        for (Path f : files.toList()) {
          if (!f.getFileName().toString().equals("write.lock")) {
            byte[] bytes = Files.readAllBytes(f);
            if (bytes.length > 40) {
              bytes[bytes.length / 2] ^= 0x5a;
              Files.write(f, bytes);
            }
          }
        }
      }
      t.index = VectorIndex.open(t.indexDir, BODY_4D);
      assertThat(t.index.version()).isEqualTo(TableVersion.NONE);
      SyncResult r = t.sync();
      assertThat(r.rebuilt()).isTrue();
      assertThat(t.index.rowCount()).isEqualTo(2);
      assertThat(ids(search(t.index, 1, 0, 1, 0, 0))).containsExactly("b");
    }
  }

  @Test
  void anIndexBuiltForAnotherSimilarityIsRebuilt() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.upsert(List.of(doc("a", 1, 0, 0, 0)));
      t.index.close();
      VectorSpec l2 = new VectorSpec("body", "body_embedding", 4, Similarity.L2);
      t.index = VectorIndex.open(t.indexDir, l2);
      assertThat(t.index.version()).isEqualTo(TableVersion.NONE);
      assertThat(t.index.rowCount()).isZero();
    }
  }

  @Test
  void rowsWithoutAVectorAreCountedAndFoundByKeywordButNotByVector() throws Exception {
    try (IndexedTable t = new IndexedTable(dir, BODY_4D)) {
      t.table.upsert(
          List.of(
              doc("a", 1, 0, 0, 0),
              new Document("novec", null, "lonely words", null, null, null, null)),
          new ScanningRowFinder(t.table));
      SyncResult r = t.sync();
      assertThat(r.rowsAdded()).isEqualTo(2);
      assertThat(r.rowsSkipped()).isEqualTo(1);
      assertThat(t.index.rowCount()).as("rows searchable by vector").isEqualTo(1);
      try (VectorIndex.View v = t.index.acquire()) {
        assertThat(v.search(VectorQuery.of(new float[] {0, 1, 0, 0}, 5)))
            .extracting(SearchHit::id)
            .containsExactly("a");
        assertThat(
                v.search(
                    new IndexQuery(
                        SearchMode.KEYWORD,
                        null,
                        "lonely",
                        null,
                        5,
                        10,
                        Float.NEGATIVE_INFINITY,
                        false,
                        4)))
            .extracting(SearchHit::id)
            .containsExactly("novec");
        assertThat(v.find(List.of("novec"))).containsKey("novec");
      }
    }
  }

  @Test
  void vectorsOfMoreThanLucenesDefaultLimitOf1024DimensionsAreIndexedAndReopened()
      throws Exception {
    VectorSpec wide = new VectorSpec("body", "body_embedding", 2048, Similarity.COSINE);
    for (Quantization q : List.of(Quantization.NONE, Quantization.INT8)) {
      java.nio.file.Path d = dir.resolve("wide-" + q.wireName());
      try (IndexedTable t = new IndexedTable(d, wide)) {
        t.index.close();
        t.index =
            VectorIndex.open(
                t.indexDir, wide, new IndexOptions(q, TextAnalysis.STANDARD, List.of()));
        float[] a = new float[2048];
        a[7] = 1;
        float[] b = new float[2048];
        b[1500] = 1;
        t.table.upsert(
            List.of(
                new Document("a", null, "x", null, java.util.Map.of("body", a), null, null),
                new Document("b", null, "y", null, java.util.Map.of("body", b), null, null)),
            new ScanningRowFinder(t.table));
        t.index.syncTo(
            t.table.latest(),
            io.lakeshelf.content.table.ContentColumns.MANAGED,
            Runnable::run,
            SyncProgress.NONE);
        t.index.close();
        t.index =
            VectorIndex.open(
                t.indexDir, wide, new IndexOptions(q, TextAnalysis.STANDARD, List.of()));
        assertThat(t.index.rowCount()).as(q.wireName()).isEqualTo(2);
        try (VectorIndex.View v = t.index.acquire()) {
          assertThat(v.search(VectorQuery.of(b, 1))).extracting(SearchHit::id).containsExactly("b");
        }
      }
    }
  }
}
