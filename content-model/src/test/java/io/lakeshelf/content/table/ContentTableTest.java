package io.lakeshelf.content.table;

import static io.lakeshelf.content.testing.TestDocuments.BODY_4D;
import static io.lakeshelf.content.testing.TestDocuments.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.Projection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentTableTest {

  @TempDir Path dir;

  private ContentTable create() {
    return ContentTable.createManaged(
        io.lakeshelf.content.storage.TableEngines.local(),
        dir.resolve("t").toString(),
        List.of(BODY_4D));
  }

  private Map<String, Document> liveRows(ContentTable table) throws Exception {
    TableSnapshot snapshot = table.latest();
    List<String> ids = new ArrayList<>();
    ScanningRowFinder finder = new ScanningRowFinder(table);
    // collect every id via a scan of the id column
    for (LiveFile f : snapshot.liveFiles().values()) {
      snapshot.readRows(
          f,
          List.of("id"),
          b -> {
            for (int i = 0; i < b.getData().getSize(); i++) {
              if (b.getSelectionVector().isEmpty() || b.getSelectionVector().get().getBoolean(i)) {
                ids.add(b.getData().getColumnVector(0).getString(i));
              }
            }
          });
    }
    Map<String, RowLocator> locators = new java.util.HashMap<>();
    finder
        .find(ids, snapshot.version())
        .forEach(
            (id, rows) -> {
              assertThat(rows).as("live rows of %s", id).hasSize(1);
              locators.put(id, rows.get(0));
            });
    assertThat(locators).hasSize(ids.size());
    DocumentReader reader =
        new DocumentReader(
            snapshot,
            ContentColumns.MANAGED,
            List.of(BODY_4D),
            Executors.newVirtualThreadPerTaskExecutor());
    Map<RowLocator, Document> rows = reader.read(List.copyOf(locators.values()), Projection.ALL);
    Map<String, Document> byId = new java.util.TreeMap<>();
    rows.values().forEach(d -> byId.put(d.id(), d));
    assertThat(byId).hasSize(ids.size());
    return byId;
  }

  @Test
  void createsAnEmptyTableAtVersionZero() {
    ContentTable table = create();
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(0));
    assertThat(table.latest().liveFiles()).isEmpty();
    // Opening it again does not create another version.
    assertThat(create().latest().version()).isEqualTo(TableVersion.of(0));
  }

  @Test
  void upsertWritesOneCommitAndRowsReadBackWholly() throws Exception {
    ContentTable table = create();
    CommitResult r =
        table.upsert(
            List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0), doc("c", 0, 0, 1, 0)),
            new ScanningRowFinder(table));
    assertThat(r.version()).isEqualTo(TableVersion.of(1));
    assertThat(r.rows()).isEqualTo(3);
    Map<String, Document> rows = liveRows(table);
    assertThat(rows.keySet()).containsExactly("a", "b", "c");
    Document a = rows.get("a");
    assertThat(a.title()).isEqualTo("Title a");
    assertThat(a.text()).isEqualTo("Text of a");
    assertThat(a.images())
        .singleElement()
        .satisfies(
            img -> {
              assertThat(img.uri()).isEqualTo("s3://bucket/img/a.png");
              assertThat(img.sizeBytes()).isEqualTo(1234L);
              assertThat(img.checksumAlgorithm()).isEqualTo("SHA-256");
            });
    assertThat(a.metadata()).containsEntry("source", "test");
    assertThat(a.vectors().get("body")).containsExactly(1, 0, 0, 0);
    assertThat(a.ingestedAt()).isNotNull();
  }

  @Test
  void upsertOfAnExistingIdReplacesTheRowInTheSameCommit() throws Exception {
    ContentTable table = create();
    ScanningRowFinder finder = new ScanningRowFinder(table);
    table.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0)), finder);
    CommitResult r =
        table.upsert(
            List.of(
                new Document(
                    "a", "New", null, null, Map.of("body", new float[] {0, 0, 0, 1}), null, null)),
            finder);
    assertThat(r.version()).isEqualTo(TableVersion.of(2));
    Map<String, Document> rows = liveRows(table);
    assertThat(rows.keySet()).containsExactly("a", "b");
    assertThat(rows.get("a").title()).isEqualTo("New");
    assertThat(rows.get("a").vectors().get("body")).containsExactly(0, 0, 0, 1);
    assertThat(rows.get("b").title()).isEqualTo("Title b");
  }

  @Test
  void deleteRemovesRowsInOneCommitAndIgnoresAbsentIds() throws Exception {
    ContentTable table = create();
    ScanningRowFinder finder = new ScanningRowFinder(table);
    table.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0), doc("c", 0, 0, 1, 0)), finder);
    CommitResult r = table.delete(List.of("a", "c", "zzz"), finder);
    assertThat(r.rows()).isEqualTo(2);
    assertThat(r.version()).isEqualTo(TableVersion.of(2));
    assertThat(liveRows(table).keySet()).containsExactly("b");
    CommitResult none = table.delete(List.of("zzz"), finder);
    assertThat(none.committed()).isFalse();
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(2));
  }

  @Test
  void twoWritersRacingOnOneTableLoseNoBatch() throws Exception {
    create();
    int batches = 15;
    java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2);
    List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
    for (String writer : List.of("w1", "w2")) {
      // Each writer has its own table handle and engine, as two processes would.
      ContentTable own = create();
      writers.add(
          pool.submit(
              () -> {
                for (int b = 0; b < batches; b++) {
                  own.upsert(List.of(doc(writer + "-" + b, 1, b, 0, 0)), (ids, v) -> Map.of());
                }
                return null;
              }));
    }
    for (var w : writers) {
      w.get();
    }
    pool.shutdown();
    ContentTable table = create();
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(2L * batches));
    assertThat(liveRows(table)).hasSize(2 * batches);
  }

  @Test
  void duplicateIdsInABatchAreRefusedBeforeAnythingIsWritten() {
    ContentTable table = create();
    assertThatThrownBy(
            () ->
                table.upsert(
                    List.of(doc("a", 1, 0, 0, 0), doc("a", 0, 1, 0, 0)),
                    new ScanningRowFinder(table)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(0));
  }

  @Test
  void aWriteThatFailsBeforeItsCommitLeavesTheTableAsItWas() throws Exception {
    ContentTable table = create();
    ScanningRowFinder finder = new ScanningRowFinder(table);
    table.upsert(List.of(doc("a", 1, 0, 0, 0)), finder);
    table.setWriteListener(
        (v, files) -> {
          throw new IllegalStateException("dies before commit");
        });
    assertThatThrownBy(
            () -> table.upsert(List.of(doc("a", 0, 1, 0, 0), doc("b", 0, 0, 1, 0)), finder))
        .hasMessageContaining("dies before commit");
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(1));
    Map<String, Document> rows = liveRows(table);
    assertThat(rows.keySet()).containsExactly("a");
    assertThat(rows.get("a").vectors().get("body")).containsExactly(1, 0, 0, 0);
  }
}
