package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.ScanningRowFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** External tables that cannot be served as asked, and tables that change under the service. */
class ExternalTableIT {

  static final VectorSpec VEC4 = new VectorSpec("body", "body_embedding", 4, Similarity.COSINE);

  @TempDir Path dir;

  /** A table written by "someone else": plain Delta with the managed layout. */
  static ContentTable writeTable(Path location, List<Document> docs) throws Exception {
    ContentTable t =
        ContentTable.createManaged(
            io.lakeshelf.content.storage.TableEngines.local(), location.toString(), List.of(VEC4));
    if (!docs.isEmpty()) {
      t.upsert(docs, new ScanningRowFinder(t));
    }
    return t;
  }

  static Document doc(String id, float... v) {
    return new Document(
        id, "T" + id, "text " + id, null, v.length == 0 ? null : Map.of("body", v), null, null);
  }

  static String external(Path table, int dimensions, String idColumn) {
    return """
    {"mode": "external", "table": "%s", "columns": {"id": "%s", "title": "title", "text": "text"},
     "vectors": {"body": {"column": "body_embedding", "dimensions": %d}}}\
    """
        .formatted(table, idColumn, dimensions);
  }

  static JsonNode awaitStatus(RunningService s, String name, String status) throws Exception {
    JsonNode c = null;
    for (int i = 0; i < 300; i++) {
      c = s.get("/v1/collections/" + name).json();
      if (c.get("status").asString().equals(status)) {
        return c;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " never became " + status + ": " + c);
  }

  @Test
  void tablesThatCannotBeServedAnswer422NamingTheReason() throws Exception {
    Path table = dir.resolve("t");
    writeTable(table, List.of(doc("a", 1, 0, 0, 0)));
    Path unsupported = dir.resolve("u");
    writeTable(unsupported, List.of(doc("a", 1, 0, 0, 0)));
    Files.writeString(
        unsupported.resolve("_delta_log/00000000000000000002.json"),
        "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"someFutureFeature\"],\"writerFeatures\":[\"someFutureFeature\"]}}\n");
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      Answer missing =
          s.send("PUT", "/v1/collections/x", external(dir.resolve("nothing-here"), 4, "id"));
      assertThat(missing.status()).isEqualTo(422);
      assertThat(missing.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");

      Answer noColumn = s.send("PUT", "/v1/collections/x", external(table, 4, "doc_id"));
      assertThat(noColumn.status()).isEqualTo(422);
      assertThat(noColumn.json().get("detail").asString()).contains("doc_id");

      Answer feature = s.send("PUT", "/v1/collections/x", external(unsupported, 4, "id"));
      assertThat(feature.status()).as(feature.body()).isEqualTo(422);
      assertThat(feature.json().get("detail").asString()).contains("someFutureFeature");
      assertThat(s.get("/v1/collections/x").status()).isEqualTo(404);

      // Vectors of the wrong length are found by the build: the collection fails with the reason.
      assertThat(s.send("PUT", "/v1/collections/wrong", external(table, 3, "id")).status())
          .isEqualTo(201);
      JsonNode failed = awaitStatus(s, "wrong", "failed");
      assertThat(failed.get("error").asString()).contains("4 values").contains("3 dimensions");
      Answer search = s.send("POST", "/v1/collections/wrong/search", "{\"vector\": [1, 0, 0]}");
      assertThat(search.status()).isEqualTo(422);
      assertThat(search.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");
      JsonNode health = s.get("/actuator/health").json().get("components").get("index");
      assertThat(health.get("status").asString()).isEqualTo("DOWN");
      assertThat(health.get("details").get("collections").get("wrong").get("error").asString())
          .contains("3 dimensions");
    }
  }

  @Test
  void rowsWithoutAVectorAreSkippedAndCounted() throws Exception {
    Path table = dir.resolve("t");
    writeTable(table, List.of(doc("a", 1, 0, 0, 0), doc("b"), doc("c", 0, 1, 0, 0)));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/t", external(table, 4, "id"));
      JsonNode c = awaitStatus(s, "t", "ready");
      assertThat(c.get("documents").asLong()).isEqualTo(2);
      assertThat(c.get("skippedRows").asLong()).isEqualTo(1);
    }
  }

  /**
   * A table whose log has no row-count statistics (add actions without {@code stats}): the rows
   * skipped for a null vector are still counted exactly, through incremental syncs (files added and
   * removed) and a restart. Rows whose id is null are not indexed and counted the same way
   * (collection {@code by-title}, whose id column {@code title} is null in the first file).
   */
  @Test
  void skippedRowsAreCountedWithoutStatisticsThroughSyncsAndRestarts() throws Exception {
    HandWrittenTable t = HandWrittenTable.create(dir.resolve("no-stats"));
    String first =
        t.append(
            new HandWrittenTable.Row("a1"),
            new HandWrittenTable.Row("a2"),
            new HandWrittenTable.Row("a3"));
    String body =
        """
        {"mode": "external", "table": "%s", "columns": {"id": "doc_id"},
         "vectors": {"body": {"column": "emb", "dimensions": 3}}}\
        """
            .formatted(t.location());
    String byTitle = body.replace("\"id\": \"doc_id\"", "\"id\": \"title\"");
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      assertThat(s.send("PUT", "/v1/collections/t", body).status()).isEqualTo(201);
      assertThat(s.send("PUT", "/v1/collections/by-title", byTitle).status()).isEqualTo(201);
      assertThat(awaitStatus(s, "by-title", "ready").get("skippedRows").asLong()).isEqualTo(3);
      JsonNode c = awaitStatus(s, "t", "ready");
      assertThat(c.get("documents").asLong()).isEqualTo(0);
      assertThat(c.get("skippedRows").asLong()).isEqualTo(3);
      assertThat(s.get("/v1/collections/t/documents/a2").status()).isEqualTo(200);

      t.append(HandWrittenTable.Row.full("b1", 1, 1, 0, 0), HandWrittenTable.Row.full("b2", 2));
      c = awaitVersion(s, "t", t.version());
      assertThat(c.get("documents").asLong()).isEqualTo(1);
      assertThat(c.get("skippedRows").asLong()).isEqualTo(4);
      JsonNode health =
          s.get("/actuator/health")
              .json()
              .get("components")
              .get("index")
              .get("details")
              .get("collections")
              .get("t");
      assertThat(health.get("skippedRows").asLong()).isEqualTo(4);
      JsonNode titled = awaitVersion(s, "by-title", t.version());
      assertThat(titled.get("documents").asLong()).isEqualTo(1);
      assertThat(titled.get("skippedRows").asLong()).isEqualTo(4);
    }
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      JsonNode c = awaitStatus(s, "t", "ready");
      assertThat(c.get("skippedRows").asLong()).isEqualTo(4);
      assertThat(awaitStatus(s, "by-title", "ready").get("skippedRows").asLong()).isEqualTo(4);
      t.remove(first);
      c = awaitVersion(s, "t", t.version());
      assertThat(c.get("documents").asLong()).isEqualTo(1);
      assertThat(c.get("skippedRows").asLong()).isEqualTo(1);
      assertThat(awaitVersion(s, "by-title", t.version()).get("skippedRows").asLong()).isEqualTo(1);
    }
  }

  static JsonNode awaitVersion(RunningService s, String name, long version) throws Exception {
    JsonNode c = null;
    for (int i = 0; i < 300; i++) {
      c = s.get("/v1/collections/" + name).json();
      if (c.get("indexedVersion").asLong() >= version
          && c.get("status").asString().equals("ready")) {
        return c;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " never reached version " + version + ": " + c);
  }

  @Test
  void aTableReplacedUnderTheSameLocationIsReindexedWithoutMixingRows() throws Exception {
    Path table = dir.resolve("t");
    writeTable(table, List.of(doc("old-1", 1, 0, 0, 0), doc("old-2", 0, 1, 0, 0)));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/t", external(table, 4, "id"));
      awaitStatus(s, "t", "ready");
      String oldId = tableId(table);
      deleteTree(table);
      writeTable(
          table,
          List.of(doc("new-1", 1, 0, 0, 0), doc("new-2", 0, 0, 1, 0), doc("new-3", 0, 0, 0, 1)));
      assertThat(tableId(table)).isNotEqualTo(oldId);
      List<String> ids = List.of();
      for (int i = 0;
          i < 300 && (ids.size() != 3 || !ids.stream().allMatch(id -> id.startsWith("new")));
          i++) {
        Answer a =
            s.send(
                "POST",
                "/v1/collections/t/search",
                "{\"vector\": [1, 1, 1, 1], \"k\": 10, \"include\": []}");
        ids = new ArrayList<>();
        for (JsonNode h : a.json().get("hits")) {
          ids.add(h.get("id").asString());
        }
        // Never a mix of the two tables' rows.
        assertThat(
                ids.stream().anyMatch(id -> id.startsWith("old"))
                    && ids.stream().anyMatch(id -> id.startsWith("new")))
            .as("rows of the old and new table mixed: " + ids)
            .isFalse();
        Thread.sleep(100);
      }
      assertThat(ids).containsExactlyInAnyOrder("new-1", "new-2", "new-3");
    }
  }

  /** Like Spark's ALTER TABLE ADD COLUMNS: a commit that only changes the schema, then appends. */
  @Test
  void aTableWhoseSchemaGrewKeepsServingOldAndNewRows() throws Exception {
    Path table = dir.resolve("t");
    ContentTable writer = writeTable(table, List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0)));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/t", external(table, 4, "id"));
      awaitStatus(s, "t", "ready");
      addColumn(table, 2, "lang");
      ContentTable grown =
          ContentTable.createManaged(
              io.lakeshelf.content.storage.TableEngines.local(), table.toString(), List.of(VEC4));
      assertThat(grown.latest().schema().fieldNames()).contains("lang");
      grown.upsert(List.of(doc("c", 0, 0, 1, 0)), (ids, v) -> Map.of());
      for (int i = 0;
          i < 300 && s.get("/v1/collections/t").json().get("indexedVersion").asLong() < 3;
          i++) {
        Thread.sleep(100);
      }
      JsonNode c = s.get("/v1/collections/t").json();
      assertThat(c.get("status").asString()).isEqualTo("ready");
      assertThat(c.get("documents").asLong()).isEqualTo(3);
      for (String id : List.of("a", "b", "c")) {
        Answer d = s.get("/v1/collections/t/documents/" + id);
        assertThat(d.status()).isEqualTo(200);
        assertThat(d.json().get("title").asString()).isEqualTo("T" + id);
      }
    }
  }

  /** Commits a metadata action adding a nullable string column, as Spark's ADD COLUMNS does. */
  static void addColumn(Path table, long version, String column) throws Exception {
    Path log = table.resolve("_delta_log");
    JsonNode metadata = null;
    for (String line : Files.readAllLines(log.resolve("00000000000000000000.json"))) {
      JsonNode action = RunningService.JSON.readTree(line);
      if (action.has("metaData")) {
        metadata = action.get("metaData");
      }
    }
    tools.jackson.databind.node.ObjectNode schema =
        (tools.jackson.databind.node.ObjectNode)
            RunningService.JSON.readTree(metadata.get("schemaString").asString());
    schema
        .withArray("fields")
        .addObject()
        .put("name", column)
        .put("type", "string")
        .put("nullable", true)
        .putObject("metadata");
    tools.jackson.databind.node.ObjectNode grown =
        ((tools.jackson.databind.node.ObjectNode) metadata).deepCopy();
    grown.put("schemaString", RunningService.JSON.writeValueAsString(schema));
    String commit =
        "{\"commitInfo\":{\"timestamp\":"
            + System.currentTimeMillis()
            + ",\"operation\":\"ADD COLUMNS\"}}\n{\"metaData\":"
            + RunningService.JSON.writeValueAsString(grown)
            + "}\n";
    Files.writeString(log.resolve(String.format("%020d.json", version)), commit);
  }

  @Test
  void aTableThatVanishesTurnsHealthDownWithTheReason() throws Exception {
    Path table = dir.resolve("t");
    writeTable(table, List.of(doc("a", 1, 0, 0, 0)));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/t", external(table, 4, "id"));
      awaitStatus(s, "t", "ready");
      deleteTree(table);
      JsonNode c = awaitStatus(s, "t", "failed");
      assertThat(c.get("error").asString()).contains(table.toString());
      assertThat(
              s.get("/actuator/health")
                  .json()
                  .get("components")
                  .get("index")
                  .get("status")
                  .asString())
          .isEqualTo("DOWN");
    }
  }

  private static String tableId(Path table) {
    io.delta.kernel.engine.Engine engine = io.lakeshelf.content.storage.TableEngines.local();
    return ContentTable.open(
            engine,
            table.toString(),
            io.lakeshelf.content.table.ContentColumns.MANAGED,
            List.of(VEC4))
        .latest()
        .tableId();
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
