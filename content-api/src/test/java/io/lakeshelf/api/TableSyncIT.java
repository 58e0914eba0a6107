package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service follows a table's log while others write it: each commit becomes visible within a few
 * sync intervals, with nothing stale and nothing twice.
 */
class TableSyncIT {

  @TempDir Path dir;

  /**
   * Spark's own history, replayed commit by commit: the table is copied at version 1, and the later
   * commits (appends, a DELETE written as deletion vectors, an UPDATE) are put back one at a time,
   * as if Spark were committing them now.
   */
  @Test
  void followsSparksAppendsDeletesAndUpdates() throws Exception {
    Path table = Fixtures.copy("spark-content-table/table", dir);
    Path log = table.resolve("_delta_log");
    Path held = Files.createDirectories(dir.resolve("held-back"));
    try (Stream<Path> files = Files.list(log)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.equals("_last_checkpoint") || version(name) > 1) {
          Files.move(f, held.resolve(name));
        }
      }
    }
    ContentTable truth =
        ContentTable.open(
            io.lakeshelf.content.storage.TableEngines.local(),
            table.toString(),
            new ContentColumns("doc_id", "title", "body", null, null, null),
            List.of(new VectorSpec("body", "body_embedding", 16, Similarity.COSINE)));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/spark", SparkTableIT.externalCollection(table));
      SparkTableIT.waitUntilIndexed(s, "spark");
      Map<String, String> before = liveTitles(truth.at(TableVersion.of(1)));
      assertServes(s, 1, before, Set.of());
      for (long v = 2; v <= 6; v++) {
        try (Stream<Path> files = Files.list(held)) {
          for (Path f : files.toList()) {
            if (version(f.getFileName().toString()) == v) {
              Files.copy(
                  f, log.resolve(f.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
          }
        }
        awaitIndexed(s, v);
        Map<String, String> now = liveTitles(truth.at(TableVersion.of(v)));
        Set<String> gone = new HashSet<>(before.keySet());
        gone.removeAll(now.keySet());
        if (v == 5) {
          assertThat(gone).as("the DELETE at version 5 removes rows").isNotEmpty();
        }
        assertServes(s, v, now, gone);
        before = now;
      }
    }
  }

  /** A second writer (another Lakeshelf process, say) appends to and compacts a managed table. */
  @Test
  void followsAnotherWritersAppendAndCompaction() throws Exception {
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      s.send("PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION);
      s.send("POST", "/v1/collections/articles/documents", LakeshelfServiceIT.THREE_DOCS);
      String location = s.get("/v1/collections/articles").json().get("table").asString();
      ContentTable other =
          ContentTable.createManaged(
              io.lakeshelf.content.storage.TableEngines.local(),
              location,
              List.of(new VectorSpec("body", "body_embedding", 3, Similarity.COSINE)));
      other.upsert(
          List.of(
              new io.lakeshelf.content.Document(
                  "doc-4",
                  "Seas",
                  "Seas are big.",
                  null,
                  Map.of("body", new float[] {0.5f, 0.5f, 0.5f}),
                  null,
                  null)),
          new io.lakeshelf.content.table.ScanningRowFinder(other));
      awaitIndexed(s, 2);
      assertThat(s.get("/v1/collections/articles/documents/doc-4").json().get("title").asString())
          .isEqualTo("Seas");

      long compacted = other.compact().version().value();
      assertThat(other.latest().liveFiles()).hasSize(1);
      awaitIndexed(s, compacted);
      Answer c = s.get("/v1/collections/articles");
      assertThat(c.json().get("documents").asLong()).isEqualTo(4);
      Answer all =
          s.send("POST", "/v1/collections/articles/search", "{\"vector\": [1, 1, 1], \"k\": 10}");
      List<String> ids = new java.util.ArrayList<>();
      all.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
      assertThat(ids).containsExactlyInAnyOrder("doc-1", "doc-2", "doc-3", "doc-4");
      LiveFile only = other.latest().liveFiles().values().iterator().next();
      for (String id : ids) {
        Answer doc = s.get("/v1/collections/articles/documents/" + id);
        assertThat(doc.status()).isEqualTo(200);
      }
      assertThat(only.path()).isNotBlank();
    }
  }

  private static long version(String logFile) {
    String digits = logFile.length() >= 20 ? logFile.substring(0, 20) : "";
    return digits.chars().allMatch(Character::isDigit) && !digits.isEmpty()
        ? Long.parseLong(digits)
        : -1;
  }

  static void awaitIndexed(RunningService s, long version) throws Exception {
    for (int i = 0; i < 300; i++) {
      Answer c = s.get(s.port > 0 ? "/v1/collections/" + firstCollection(s) : "");
      if (c.json().get("indexedVersion").asLong() >= version) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("index never reached version " + version);
  }

  private static String firstCollection(RunningService s) throws Exception {
    return s.get("/v1/collections").json().get("collections").get(0).get("name").asString();
  }

  private static Map<String, String> liveTitles(TableSnapshot snapshot) throws Exception {
    Map<String, String> titles = new HashMap<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      snapshot.readRows(
          f,
          List.of("doc_id", "title"),
          b -> {
            for (int i = 0; i < b.getData().getSize(); i++) {
              if (b.getSelectionVector().isEmpty() || b.getSelectionVector().get().getBoolean(i)) {
                titles.put(
                    b.getData().getColumnVector(0).getString(i),
                    b.getData().getColumnVector(1).getString(i));
              }
            }
          });
    }
    return titles;
  }

  private static void assertServes(
      RunningService s, long version, Map<String, String> live, Set<String> gone) throws Exception {
    Answer c = s.get("/v1/collections/spark");
    assertThat(c.json().get("indexedVersion").asLong()).isEqualTo(version);
    assertThat(c.json().get("documents").asLong())
        .as("rows at version " + version)
        .isEqualTo(live.size());
    for (Map.Entry<String, String> e : live.entrySet()) {
      Answer doc = s.get("/v1/collections/spark/documents/" + e.getKey());
      assertThat(doc.status()).as(e.getKey() + " at version " + version).isEqualTo(200);
      assertThat(doc.json().get("title").asString())
          .as("title of " + e.getKey())
          .isEqualTo(e.getValue());
    }
    for (String id : gone) {
      assertThat(s.get("/v1/collections/spark/documents/" + id).status())
          .as(id + " deleted")
          .isEqualTo(404);
    }
    // Nothing twice: a large search returns each id once.
    Answer all =
        s.send(
            "POST",
            "/v1/collections/spark/search",
            "{\"vector\": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], \"k\": 1000, \"include\": []}");
    List<String> ids = new java.util.ArrayList<>();
    all.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(live.keySet());
  }
}
