package io.lakeshelf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.testing.KernelRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code ingest} of 50,000 documents from a JSONL file and from a Parquet file of several row
 * groups and page sizes: the progress lines, the summary, and the collection holding each document
 * once.
 */
class IngestIT {

  static final int ROWS = 50_000;

  static final Pattern PROGRESS =
      Pattern.compile(
          "ingest: (\\d+)/" + ROWS + " rows \\((\\d+)%\\), (\\d+) rows/s, ETA (\\d+:\\d\\d|--:--)");
  static final Pattern SUMMARY =
      Pattern.compile(
          "ingest: done: "
              + ROWS
              + " rows in ([\\d.]+) s \\((\\d+) rows/s\\), tableVersion (\\d+)");

  final TestService service = TestService.shared();

  @TempDir Path dir;

  @Test
  void jsonlFileOf50000Documents() throws Exception {
    Path file = TestFiles.jsonl(dir.resolve("docs.jsonl"), ROWS);
    service.createCollection("jsonl");

    CliRun run =
        CliRun.run(dir, "ingest", file.toString(), "--collection", "jsonl", "--url", service.url);

    assertThat(run.exit()).as(run.toString()).isZero();
    checkProgress(run);
    checkCollection("jsonl");
    assertThat(Files.list(dir.resolve("lakeshelf-cli/checkpoints")))
        .as("the checkpoint is removed on success")
        .isEmpty();
  }

  @Test
  void parquetFileOf50000DocumentsInSeveralRowGroups() throws Exception {
    long seed = System.nanoTime();
    Path file = TestFiles.parquet(dir.resolve("docs.parquet"), ROWS, new Random(seed));
    service.createCollection("parquet");

    CliRun run =
        CliRun.run(dir, "ingest", file.toString(), "--collection", "parquet", "--url", service.url);

    assertThat(run.exit()).as("seed " + seed + "\n" + run).isZero();
    assertThat(run.err())
        .contains("ingest: columns that are no document field are not sent: not_a_field");
    checkProgress(run);
    checkCollection("parquet");
    JsonNode doc = document(service.get("/v1/collections/parquet/documents/d-77?include=vectors"));
    assertThat(doc.path("metadata").path("n").asLong()).isEqualTo(77);
    assertThat(doc.path("metadata").path("even").isBoolean()).isTrue();
    assertThat(doc.path("vectors").path("body").size()).isEqualTo(TestFiles.DIMENSIONS);
  }

  /** Progress lines with rows, rows/s and ETA, rising to every row, then the summary. */
  static void checkProgress(CliRun run) {
    System.out.println(run.err());
    List<Long> done = new ArrayList<>();
    for (String line : run.errLines()) {
      Matcher m = PROGRESS.matcher(line);
      if (m.matches()) {
        done.add(Long.parseLong(m.group(1)));
        assertThat(Long.parseLong(m.group(2))).isEqualTo(Long.parseLong(m.group(1)) * 100 / ROWS);
      }
    }
    assertThat(done).as(run.err()).hasSizeBetween(2, 60).isSorted();
    assertThat(done.getLast()).isEqualTo(ROWS);
    String last = run.errLines().getLast();
    assertThat(last).matches(SUMMARY);
  }

  /** The collection holds exactly the file's documents, each once. */
  void checkCollection(String name) throws Exception {
    assertThat(service.get("/v1/collections/" + name).path("documents").asLong()).isEqualTo(ROWS);
    Random random = new Random();
    for (int n = 0; n < 20; n++) {
      int i = random.nextInt(ROWS);
      JsonNode doc =
          document(service.get("/v1/collections/" + name + "/documents/" + TestFiles.id(i)));
      assertThat(doc.path("title").asString()).isEqualTo(TestFiles.title(i));
      assertThat(doc.path("text").asString()).isEqualTo(TestFiles.text(i));
    }
    int i = random.nextInt(ROWS);
    JsonNode hits =
        service
            .send(
                "POST",
                "/v1/collections/" + name + "/search",
                "{\"vector\": " + TestFiles.vectorJson(i) + ", \"k\": 3}")
            .json()
            .path("hits");
    assertThat(hits.get(0).path("id").asString()).isEqualTo(TestFiles.id(i));
    assertEveryIdOnce(service, name, ROWS);
  }

  /** The document of a {@code GET …/documents/{id}} answer. */
  static JsonNode document(JsonNode answer) {
    return answer.has("document") ? answer.path("document") : answer;
  }

  /** The table's live rows, as Delta Kernel reads them: every id of the file, none twice. */
  static void assertEveryIdOnce(TestService service, String collection, int rows) {
    var snapshot =
        ContentTable.open(
                TableEngines.local(), service.table(collection), ContentColumns.MANAGED, List.of())
            .latest();
    List<String> ids = new ArrayList<>();
    KernelRows.read(snapshot, List.of(ContentColumns.MANAGED.id()))
        .values()
        .forEach(r -> ids.add((String) r.get(ContentColumns.MANAGED.id())));
    Set<String> unique = new HashSet<>(ids);
    assertThat(ids).as("live rows").hasSize(rows);
    assertThat(unique).as("distinct ids").hasSize(rows);
    for (int i = 0; i < rows; i++) {
      assertThat(unique.contains(TestFiles.id(i))).as(TestFiles.id(i)).isTrue();
    }
  }
}
