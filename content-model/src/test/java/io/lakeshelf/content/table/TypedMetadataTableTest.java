package io.lakeshelf.content.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.scan.FileRows;
import io.lakeshelf.content.scan.RowColumns;
import io.lakeshelf.content.storage.TableEngines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed metadata through a real Delta table: what a Delta reader such as Spark sees (each value in
 * the map of its type), what Lakeshelf reads back (the same JSON types), and a table made before
 * typed metadata, which keeps its one string map and takes every value as its text.
 */
class TypedMetadataTableTest {

  @TempDir Path dir;

  private static final VectorSpec SPEC = new VectorSpec("body", "body", 2, Similarity.COSINE);
  private static final ExecutorService executor = Executors.newFixedThreadPool(2);
  private static final RowFinder NO_ROWS = (ids, version) -> Map.of();

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  private static Map<String, Object> typed() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lang", "en");
    m.put("year", 2024L);
    m.put("big", Long.MIN_VALUE);
    m.put("score", 0.25);
    m.put("whole", 1.0);
    m.put("draft", false);
    m.put("empty", "");
    return m;
  }

  private static Document doc(String id, Map<String, Object> metadata) {
    return new Document(id, null, "text", null, Map.of("body", new float[] {1, 0}), metadata, null);
  }

  @Test
  void aDeltaReaderSeesEachValueInTheMapOfItsTypeAndLakeshelfReadsTheTypesBack()
      throws IOException {
    Engine engine = TableEngines.local();
    String location = dir.resolve("t").toString();
    ContentTable table = ContentTable.createManaged(engine, location, List.of(SPEC));
    table.upsert(List.of(doc("a", typed()), doc("b", Map.of())), NO_ROWS);

    TableSnapshot snapshot = table.latest();
    StructType schema = snapshot.schema();
    assertThat(schema.get("metadata").getDataType())
        .isEqualTo(new MapType(StringType.STRING, StringType.STRING, true));
    assertThat(TypedMetadata.isTyped(schema, "metadata")).isTrue();
    assertThat(schema.get("metadata_long").getDataType().toString()).contains("long");
    assertThat(schema.get("metadata_double").getDataType().toString()).contains("double");
    assertThat(schema.get("metadata_boolean").getDataType().toString()).contains("boolean");

    // What any Delta reader sees: plain maps, one per type.
    Map<String, Map<String, Map<String, Object>>> seen = rawMaps(snapshot);
    assertThat(seen.get("a").get("metadata")).isEqualTo(Map.of("lang", "en", "empty", ""));
    assertThat(seen.get("a").get("metadata_long"))
        .isEqualTo(Map.of("year", 2024L, "big", Long.MIN_VALUE));
    assertThat(seen.get("a").get("metadata_double")).isEqualTo(Map.of("score", 0.25, "whole", 1.0));
    assertThat(seen.get("a").get("metadata_boolean")).isEqualTo(Map.of("draft", false));
    assertThat(seen.get("b").values()).allMatch(m -> m == null);

    // What Lakeshelf reads: the values with their types, in the join and in the index's scan.
    Map<String, Object> joined = readAll(snapshot).get("a").metadata();
    assertThat(joined).isEqualTo(typed());
    assertThat(joined.get("whole")).isInstanceOf(Double.class);
    assertThat(joined.get("year")).isInstanceOf(Long.class);
    assertThat(readAll(snapshot).get("b").metadata()).isEmpty();
    assertThat(scanned(snapshot).get("a")).isEqualTo(typed());
  }

  @Test
  void aTableMadeBeforeTypedMetadataKeepsOneStringMapAndTakesValuesAsText() throws IOException {
    Engine engine = TableEngines.local();
    String location = dir.resolve("old").toString();
    // The managed schema of Lakeshelf 0.1.
    StructType old =
        new StructType()
            .add("id", StringType.STRING, false)
            .add("title", StringType.STRING, true)
            .add("text", StringType.STRING, true)
            .add("images", new ArrayType(ImageStruct.TYPE, true), true)
            .add("metadata", new MapType(StringType.STRING, StringType.STRING, true), true)
            .add("ingested_at", TimestampType.TIMESTAMP, true)
            .add("body", new ArrayType(FloatType.FLOAT, false), true);
    Table.forPath(engine, location)
        .createTransactionBuilder(engine, "test", Operation.CREATE_TABLE)
        .withSchema(engine, old)
        .build(engine)
        .commit(engine, CloseableIterable.emptyIterable());

    ContentTable table = ContentTable.createManaged(engine, location, List.of(SPEC));
    table.upsert(List.of(doc("a", typed())), NO_ROWS);
    TableSnapshot snapshot = table.latest();
    assertThat(snapshot.schema()).isEqualTo(old);
    Map<String, Object> asText = new LinkedHashMap<>();
    typed().forEach((k, v) -> asText.put(k, v.toString()));
    assertThat(rawMaps(snapshot).get("a").get("metadata")).isEqualTo(asText);
    assertThat(readAll(snapshot).get("a").metadata()).isEqualTo(asText);
    assertThat(scanned(snapshot).get("a")).isEqualTo(asText);
  }

  /** Each row's metadata maps as Kernel decodes them, by row id and column. */
  private static Map<String, Map<String, Map<String, Object>>> rawMaps(TableSnapshot snapshot)
      throws IOException {
    List<String> columns = new ArrayList<>(List.of("id"));
    columns.addAll(TypedMetadata.columns(snapshot.schema(), "metadata"));
    Map<String, Map<String, Map<String, Object>>> out = new HashMap<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      try (CloseableIterator<FilteredColumnarBatch> batches = snapshot.openRows(f, columns)) {
        while (batches.hasNext()) {
          ColumnarBatch data = batches.next().getData();
          for (int i = 0; i < data.getSize(); i++) {
            Map<String, Map<String, Object>> maps = new HashMap<>();
            for (int c = 1; c < columns.size(); c++) {
              ColumnVector v = data.getColumnVector(c);
              maps.put(columns.get(c), v.isNullAt(i) ? null : plain(v.getMap(i)));
            }
            out.put(data.getColumnVector(0).getString(i), maps);
          }
        }
      }
    }
    return out;
  }

  private static Map<String, Object> plain(MapValue map) {
    Map<String, Object> out = new HashMap<>();
    ColumnVector values = map.getValues();
    for (int j = 0; j < map.getSize(); j++) {
      String key = map.getKeys().getString(j);
      Object value =
          switch (values.getDataType().toString()) {
            case "long" -> values.getLong(j);
            case "double" -> values.getDouble(j);
            case "boolean" -> values.getBoolean(j);
            default -> values.getString(j);
          };
      out.put(key, value);
    }
    return out;
  }

  private static Map<String, Document> readAll(TableSnapshot snapshot) throws IOException {
    List<RowLocator> locators = new ArrayList<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      try (FileRows rows = FileRows.open(snapshot, f, RowColumns.ids("id"))) {
        while (rows.next()) {
          locators.add(new RowLocator(f.path(), rows.rowIndex()));
        }
      }
    }
    Map<String, Document> out = new HashMap<>();
    new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(SPEC), executor)
        .read(locators, Projection.DEFAULT)
        .values()
        .forEach(d -> out.put(d.id(), d));
    return out;
  }

  private static Map<String, Map<String, Object>> scanned(TableSnapshot snapshot)
      throws IOException {
    Map<String, Map<String, Object>> out = new HashMap<>();
    RowColumns columns = new RowColumns("id", null, null, null, List.of(), "metadata");
    for (LiveFile f : snapshot.liveFiles().values()) {
      try (FileRows rows = FileRows.open(snapshot, f, columns)) {
        while (rows.next()) {
          out.put(rows.id(), rows.metadata());
        }
      }
    }
    return out;
  }
}
