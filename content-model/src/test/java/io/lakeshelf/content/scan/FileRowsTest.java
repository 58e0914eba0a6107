package io.lakeshelf.content.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.rows.JsonValues;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.KernelRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileRows} yields every live row of Delta's golden tables as Kernel's reader reads it. */
class FileRowsTest {

  @TempDir Path dir;

  private TableSnapshot open(String fixture, String idColumn) {
    Path table = Fixtures.copy(fixture, dir);
    return ContentTable.open(
            TableEngines.local(),
            table.toString(),
            new ContentColumns(idColumn, null, null, null, null, null),
            List.of())
        .latest();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "data-reader-primitives",
        "dv-with-columnmapping",
        "dv-partitioned-with-checkpoint"
      })
  void scalarValuesAndDeletedRowsAsKernelReadsThem(String name) throws Exception {
    TableSnapshot snapshot = open("delta-golden/" + name, firstColumn(name));
    TableColumns schema = TableColumns.of(snapshot);
    List<String> scalars =
        schema.byName().values().stream()
            .filter(c -> c.type().isScalar())
            .map(TableColumns.Column::name)
            .toList();
    List<RowColumns.ValueColumn> values =
        scalars.stream().map(c -> new RowColumns.ValueColumn(c, null)).toList();
    Map<RowLocator, Map<String, Object>> expected = KernelRows.read(snapshot, scalars);
    assertThat(expected).isNotEmpty();

    Map<RowLocator, Map<String, Object>> actual = new LinkedHashMap<>();
    long deleted = 0;
    for (LiveFile file : snapshot.liveFiles().values()) {
      try (FileRows rows =
          FileRows.open(snapshot, file, new RowColumns(scalars.get(0), null, null, null, values))) {
        while (rows.next()) {
          if (rows.deleted()) {
            deleted++;
            continue;
          }
          Map<String, Object> row = new LinkedHashMap<>();
          for (int k = 0; k < scalars.size(); k++) {
            List<Object> v = rows.values(k);
            assertThat(v.size()).isLessThanOrEqualTo(1);
            row.put(scalars.get(k), v.isEmpty() ? null : v.get(0));
          }
          assertThat(rows.id()).isEqualTo(JsonValues.text(row.get(scalars.get(0))));
          assertThat(rows.vector()).as("no vector column asked for").isNull();
          actual.put(new RowLocator(file.path(), rows.rowIndex()), row);
        }
      }
    }
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    for (RowLocator l : expected.keySet()) {
      assertThat(KernelRows.normalize(actual.get(l)))
          .as(name + " " + l)
          .isEqualTo(KernelRows.normalize(expected.get(l)));
    }
    long deletedByLog =
        snapshot.liveFiles().values().stream().mapToLong(LiveFile::deletedRows).sum();
    assertThat(deleted).isEqualTo(deletedByLog);
    if (name.startsWith("dv-")) {
      assertThat(deleted).as("the fixture has deletion vectors").isPositive();
    }
  }

  @Test
  void idsVectorsTextsAndMetadataKeysOfASparkTable() throws Exception {
    TableSnapshot snapshot = open("spark-content-table/table", "doc_id");
    List<String> columns =
        List.of("doc_id", "body_embedding", "title", "body", "metadata", "published_at");
    Map<RowLocator, Map<String, Object>> expected = KernelRows.read(snapshot, columns);
    assertThat(expected).isNotEmpty();
    List<RowColumns.ValueColumn> values =
        List.of(
            new RowColumns.ValueColumn("published_at", null),
            new RowColumns.ValueColumn("metadata", "tier"));
    RowColumns read = new RowColumns("doc_id", "body_embedding", "title", "body", values);
    int seen = 0;
    int tiers = 0;
    int vectors = 0;
    for (LiveFile file : snapshot.liveFiles().values()) {
      try (FileRows rows = FileRows.open(snapshot, file, read)) {
        while (rows.next()) {
          if (rows.deleted()) {
            continue;
          }
          Map<String, Object> row = expected.get(new RowLocator(file.path(), rows.rowIndex()));
          assertThat(row).isNotNull();
          seen++;
          assertThat(rows.id()).isEqualTo(row.get("doc_id"));
          assertThat(rows.title()).isEqualTo(row.get("title"));
          assertThat(rows.text()).isEqualTo(row.get("body"));
          @SuppressWarnings("unchecked")
          List<Object> vector = (List<Object>) row.get("body_embedding");
          if (vector == null) {
            assertThat(rows.vector()).isNull();
          } else {
            List<Object> floats = new ArrayList<>();
            for (float x : rows.vector()) {
              floats.add(Float.isNaN(x) ? null : x);
            }
            assertThat(floats).isEqualTo(vector);
            vectors++;
          }
          assertThat(rows.values(0))
              .isEqualTo(
                  row.get("published_at") == null ? List.of() : List.of(row.get("published_at")));
          @SuppressWarnings("unchecked")
          Map<Object, Object> metadata = (Map<Object, Object>) row.get("metadata");
          Object tier = metadata == null ? null : metadata.get("tier");
          tiers += tier == null ? 0 : 1;
          assertThat(rows.values(1))
              .isEqualTo(tier == null ? List.of() : List.of(JsonValues.text(tier)));
        }
      }
    }
    assertThat(seen).isEqualTo(expected.size());
    assertThat(vectors).isPositive();
    assertThat(tiers).isPositive();
  }

  @Test
  void columnTypesOfASchema() {
    TableSnapshot snapshot = open("spark-content-table/table", "doc_id");
    TableColumns columns = TableColumns.of(snapshot);
    assertThat(columns.byName().keySet())
        .containsExactly(
            "doc_id",
            "title",
            "body",
            "lang",
            "images",
            "body_embedding",
            "metadata",
            "published_at");
    assertThat(columns.column("doc_id").orElseThrow().type()).isEqualTo(ColumnType.STRING);
    assertThat(columns.column("body_embedding").orElseThrow().type()).isEqualTo(ColumnType.ARRAY);
    assertThat(columns.column("metadata").orElseThrow().type()).isEqualTo(ColumnType.MAP);
    assertThat(columns.column("published_at").orElseThrow().type()).isEqualTo(ColumnType.TIMESTAMP);
    assertThat(columns.has("nope")).isFalse();
    assertThat(columns.has(null)).isFalse();
  }

  private static String firstColumn(String name) {
    io.delta.kernel.engine.Engine engine = TableEngines.local();
    Path table = Fixtures.root().resolve("delta-golden").resolve(name);
    return io.delta.kernel.Table.forPath(engine, table.toString())
        .getLatestSnapshot(engine)
        .getSchema()
        .at(0)
        .getName();
  }
}
