package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The README's walk-through, over real HTTP against the real service on a temporary directory. */
class LakeshelfServiceIT {

  static final String COLLECTION =
      """
      {"vectors": {"body": {"dimensions": 3, "similarity": "cosine"}}}\
      """;
  static final String THREE_DOCS =
      """
      {"documents": [
        {"id": "doc-1", "title": "Lakes", "text": "Lakes hold water.",
         "images": [{"uri": "s3://bucket/img/1.png", "contentType": "image/png",
                     "sizeBytes": 48213, "checksum": "9f86d0", "checksumAlgorithm": "SHA-256"}],
         "vectors": {"body": [0.9, 0.1, 0.0]}, "metadata": {"lang": "en"}},
        {"id": "doc-2", "title": "Shelves", "text": "Shelves hold books.",
         "vectors": {"body": [0.1, 0.9, 0.0]}},
        {"id": "doc-3", "title": "Rivers", "text": "Rivers feed lakes.",
         "vectors": {"body": [0.7, 0.0, 0.3]}}
      ]}\
      """;
  static final String QUERY =
      """
      {"vector": [1.0, 0.0, 0.0], "k": 2}\
      """;

  @TempDir Path dataDir;

  private static List<String> ids(Answer search) {
    List<String> ids = new ArrayList<>();
    search.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  @Test
  void readmeWalkThrough() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      Answer created = s.send("PUT", "/v1/collections/articles", COLLECTION);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().get("tableVersion").asLong()).isZero();
      assertThat(s.send("PUT", "/v1/collections/articles", COLLECTION).status()).isEqualTo(200);

      Answer ingested = s.send("POST", "/v1/collections/articles/documents", THREE_DOCS);
      assertThat(ingested.status()).isEqualTo(200);
      assertThat(ingested.json().get("tableVersion").asLong()).isEqualTo(1);
      assertThat(ingested.json().get("upserted").asInt()).isEqualTo(3);

      Answer search = s.send("POST", "/v1/collections/articles/search", QUERY);
      assertThat(search.status()).isEqualTo(200);
      assertThat(ids(search)).containsExactly("doc-1", "doc-3");
      assertThat(search.json().get("tableVersion").asLong()).isEqualTo(1);
      JsonNode first = search.json().get("hits").get(0);
      assertThat(first.get("score").asDouble()).isBetween(0.99, 1.0);
      assertThat(first.get("document").get("text").asString()).isEqualTo("Lakes hold water.");
      assertThat(first.get("document").get("images").get(0).get("uri").asString())
          .isEqualTo("s3://bucket/img/1.png");
      assertThat(first.get("document").get("images").get(0).get("sizeBytes").asLong())
          .isEqualTo(48213);
      assertThat(first.get("document").get("metadata").get("lang").asString()).isEqualTo("en");
      assertThat(first.get("document").has("vectors")).isFalse();

