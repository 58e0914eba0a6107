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
    Map<String, JsonNode> sparkRows = new HashMap<>();
    for (String line : Files.readAllLines(expected.resolve("live_rows.jsonl"))) {
      JsonNode row = RunningService.JSON.readTree(line);
      sparkRows.put(row.get("doc_id").asString(), row);
    }
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
