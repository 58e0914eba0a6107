package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The content table Spark wrote (column mapping by name, deletion vectors, checkpoints, partitions)
 * served in place as an external collection: exactly its live rows, exact top-10 answers, and every
 * hit's document equal to Spark's row.
 */
class SparkTableIT {

  @TempDir Path dir;

  static String externalCollection(Path table) {
    return """
    {"mode": "external", "table": "%s",
     "columns": {"id": "doc_id", "text": "body", "title": "title", "images": "images", "metadata": "metadata"},
     "vectors": {"body": {"column": "body_embedding", "dimensions": 16, "similarity": "cosine"}}}\
    """
        .formatted(table);
  }

  static Answer waitUntilIndexed(RunningService s, String name) throws Exception {
    Answer c = null;
    for (int i = 0; i < 300; i++) {
      c = s.get("/v1/collections/" + name);
      if (c.status() == 200 && c.json().get("status").asString().equals("ready")) {
        return c;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "collection " + name + " never became ready: " + (c == null ? null : c.body()));
  }

  @Test
  void servesExactlySparksLiveRowsAndExactTopTen() throws Exception {
    Path table = Fixtures.copy("spark-content-table/table", dir);
    Path expected = Fixtures.root().resolve("spark-content-table/expected");
    Map<String, JsonNode> sparkRows = sparkRows(expected);
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      Answer created = s.send("PUT", "/v1/collections/spark", externalCollection(table));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      Answer ready = waitUntilIndexed(s, "spark");
      assertThat(ready.json().get("documents").asLong()).isEqualTo(384);
      assertThat(ready.json().get("tableVersion").asLong()).isEqualTo(6);
      assertThat(ready.json().get("indexedVersion").asLong()).isEqualTo(6);

      int queries = 0;
      for (String line : Files.readAllLines(expected.resolve("queries.jsonl"))) {
        JsonNode q = RunningService.JSON.readTree(line);
        Answer search =
            s.send(
                "POST",
                "/v1/collections/spark/search",
                "{\"vector\": " + q.get("vector") + ", \"k\": 10}");
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        List<String> want = new ArrayList<>();
        q.get("top10_cosine").forEach(id -> want.add(id.asString()));
        for (JsonNode hit : search.json().get("hits")) {
          String id = hit.get("id").asString();
          ids.add(id);
          assertSameRow(hit.get("document"), sparkRows.get(id));
        }
        assertThat(ids).as("query " + queries).isEqualTo(want);
        queries++;
      }
      assertThat(queries).isEqualTo(50);

      // Ingest and delete are refused: Lakeshelf only reads an external table.
      Answer ingest =
          s.send(
              "POST",
              "/v1/collections/spark/documents",
              "{\"documents\": [{\"id\": \"x\", \"vectors\": {\"body\":"
                  + " [1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}]}");
      assertThat(ingest.status()).isEqualTo(409);
      assertThat(ingest.json().get("code").asString()).isEqualTo("COLLECTION_READ_ONLY");
      assertThat(
              s.send("DELETE", "/v1/collections/spark/documents/doc-9", null, null)
                  .json()
                  .get("code")
                  .asString())
          .isEqualTo("COLLECTION_READ_ONLY");
      // Get by id returns Spark's row too.
      Answer doc = s.get("/v1/collections/spark/documents/doc-9");
      assertSameRow(doc.json(), sparkRows.get("doc-9"));
    }
  }

