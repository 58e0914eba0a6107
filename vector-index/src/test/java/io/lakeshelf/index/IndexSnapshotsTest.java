package io.lakeshelf.index;

import static io.lakeshelf.index.BruteForce.assertExactTop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.content.storage.LocalBlobStore;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.index.snapshot.IndexSnapshots;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index published as a snapshot and restored elsewhere is the same index: same rows, same
 * version, the same exact hits, and it catches up from the table by an incremental sync; publishes
 * race without duplicates, only fitting snapshots are found, and retention keeps the newest.
 */
class IndexSnapshotsTest {

  private static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", 16, Similarity.COSINE);
  private static final IndexOptions OPTIONS =
      new IndexOptions(Quantization.INT8, TextAnalysis.STANDARD, List.of("metadata.group"));

  @TempDir Path dir;

  private final Random random = new Random(16);
  private final Map<String, float[]> vectors = new HashMap<>();

  @Test
  void aRestoredSnapshotAnswersAsItsSourceAndCatchesUpIncrementally() throws Exception {
    BlobStore store = new LocalBlobStore(dir.resolve("catalog"));
    IndexSnapshots snapshots = new IndexSnapshots(store, "c", SPEC.name());
    try (IndexedTable t = new IndexedTable(dir.resolve("node1"), SPEC, OPTIONS)) {
      for (int b = 0; b < 3; b++) {
        t.upsert(docs(b * 700, (b + 1) * 700));
      }
      IndexSnapshots.Published p = snapshots.publish(t.index, "node1");
      assertThat(p.outcome()).isEqualTo(IndexSnapshots.Outcome.PUBLISHED);
      SnapshotManifest m = p.snapshot();
      assertThat(m.version()).isEqualTo(t.index.version());
      assertThat(m.tableId()).isEqualTo(t.table.latest().tableId());
      assertThat(m.files())
          .extracting(SnapshotManifest.SnapshotFile::name)
          .contains(
              m.files().stream()
                  .map(SnapshotManifest.SnapshotFile::name)
                  .filter(n -> n.startsWith("segments_"))
                  .findFirst()
                  .orElseThrow());
      assertThat(snapshots.publish(t.index, "node1").outcome())
          .as("the same state again")
          .isEqualTo(IndexSnapshots.Outcome.EXISTING);

      SnapshotManifest found =
          snapshots
              .newest(SPEC, OPTIONS, t.table.latest().tableId(), t.table.latest().version())
              .orElseThrow();
      assertThat(found).isEqualTo(m);
      try (VectorIndex restored =
          snapshots.restore(found, dir.resolve("node2/index"), SPEC, OPTIONS)) {
        assertThat(restored.version()).isEqualTo(t.index.version());
        assertThat(restored.rowCount()).isEqualTo(vectors.size());
        assertSameHits(t.index, restored);

        // the table moves on: the restored index syncs only what is new
        t.upsert(docs(2100, 2300));
        SyncResult r =
            restored.syncTo(
                t.table.latest(), ContentColumns.MANAGED, t.executor, SyncProgress.NONE);
        assertThat(r.rowsAdded()).as("rows indexed by the catch-up").isEqualTo(200);
        assertThat(restored.version()).isEqualTo(t.index.version());
        assertSameHits(t.index, restored);
      }
    }
  }

