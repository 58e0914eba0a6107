package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.KernelRows;
import io.lakeshelf.content.testing.RandomParquetTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every hit of a search is its own row, over HTTP: for external tables whose files parquet-mr wrote
 * in layouts drawn from a seed ({@link RandomParquetTable}: columns spanning many pages that break
 * at different rows, dictionary and plain pages, texts up to 64 KB, nulls, maps), each hit of
 * searches at k = 1, 10, 50 and 1000 carries exactly the title, text, metadata and vector Delta
 * Kernel's reader gives for its id; and for a managed collection of 1,000 documents with 3 KB texts
 * ingested in one batch, each hit carries the text ingested under its id.
 */
class JoinExactnessIT {

  private static final int[] KS = {1, 10, 50, 1000};

  @TempDir Path dir;

  @Test
  void everyHitOfATableParquetMrWroteIsTheRowKernelReadsForItsId() throws Exception {
    List<RandomParquetTable> tables = new ArrayList<>();
    for (long seed = 101; seed <= 104; seed++) {
      tables.add(RandomParquetTable.write(dir.resolve("t" + seed), seed, 2, 1200, seed % 2 == 0));
    }
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      for (int t = 0; t < tables.size(); t++) {
        RandomParquetTable table = tables.get(t);
        String name = "t" + t;
        Answer put =
            s.send(
                "PUT",
                "/v1/collections/" + name,
                """
                {"mode": "external", "table": "%s",
                 "columns": {"id": "id", "title": "title", "text": "body", "metadata": "attrs"},
                 "vectors": {"v": {"column": "vec", "dimensions": %d, "similarity": "cosine"}}}\
                """
                    .formatted(table.root(), RandomParquetTable.DIMENSIONS));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        ExternalTableIT.awaitStatus(s, name, "ready");
        Map<String, Map<String, Object>> rows = kernelRowsById(table.root());
        Random random = new Random(t);
        for (int k : KS) {
          for (int query = 0; query < 4; query++) {
            boolean vectors = query % 2 == 1;
            JsonNode hits = search(s, name, random, k, vectors);
            assertThat(hits.size())
                .isEqualTo(
                    Math.min(
                        k, (int) rows.values().stream().filter(r -> r.get("vec") != null).count()));
            for (JsonNode hit : hits) {
              String id = hit.get("id").asString();
              Map<String, Object> row = rows.get(id);
              assertThat(row).as("hit %s", id).isNotNull();
              JsonNode doc = hit.get("document");
              String where = "hit " + id + " (k=" + k + ") of " + table;
              assertThat(string(doc, "title")).as("title of " + where).isEqualTo(row.get("title"));
              assertThat(string(doc, "text")).as("text of " + where).isEqualTo(row.get("body"));
              // The metadata role shows a null map as {} (api-v1: documents always carry metadata).
              assertThat(metadata(doc))
                  .as("metadata of " + where)
                  .isEqualTo(row.get("attrs") == null ? Map.of() : row.get("attrs"));
              if (vectors) {
                assertThat(floats(doc.get("vectors").get("v")))
                    .as("vector of " + where)
                    .isEqualTo(row.get("vec"));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void everyHitOfAManagedCollectionWithLongTextsIsTheDocumentIngestedUnderItsId() throws Exception {
    Random random = new Random(7);
    Map<String, String> texts = new HashMap<>();
    StringBuilder batch = new StringBuilder("{\"documents\": [");
    for (int i = 0; i < 1000; i++) {
      String id = "doc-" + i;
      String text = id + " " + words(random, 3000);
      texts.put(id, text);
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"id\": \"")
          .append(id)
          .append("\", \"title\": \"title ")
          .append(id)
          .append("\", \"text\": \"")
          .append(text)
          .append("\", \"metadata\": {\"n\": \"")
          .append(i)
          .append("\"}, \"vectors\": {\"body\": ")
          .append(vector(random))
          .append("}}");
    }
    batch.append("]}");
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      assertThat(
              s.send(
                      "PUT",
                      "/v1/collections/long",
                      """
                      {"vectors": {"body": {"dimensions": %d, "similarity": "cosine"}}}\
                      """
                          .formatted(RandomParquetTable.DIMENSIONS))
                  .status())
          .isIn(200, 201);
      Answer ingest = s.send("POST", "/v1/collections/long/documents", batch.toString());
      assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
      // Small k most often: a wrong row needs the last two hits of a file in different pages.
      for (int k : new int[] {1, 2, 3, 5, 10, 50, 1000}) {
        for (int query = 0; query < (k <= 10 ? 40 : 10); query++) {
          JsonNode hits = search(s, "long", random, k, false);
          assertThat(hits.size()).isEqualTo(k);
          for (JsonNode hit : hits) {
            String id = hit.get("id").asString();
            JsonNode doc = hit.get("document");
            assertThat(string(doc, "text"))
                .as("text of hit %s (k=%d)", id, k)
                .isEqualTo(texts.get(id));
            assertThat(string(doc, "title")).as("title of hit %s", id).isEqualTo("title " + id);
            assertThat(doc.get("metadata").get("n").asString())
                .isEqualTo(id.substring("doc-".length()));
          }
        }
      }
    }
  }

  private static JsonNode search(
      RunningService s, String name, Random random, int k, boolean vectors) throws Exception {
    String include =
        vectors ? ", \"include\": [\"title\", \"text\", \"metadata\", \"vectors\"]" : "";
    Answer a =
        s.send(
            "POST",
            "/v1/collections/" + name + "/search",
            "{\"vector\": " + vector(random) + ", \"k\": " + k + include + "}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().get("hits");
  }

  /** Each live row of the table by its id, as Kernel's reader gives it. */
  private static Map<String, Map<String, Object>> kernelRowsById(Path table) {
    TableSnapshot snapshot =
        ContentTable.open(
                TableEngines.local(),
                table.toString(),
                new ContentColumns("id", null, null, null, null, null),
                List.of())
            .latest();
    Map<String, Map<String, Object>> byId = new HashMap<>();
    for (Map<String, Object> row :
        KernelRows.read(snapshot, snapshot.schema().fieldNames()).values()) {
      byId.put((String) row.get("id"), row);
    }
    return byId;
  }

  private static String vector(Random random) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < RandomParquetTable.DIMENSIONS; i++) {
      b.append(i == 0 ? "" : ",").append((float) random.nextGaussian());
    }
    return b.append(']').toString();
  }

  private static String words(Random random, int length) {
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      b.append("w").append(random.nextInt(100_000)).append(' ');
    }
    return b.substring(0, length);
  }

  private static String string(JsonNode doc, String field) {
    JsonNode v = doc.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }

  private static Map<String, String> metadata(JsonNode doc) {
    JsonNode m = doc.get("metadata");
    if (m == null || m.isNull()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : m.properties()) {
      out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asString());
    }
    return out;
  }

  private static List<Float> floats(JsonNode array) {
    List<Float> out = new ArrayList<>();
    array.forEach(x -> out.add(x.floatValue()));
    return out;
  }
}
