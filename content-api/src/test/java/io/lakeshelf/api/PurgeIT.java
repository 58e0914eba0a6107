package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lakeshelf deletes only what it created. A managed table lies under the data directory or a
 * configured managed root, never in a directory a client names; purge deletes the files the table's
 * log names and the log, and a foreign file inside the table's directory, beside it or in the
 * collection's directory survives, with the directories that hold it.
 */
class PurgeIT {

  @TempDir Path dir;

  private static final String VECTORS = "\"vectors\": {\"body\": {\"dimensions\": 3}}";

  @Test
  void purgeDeletesTheTablesOwnFilesAndNothingElse() throws Exception {
    Path data = dir.resolve("data");
    try (RunningService s = RunningService.start(data)) {
      assertThat(s.send("PUT", "/v1/collections/c", "{" + VECTORS + "}").status()).isEqualTo(201);
      write(s, "c");
      Path table = Path.of(s.get("/v1/collections/c").json().get("table").asString());
      Path inside = Files.writeString(table.resolve("notes.txt"), "mine");
      Path nested =
          Files.writeString(
              Files.createDirectories(table.resolve("foreign")).resolve("x.parquet"), "mine");
      Path beside = Files.writeString(table.getParent().resolve("beside.txt"), "mine");
      assertThat(parquetFilesOfTheLog(table)).isNotEmpty();

      assertThat(s.send("DELETE", "/v1/collections/c?purge=true", null, null).status())
          .isEqualTo(204);
      assertThat(s.get("/v1/collections/c").status()).isEqualTo(404);
      assertThat(inside).hasContent("mine");
      assertThat(nested).hasContent("mine");
      assertThat(beside).hasContent("mine");
      assertThat(table.resolve("_delta_log")).doesNotExist();
      try (Stream<Path> left = Files.walk(table)) {
        assertThat(left.filter(p -> p.toString().endsWith(".parquet")).toList())
            .containsExactly(nested);
      }
      // The name can be used again: a new, empty table.
      assertThat(s.send("PUT", "/v1/collections/c", "{" + VECTORS + "}").status()).isEqualTo(201);
      assertThat(s.get("/v1/collections/c").json().get("documents").asLong()).isZero();
    }
  }

  @Test
  void aManagedTableOnlyUnderTheDataDirectoryOrAManagedRoot() throws Exception {
    Path data = dir.resolve("data");
    Path roots = Files.createDirectories(dir.resolve("roots"));
    Path foreign = Files.createDirectories(dir.resolve("home/user/documents"));
    Path precious = Files.writeString(foreign.resolve("thesis.docx"), "years of work");
    try (RunningService s =
        RunningService.start(data, "--lakeshelf.storage.managed-roots=" + roots)) {
      for (String refused :
          List.of(
              foreign.toString(),
              foreign.toUri().toString(),
              roots.toString(),
              data.resolve("collections/other/table").toString(),
              dir.toString())) {
        Answer a =
            s.send(
                "PUT",
                "/v1/collections/c",
                "{\"table\": "
                    + RunningService.JSON.writeValueAsString(refused)
                    + ", "
                    + VECTORS
                    + "}");
        assertThat(a.status()).as(refused + ": " + a.body()).isEqualTo(400);
        assertThat(a.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
      }
      assertThat(s.get("/v1/collections/c").status()).isEqualTo(404);
      assertThat(precious).hasContent("years of work");

      Path table = roots.resolve("team/articles");
      Answer created =
          s.send(
              "PUT",
              "/v1/collections/c",
              "{\"table\": "
                  + RunningService.JSON.writeValueAsString(table.toString())
                  + ", "
                  + VECTORS
                  + "}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      write(s, "c");
      Path beside = Files.writeString(roots.resolve("team/readme.txt"), "mine");
      assertThat(s.send("DELETE", "/v1/collections/c?purge=true", null, null).status())
          .isEqualTo(204);
      assertThat(table).doesNotExist();
      assertThat(beside).hasContent("mine");
      assertThat(roots).isDirectory();
    }
  }

  /** Upserts, replaces and deletes, so the log names live files and removed ones. */
  private static void write(RunningService s, String name) throws Exception {
    for (int round = 0; round < 3; round++) {
      Answer a =
          s.send(
              "POST",
              "/v1/collections/" + name + "/documents",
              """
              {"documents": [{"id": "a", "text": "a%d", "vectors": {"body": [1, 0, %d]}},
                             {"id": "b%d", "text": "b", "vectors": {"body": [0, 1, 0]}}]}\
              """
                  .formatted(round, round, round));
      assertThat(a.status()).as(a.body()).isEqualTo(200);
    }
    assertThat(s.send("DELETE", "/v1/collections/" + name + "/documents/b0", null, null).status())
        .isEqualTo(200);
  }

  private static List<Path> parquetFilesOfTheLog(Path table) throws Exception {
    try (Stream<Path> files = Files.walk(table)) {
      return files
          .filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log"))
          .toList();
    }
  }
}