  @Test
  void ofTwoNodesPublishingTheSameStateAtOnceOneWritesItAndNoUploadIsLeft() throws Exception {
    BlobStore store = new LocalBlobStore(dir.resolve("catalog"));
    try (IndexedTable t = new IndexedTable(dir.resolve("node"), SPEC, OPTIONS)) {
      t.upsert(docs(0, 500));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IndexSnapshots.Published>> racers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          String node = "node" + r;
          racers.add(
              pool.submit(
                  () -> {
                    start.await();
                    return new IndexSnapshots(store, "c", SPEC.name()).publish(t.index, node);
                  }));
        }
        start.countDown();
        List<IndexSnapshots.Outcome> outcomes = new ArrayList<>();
        for (Future<IndexSnapshots.Published> f : racers) {
          outcomes.add(f.get().outcome());
        }
        assertThat(outcomes)
            .containsExactlyInAnyOrder(
                IndexSnapshots.Outcome.PUBLISHED, IndexSnapshots.Outcome.EXISTING);
      } finally {
        pool.shutdownNow();
      }
      IndexSnapshots snapshots = new IndexSnapshots(store, "c", SPEC.name());
      assertThat(snapshots.all()).hasSize(1);
      String data = snapshots.all().get(0).data();
      assertThat(store.list("snapshots/c/body/data/"))
          .as("files of the losing upload are deleted")
          .allMatch(e -> e.key().startsWith("snapshots/c/body/" + data));
    }
  }

  @Test
  void theSameVersionMergedIntoFewerSegmentsIsANewSnapshotThatRestoresFirst() throws Exception {
    BlobStore store = new LocalBlobStore(dir.resolve("catalog"));
    IndexSnapshots snapshots = new IndexSnapshots(store, "c", SPEC.name());
    try (IndexedTable t = new IndexedTable(dir.resolve("node"), SPEC, OPTIONS)) {
      for (int b = 0; b < 4; b++) {
        t.upsert(docs(b * 300, (b + 1) * 300));
      }
      SnapshotManifest before = snapshots.publish(t.index, "node").snapshot();
      assertThat(before.segments()).isGreaterThan(1);
      t.index.mergeDownIfIdle(Duration.ZERO);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (t.index.merging() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(t.index.refreshMerged()).isTrue();
      IndexSnapshots.Published merged = snapshots.publish(t.index, "node");
      assertThat(merged.outcome()).isEqualTo(IndexSnapshots.Outcome.PUBLISHED);
      assertThat(merged.snapshot().version()).isEqualTo(before.version());
      assertThat(merged.snapshot().segments()).isLessThan(before.segments());
      SnapshotManifest chosen =
          snapshots
              .newest(SPEC, OPTIONS, t.table.latest().tableId(), t.table.latest().version())
              .orElseThrow();
      assertThat(chosen).isEqualTo(merged.snapshot());
      assertThat(snapshots.all()).first().isEqualTo(merged.snapshot());
    }
  }

  @Test
  void aPinnedCommitKeepsItsFilesThroughSyncsAndMergesUntilReleased() throws Exception {
    try (IndexedTable t = new IndexedTable(dir.resolve("node"), SPEC, OPTIONS)) {
      for (int b = 0; b < 4; b++) {
        t.upsert(docs(b * 300, (b + 1) * 300));
      }
      VectorIndex.PinnedCommit pin = t.index.pinCommit();
      List<String> files = pin.files();
      t.delete(List.of(id(1), id(2), id(3)));
      t.upsert(docs(1200, 1500));
      t.index.mergeDownIfIdle(Duration.ZERO);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (t.index.merging() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      t.index.refreshMerged();
      for (String f : files) {
        assertThat(t.indexDir.resolve(f)).as("pinned " + f).exists();
      }
      pin.close();
      assertThat(files.stream().filter(f -> Files.exists(t.indexDir.resolve(f))))
          .as("files of the released commit that no later commit uses are deleted")
          .hasSizeLessThan(files.size());
    }
  }

  @Test
  void onlySnapshotsThatFitTheIndexAndTheTableAreFound() throws Exception {
    BlobStore store = new LocalBlobStore(dir.resolve("catalog"));
    IndexSnapshots snapshots = new IndexSnapshots(store, "c", SPEC.name());
    try (IndexedTable t = new IndexedTable(dir.resolve("node"), SPEC, OPTIONS)) {
      t.upsert(docs(0, 300));
      snapshots.publish(t.index, "node");
      String tableId = t.table.latest().tableId();
      TableVersion v = t.table.latest().version();
      assertThat(snapshots.newest(SPEC, OPTIONS, tableId, v)).isPresent();
      assertThat(snapshots.newest(SPEC, OPTIONS, "another-table", v)).as("table id").isEmpty();
      assertThat(snapshots.newest(SPEC, OPTIONS, tableId, TableVersion.of(v.value() - 1)))
          .as("a snapshot ahead of the table")
          .isEmpty();
      IndexOptions int4 =
          new IndexOptions(Quantization.INT4, OPTIONS.analysis(), OPTIONS.filterable());
      assertThat(snapshots.newest(SPEC, int4, tableId, v)).as("quantization").isEmpty();
      IndexOptions noFilter = new IndexOptions(Quantization.INT8, TextAnalysis.STANDARD, List.of());
      assertThat(snapshots.newest(SPEC, noFilter, tableId, v)).as("filterable").isEmpty();
      VectorSpec dot = new VectorSpec(SPEC.name(), SPEC.column(), 16, Similarity.DOT);
      assertThat(snapshots.newest(dot, OPTIONS, tableId, v)).as("similarity").isEmpty();
    }
  }

  @Test
  void retentionKeepsTheNewestAndDeletesOldSnapshotsAndOrphanUploads() throws Exception {
    BlobStore store = new LocalBlobStore(dir.resolve("catalog"));
    IndexSnapshots snapshots = new IndexSnapshots(store, "c", SPEC.name());
    try (IndexedTable t = new IndexedTable(dir.resolve("node"), SPEC, OPTIONS)) {
      for (int b = 0; b < 4; b++) {
        t.upsert(docs(b * 100, (b + 1) * 100));
        snapshots.publish(t.index, "node");
      }
      store.put("snapshots/c/body/data/0-dead/_0.cfs", new byte[] {1, 2, 3});
      String fit = IndexSnapshots.fit(SPEC, OPTIONS, t.table.latest().tableId());
      assertThat(snapshots.retain(2, Duration.ofHours(1), Instant.now(), fit))
          .as("nothing is deleted within the grace period")
          .isZero();
      assertThat(snapshots.all()).hasSize(4);

      assertThat(snapshots.retain(2, Duration.ZERO, Instant.now().plusSeconds(1), fit))
          .isEqualTo(2);
      List<SnapshotManifest> left = snapshots.all();
      assertThat(left)
          .extracting(SnapshotManifest::version)
          .containsExactly(t.index.version(), TableVersion.of(t.index.version().value() - 1));
      List<String> uploads =
          store.list("snapshots/c/body/data/").stream()
              .map(e -> e.key().split("/")[4])
              .distinct()
              .toList();
      assertThat(uploads)
          .containsExactlyInAnyOrderElementsOf(
              left.stream().map(m -> m.data().split("/")[1]).toList());

      // a snapshot whose files vanished is refused, not opened half
      SnapshotManifest newest = left.get(0);
      store.delete("snapshots/c/body/" + newest.data() + newest.files().get(0).name());
      assertThatThrownBy(() -> snapshots.restore(newest, dir.resolve("broken"), SPEC, OPTIONS))
          .isInstanceOf(IOException.class);
    }
  }

  private void assertSameHits(VectorIndex expected, VectorIndex actual) throws IOException {
    try (VectorIndex.View a = expected.acquire();
        VectorIndex.View b = actual.acquire()) {
      for (int q = 0; q < 10; q++) {
        float[] query = vector();
        List<SearchHit> want = a.search(IndexQuery.vector(query, 10).exactly());
        List<SearchHit> got = b.search(IndexQuery.vector(query, 10).exactly());
        assertThat(got)
            .extracting(SearchHit::id)
            .isEqualTo(want.stream().map(SearchHit::id).toList());
        assertExactTop(got, BruteForce.ranked(vectors, id -> true, query), 10, "restored");
      }
    }
  }

  private List<Document> docs(int from, int to) {
    List<Document> docs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      float[] v = vector();
      vectors.put(id(i), v);
      docs.add(
          new Document(
              id(i),
              "title " + i,
              "text " + i,
              List.of(),
              Map.of(SPEC.name(), v.clone()),
              Map.of("group", "g" + (i % 3)),
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
