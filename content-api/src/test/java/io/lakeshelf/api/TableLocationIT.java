package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A table is served wherever it lies: under a directory whose name holds {@code %}, {@code #},
 * {@code ?}, {@code ;} and spaces, given as a plain path or as a percent-encoded {@code file:} URI,
 * every document is found by search and by id with its row. A {@code file:} URI whose {@code #} or
 * {@code ?} is not encoded, or that is malformed, answers 400 naming the character instead of
 * serving another directory.
 */
class TableLocationIT {

  private static final String NAME = "q3 #1 50% ?;v=2";

  @TempDir Path dir;

  /** The Spark fixture's collection at this location, the location JSON-escaped. */
  private static String spark(String location) {
    return SparkTableIT.externalCollection(Path.of("PLACEHOLDER"))
        .replace("\"PLACEHOLDER\"", RunningService.JSON.writeValueAsString(location));
  }

  private static String firstQueryVector() throws Exception {
    String line =
        Files.readAllLines(Fixtures.root().resolve("spark-content-table/expected/queries.jsonl"))
            .get(0);
    return RunningService.JSON.readTree(line).get("vector").toString();
  }

  @Test
  void aTableUnderAnyDirectoryNameIsServedWithEveryRow() throws Exception {
    Path parent = Files.createDirectories(dir.resolve(NAME));
    Path table = Fixtures.copy("spark-content-table/table", parent);
    String plain = table.toString();
    String uri = table.toUri().toString();
    assertThat(uri).contains("%23").contains("%25").contains("%3F");
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      for (String[] c : new String[][] {{"plain", plain}, {"uri", uri}}) {
        Answer put = s.send("PUT", "/v1/collections/" + c[0], spark(c[1]));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        JsonNode ready = ExternalTableIT.awaitStatus(s, c[0], "ready");
        assertThat(ready.get("documents").asLong()).isEqualTo(384);
        assertThat(ready.get("table").asString()).isEqualTo(plain);

        JsonNode hits =
            s.send(
                    "POST",
                    "/v1/collections/" + c[0] + "/search",
                    "{\"vector\": " + firstQueryVector() + ", \"k\": 1000}")
                .json()
                .get("hits");
        assertThat(hits.size()).as(c[1]).isEqualTo(384);
        for (JsonNode hit : hits) {
          assertThat(hit.get("document").get("title").isNull()).as(hit.toString()).isFalse();
        }
        String id = hits.get(0).get("id").asString();
        Answer byId = s.get("/v1/collections/" + c[0] + "/documents/" + id);
        assertThat(byId.status()).as(byId.body()).isEqualTo(200);
        assertThat(byId.json().get("text").asString())
            .isEqualTo(hits.get(0).get("document").get("text").asString());
      }
    }
  }

  @Test
  void aFileUriThatWouldNameAnotherDirectoryAnswers400NamingTheCharacter() throws Exception {
    Path table =
        Fixtures.copy("spark-content-table/table", Files.createDirectories(dir.resolve("a")));
    try (RunningService s = RunningService.start(dir.resolve("data"))) {
      String base = table.getParent().toUri().toString();
      for (String[] c :
          new String[][] {
            {base + "#b/table", "'#'"},
            {base + "?b/table", "'?'"},
            {base + "%zz/table", "%25"},
            {"file://elsewhere/data/table", "elsewhere"},
            {table + "\u0000", "NUL"}
          }) {
        Answer a = s.send("PUT", "/v1/collections/x", spark(c[0]));
        assertThat(a.status()).as(c[0] + ": " + a.body()).isEqualTo(400);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
        assertThat(a.json().get("detail").asString()).contains(c[1]);
      }
      assertThat(s.get("/v1/collections/x").status()).isEqualTo(404);
    }
  }
}