  @Test
  void anyColumnOfTheTableReturnsByNameAndFilters() throws Exception {
    Path table = Fixtures.copy("spark-content-table/table", dir);
    Path expected = Fixtures.root().resolve("spark-content-table/expected");
    Map<String, JsonNode> sparkRows = sparkRows(expected);
    String collection =
        externalCollection(table)
            .replace("}}}", "}}, \"filterable\": [\"lang\", \"published_at\"]}");
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      Answer created = s.send("PUT", "/v1/collections/spark", collection);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      waitUntilIndexed(s, "spark");
      JsonNode q =
          RunningService.JSON.readTree(
              Files.readAllLines(expected.resolve("queries.jsonl")).get(0));

      // lang (a partition column) and published_at (a timestamp) are no role: named in include,
      // they come under document.columns with Spark's values; the roles named come as before.
      Answer search =
          s.send(
              "POST",
              "/v1/collections/spark/search",
              "{\"vector\": "
                  + q.get("vector")
                  + ", \"k\": 10, \"include\": [\"title\", \"lang\", \"published_at\"],"
                  + " \"filter\": {\"field\": \"lang\", \"eq\": \"fr\"}}");
      assertThat(search.status()).as(search.body()).isEqualTo(200);
      assertThat(search.json().get("hits")).hasSize(10);
      for (JsonNode hit : search.json().get("hits")) {
        JsonNode spark = sparkRows.get(hit.get("id").asString());
        JsonNode document = hit.get("document");
        assertThat(document.get("title").asString()).isEqualTo(spark.get("title").asString());
        assertThat(document.has("text")).isFalse();
        JsonNode columns = document.get("columns");
        assertThat(columns.get("lang").asString())
            .isEqualTo("fr")
            .isEqualTo(spark.get("lang").asString());
        assertThat(java.time.Instant.parse(columns.get("published_at").asString()))
            .isEqualTo(java.time.Instant.parse(spark.get("published_at").asString()));
        assertThat(columns.properties()).hasSize(2);
      }
      // A column that also holds a role, by its column name; the default has no columns.
      Answer byColumn =
          s.send(
              "POST",
              "/v1/collections/spark/search",
              "{\"vector\": "
                  + q.get("vector")
                  + ", \"k\": 1, \"include\": [\"doc_id\", \"body\"]}");
      JsonNode first = byColumn.json().get("hits").get(0);
      assertThat(first.get("document").get("columns").get("doc_id").asString())
          .isEqualTo(first.get("id").asString());
      assertThat(first.get("document").get("columns").get("body").asString())
          .isEqualTo(sparkRows.get(first.get("id").asString()).get("body").asString());
      Answer plain =
          s.send("POST", "/v1/collections/spark/search", "{\"vector\": " + q.get("vector") + "}");
      assertThat(plain.json().get("hits").get(0).get("document").has("columns")).isFalse();

      // Get by id takes column names too.
      Answer doc = s.get("/v1/collections/spark/documents/doc-9?include=lang&include=published_at");
      assertThat(doc.status()).as(doc.body()).isEqualTo(200);
      assertThat(doc.json().get("columns").get("lang").asString()).isEqualTo("fr");
      assertSameRow(doc.json(), sparkRows.get("doc-9"));

      // A name that is neither a part nor a column: 400 naming it.
      Answer unknown =
          s.send(
              "POST",
              "/v1/collections/spark/search",
              "{\"vector\": " + q.get("vector") + ", \"include\": [\"colour\"]}");
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
      assertThat(unknown.json().get("detail").asString()).contains("'colour'");
      assertThat(s.get("/v1/collections/spark/documents/doc-9?include=colour").status())
          .isEqualTo(400);
    }
  }

  /** Spark's live rows of the fixture, by id. */
  private static Map<String, JsonNode> sparkRows(Path expected) throws java.io.IOException {
    Map<String, JsonNode> rows = new HashMap<>();
    for (String line : Files.readAllLines(expected.resolve("live_rows.jsonl"))) {
      JsonNode row = RunningService.JSON.readTree(line);
      rows.put(row.get("doc_id").asString(), row);
    }
    return rows;
  }

  /** A Lakeshelf document equals Spark's JSON of the same row, role by role. */
  static void assertSameRow(JsonNode doc, JsonNode spark) {
    assertThat(spark).as("a hit that is not a live Spark row").isNotNull();
    assertThat(text(doc.get("title"))).isEqualTo(text(spark.get("title")));
    assertThat(text(doc.get("text"))).isEqualTo(text(spark.get("body")));
    List<String> images = new ArrayList<>();
    doc.get("images")
        .forEach(
            i ->
                images.add(
                    String.join(
                        "|",
                        text(i.get("uri")),
                        text(i.get("contentType")),
                        text(i.get("sizeBytes")),
                        text(i.get("checksum")),
                        text(i.get("checksumAlgorithm")))));
    List<String> sparkImages = new ArrayList<>();
    if (spark.get("images") != null && !spark.get("images").isNull()) {
      spark
          .get("images")
          .forEach(
              i ->
                  sparkImages.add(
                      String.join(
                          "|",
                          text(i.get("uri")),
                          text(i.get("content_type")),
                          text(i.get("size_bytes")),
                          text(i.get("checksum")),
                          text(i.get("checksum_algo")))));
    }
    assertThat(images).isEqualTo(sparkImages);
    Map<String, String> metadata = new HashMap<>();
    if (doc.get("metadata") != null && !doc.get("metadata").isNull()) {
      doc.get("metadata").properties().forEach(e -> metadata.put(e.getKey(), text(e.getValue())));
    }
    Map<String, String> sparkMetadata = new HashMap<>();
    if (spark.get("metadata") != null && !spark.get("metadata").isNull()) {
      spark
          .get("metadata")
          .properties()
          .forEach(e -> sparkMetadata.put(e.getKey(), text(e.getValue())));
    }
    assertThat(metadata).isEqualTo(sparkMetadata);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asString();
  }
}