      Answer doc = s.get("/v1/collections/articles/documents/doc-2");
      assertThat(doc.status()).isEqualTo(200);
      assertThat(doc.json().get("title").asString()).isEqualTo("Shelves");
      assertThat(doc.json().get("tableVersion").asLong()).isEqualTo(1);
      Answer withVectors = s.get("/v1/collections/articles/documents/doc-2?include=vectors");
      assertThat(withVectors.json().get("vectors").get("body").get(1).asDouble())
          .isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-6));

      Answer deleted = s.send("DELETE", "/v1/collections/articles/documents/doc-1", null, null);
      assertThat(deleted.status()).isEqualTo(200);
      assertThat(deleted.json().get("tableVersion").asLong()).isEqualTo(2);
      assertThat(deleted.json().get("deleted").asInt()).isEqualTo(1);

      Answer after = s.send("POST", "/v1/collections/articles/search", QUERY);
      assertThat(ids(after)).containsExactly("doc-3", "doc-2");
      assertThat(s.get("/v1/collections/articles/documents/doc-1").status()).isEqualTo(404);

      // Replacing a document: the old row never comes back.
      s.send(
          "POST",
          "/v1/collections/articles/documents",
          """
          {"documents": [{"id": "doc-3", "title": "Rivers, revised", "vectors": {"body": [0, 0, 1]}}]}\
          """);
      Answer replaced =
          s.send(
              "POST",
              "/v1/collections/articles/search",
              """
              {"vector": [0.7, 0.0, 0.3], "k": 10}\
              """);
      assertThat(ids(replaced)).containsExactlyInAnyOrder("doc-2", "doc-3");
      for (JsonNode hit : replaced.json().get("hits")) {
        if (hit.get("id").asString().equals("doc-3")) {
          assertThat(hit.get("document").get("title").asString()).isEqualTo("Rivers, revised");
        }
      }

      Answer collection = s.get("/v1/collections/articles");
      assertThat(collection.json().get("documents").asLong()).isEqualTo(2);
      assertThat(collection.json().get("status").asString()).isEqualTo("ready");
      assertThat(s.get("/v1/collections").json().get("collections").size()).isEqualTo(1);

      // Operators: health components and metrics.
      Answer health = s.get("/actuator/health");
      assertThat(health.json().get("components").get("storage").get("status").asString())
          .isEqualTo("UP");
      JsonNode index = health.json().get("components").get("index");
      assertThat(index.get("status").asString()).isEqualTo("UP");
      assertThat(
              index.get("details").get("collections").get("articles").get("lagVersions").asLong())
          .isZero();
      Answer searches = s.get("/actuator/metrics/lakeshelf.search?tag=collection:articles");
      assertThat(searches.status()).isEqualTo(200);
      assertThat(searches.json().get("measurements").get(0).get("value").asDouble()).isEqualTo(3);
      Answer rows = s.get("/actuator/metrics/lakeshelf.ingest.rows?tag=collection:articles");
      assertThat(rows.json().get("measurements").get(0).get("value").asDouble()).isEqualTo(4);
      assertThat(s.get("/actuator/prometheus").body()).contains("lakeshelf_search_seconds_count");
      assertThat(s.get("/actuator/info").json().get("lakeshelf").get("lucene").asString())
          .startsWith("10.");
    }
  }

  @Test
  void restartFindsDocumentsAndIndexIntactWithoutRebuilding() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      s.send("PUT", "/v1/collections/articles", COLLECTION);
      s.send("POST", "/v1/collections/articles/documents", THREE_DOCS);
    }
    Path indexDir = dataDir.resolve("collections/articles/index/body/g0");
    List<String> commitsBefore = segmentsFiles(indexDir);
    try (RunningService s = RunningService.start(dataDir)) {
      Answer collection = s.get("/v1/collections/articles");
      assertThat(collection.json().get("indexedVersion").asLong()).isEqualTo(1);
      assertThat(collection.json().get("documents").asLong()).isEqualTo(3);
      assertThat(ids(s.send("POST", "/v1/collections/articles/search", QUERY)))
          .containsExactly("doc-1", "doc-3");
      assertThat(s.get("/v1/collections/articles/documents/doc-3").json().get("title").asString())
          .isEqualTo("Rivers");
      // No rebuild: the index's last commit is still the one written before the restart.
      assertThat(segmentsFiles(indexDir)).isEqualTo(commitsBefore);
    }
  }

  @Test
  void aMissingIndexIsRebuiltFromTheTableOnStart() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      s.send("PUT", "/v1/collections/articles", COLLECTION);
      s.send("POST", "/v1/collections/articles/documents", THREE_DOCS);
    }
    deleteTree(dataDir.resolve("collections/articles/index"));
    try (RunningService s = RunningService.start(dataDir)) {
      Answer search = null;
      for (int i = 0; i < 100; i++) {
        search = s.send("POST", "/v1/collections/articles/search", QUERY);
        // While the index is rebuilt, search answers 409 REINDEX_IN_PROGRESS.
        if (search.status() == 200 && search.json().get("tableVersion").asLong() == 1) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(ids(search)).containsExactly("doc-1", "doc-3");
    }
  }

  static List<String> segmentsFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("segments_"))
          .sorted()
          .toList();
    }
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
