package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.utils.CloseableIterator;
import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Typed metadata over HTTP, as the README states it: integers, floating-point numbers, booleans and
 * strings come back with their JSON types (from the table, through the join); ranges compare
 * numbers as numbers; a key nobody declared filters; a value of one type never matches another; and
 * Spark's view of the table, read here with Delta Kernel, is the four maps the README names.
 */
class TypedMetadataIT {

  @TempDir Path dataDir;

  private static final String COLLECTION =
      """
      {"vectors": {"body": {"dimensions": 2, "similarity": "cosine"}}}\
      """;

  private static final String DOCS =
      """
      {"documents": [
        {"id": "a", "text": "a", "vectors": {"body": [1, 0]},
         "metadata": {"year": 9, "price": 9.5, "draft": true, "lang": "en", "code": "9"}},
        {"id": "b", "text": "b", "vectors": {"body": [1, 0.1]},
         "metadata": {"year": 10, "price": 10.0, "draft": false, "lang": "de", "code": "10"}},
        {"id": "c", "text": "c", "vectors": {"body": [1, 0.2]},
         "metadata": {"year": 2024, "price": 1e3, "big": 9223372036854775807}},
        {"id": "d", "text": "d", "vectors": {"body": [1, 0.3]}}
      ]}\
      """;

  @Test
  void metadataKeepsItsTypesAndFiltersByThem() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      assertThat(s.send("PUT", "/v1/collections/typed", COLLECTION).status()).isEqualTo(201);
      Answer ingested = s.send("POST", "/v1/collections/typed/documents", DOCS);
      assertThat(ingested.status()).as(ingested.body()).isEqualTo(200);

      // GET: each value with its JSON type; a floating-point value keeps a fraction or exponent.
      Answer a = s.send("GET", "/v1/collections/typed/documents/a", null);
      assertThat(a.status()).isEqualTo(200);
      JsonNode ma = a.json().path("document").path("metadata");
      if (ma.isMissingNode()) {
        ma = a.json().path("metadata");
      }
      assertThat(ma.path("year").isIntegralNumber()).as(a.body()).isTrue();
      assertThat(ma.path("year").longValue()).isEqualTo(9);
      assertThat(ma.path("price").isFloatingPointNumber()).isTrue();
      assertThat(ma.path("price").doubleValue()).isEqualTo(9.5);
      assertThat(ma.path("draft").isBoolean()).isTrue();
      assertThat(ma.path("lang").isString()).isTrue();
      assertThat(ma.path("code").isString()).isTrue();
      assertThat(ma.path("code").asString()).isEqualTo("9");
      assertThat(a.body()).contains("\"price\":9.5");
      Answer b = s.send("GET", "/v1/collections/typed/documents/b", null);
      assertThat(b.body()).contains("\"price\":10.0").contains("\"year\":10");
      Answer c = s.send("GET", "/v1/collections/typed/documents/c", null);
      assertThat(c.body()).contains("\"big\":9223372036854775807");

      // Ranges: 9 < 10 as numbers (as text "9" > "10"), integers and floats alike.
      assertThat(ids(s, "{\"field\": \"metadata.year\", \"lt\": 10}")).containsExactly("a");
      assertThat(ids(s, "{\"field\": \"metadata.year\", \"gte\": 10}")).containsExactly("b", "c");
      assertThat(ids(s, "{\"field\": \"metadata.price\", \"gt\": 9.75}")).containsExactly("b", "c");
      assertThat(ids(s, "{\"field\": \"metadata.price\", \"eq\": 10}")).containsExactly("b");
      assertThat(ids(s, "{\"field\": \"metadata.year\", \"in\": [9.0, 2024]}"))
          .containsExactly("a", "c");
      assertThat(ids(s, "{\"field\": \"metadata.big\", \"eq\": 9223372036854775807}"))
          .containsExactly("c");
      // Strings compare as strings: "9" > "10"; a number does not match the string "9".
      assertThat(ids(s, "{\"field\": \"metadata.code\", \"gt\": \"10\"}")).containsExactly("a");
      assertThat(ids(s, "{\"field\": \"metadata.code\", \"eq\": 9}")).isEmpty();
      assertThat(ids(s, "{\"field\": \"metadata.year\", \"eq\": \"9\"}")).isEmpty();
      // Booleans; exists; ne matches rows that have the key; not is the complement.
      assertThat(ids(s, "{\"field\": \"metadata.draft\", \"eq\": true}")).containsExactly("a");
      assertThat(ids(s, "{\"field\": \"metadata.draft\", \"ne\": true}")).containsExactly("b");
      assertThat(ids(s, "{\"not\": {\"field\": \"metadata.draft\", \"eq\": true}}"))
          .containsExactly("b", "c", "d");
      assertThat(ids(s, "{\"field\": \"metadata.lang\", \"exists\": false}"))
          .containsExactly("c", "d");
      // No key was declared filterable; an unknown key matches nothing.
      assertThat(ids(s, "{\"field\": \"metadata.nowhere\", \"eq\": 1}")).isEmpty();
      Answer range =
          s.send(
              "POST",
              "/v1/collections/typed/search",
              "{\"vector\": [1, 0], \"filter\": {\"field\": \"metadata.draft\", \"gt\": true}}");
      assertThat(range.status()).isEqualTo(400);
      assertThat(range.json().path("code").asString()).isEqualTo("INVALID_FILTER");
      // Search hits carry the typed metadata too.
      Answer hits =
          s.send(
              "POST",
              "/v1/collections/typed/search",
              "{\"vector\": [1, 0], \"k\": 1, \"include\": [\"metadata\"]}");
      JsonNode hit = hits.json().path("hits").get(0).path("document").path("metadata");
      assertThat(hit.path("year").isIntegralNumber()).as(hits.body()).isTrue();
      assertThat(hit.path("price").isFloatingPointNumber()).isTrue();

      // Values that are not JSON scalars are refused, naming the key.
      Answer nested =
          s.send(
              "POST",
              "/v1/collections/typed/documents",
              "{\"documents\": [{\"id\": \"e\", \"vectors\": {\"body\": [1, 0]},"
                  + " \"metadata\": {\"tags\": [\"x\"], \"n\": null}}]}");
      assertThat(nested.status()).isEqualTo(400);
      assertThat(nested.body()).contains("metadata.tags").contains("metadata.n");
    }

    // Spark's view: the table read with Delta Kernel holds the four maps the README names.
    Path table;
    try (Stream<Path> found = Files.walk(dataDir)) {
      table =
          found
              .filter(p -> p.getFileName().toString().equals("_delta_log"))
              .findFirst()
              .orElseThrow()
              .getParent();
    }
    ContentTable content =
        ContentTable.createManaged(TableEngines.local(), table.toString(), List.of());
    TableSnapshot snapshot = content.latest();
    Map<String, Map<String, Map<String, String>>> seen = new HashMap<>();
    List<String> columns =
        List.of("id", "metadata", "metadata_long", "metadata_double", "metadata_boolean");
    for (LiveFile f : snapshot.liveFiles().values()) {
      try (CloseableIterator<FilteredColumnarBatch> batches = snapshot.openRows(f, columns)) {
        while (batches.hasNext()) {
          ColumnarBatch data = batches.next().getData();
          for (int i = 0; i < data.getSize(); i++) {
            Map<String, Map<String, String>> maps = new HashMap<>();
            for (int k = 1; k < columns.size(); k++) {
              ColumnVector v = data.getColumnVector(k);
              maps.put(columns.get(k), v.isNullAt(i) ? Map.of() : text(v.getMap(i)));
            }
            seen.put(data.getColumnVector(0).getString(i), maps);
          }
        }
      }
    }
    assertThat(snapshot.schema().get("metadata_long").getDataType().toString()).contains("long");
    assertThat(seen.get("a").get("metadata")).isEqualTo(Map.of("lang", "en", "code", "9"));
    assertThat(seen.get("a").get("metadata_long")).isEqualTo(Map.of("year", "9"));
    assertThat(seen.get("a").get("metadata_double")).isEqualTo(Map.of("price", "9.5"));
    assertThat(seen.get("a").get("metadata_boolean")).isEqualTo(Map.of("draft", "true"));
    assertThat(seen.get("c").get("metadata_double")).isEqualTo(Map.of("price", "1000.0"));
    assertThat(seen.get("d").values()).allMatch(Map::isEmpty);
  }

  private static Map<String, String> text(MapValue map) {
    Map<String, String> out = new HashMap<>();
    ColumnVector values = map.getValues();
    for (int j = 0; j < map.getSize(); j++) {
      String v =
          switch (values.getDataType().toString()) {
            case "long" -> Long.toString(values.getLong(j));
            case "double" -> Double.toString(values.getDouble(j));
            case "boolean" -> Boolean.toString(values.getBoolean(j));
            default -> values.getString(j);
          };
      out.put(map.getKeys().getString(j), v);
    }
    return out;
  }

  private static List<String> ids(RunningService s, String filter) throws Exception {
    Answer r =
        s.send(
            "POST",
            "/v1/collections/typed/search",
            "{\"vector\": [1, 0], \"k\": 100, \"include\": [], \"filter\": " + filter + "}");
    assertThat(r.status()).as(filter + " " + r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().path("hits").forEach(h -> out.add(h.path("id").asString()));
    return List.copyOf(new TreeSet<>(out));
  }
}
