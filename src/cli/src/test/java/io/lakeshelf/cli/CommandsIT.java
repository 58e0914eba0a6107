package io.lakeshelf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.cli.client.ServiceClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code reindex --wait}, {@code collections} and {@code search} on a collection of 20,000. */
class CommandsIT {

  static final int ROWS = 20_000;
  static final String NAME = "commands";

  static final TestService service = TestService.shared();

  @TempDir static Path dir;

  @BeforeAll
  static void ingest() throws Exception {
    service.createCollection(NAME);
    Path file = TestFiles.jsonl(dir.resolve("docs.jsonl"), ROWS);
    CliRun run =
        CliRun.run(dir, "ingest", file.toString(), "--collection", NAME, "--url", service.url);
    assertThat(run.exit()).as(run.toString()).isZero();
  }

  @Test
  void reindexWaitShowsTheJobsProgressToTheEnd() {
    CliRun run = CliRun.run(dir, "reindex", NAME, "--wait", "--url", service.url);

    assertThat(run.exit()).as(run.toString()).isZero();
    Pattern progress =
        Pattern.compile(
            "reindex: (\\d+)/"
                + ROWS
                + " rows \\((\\d+)%\\), (\\d+) rows/s, ETA (\\d+:\\d\\d|--:--)");
    List<Long> done = new ArrayList<>();
    for (String line : run.errLines()) {
      Matcher m = progress.matcher(line);
      if (m.matches()) {
        done.add(Long.parseLong(m.group(1)));
      }
    }
    // 10,000 rows a second (the test service's throttle), polled every 0.5 s: several steps.
    assertThat(done).as(run.err()).hasSizeGreaterThanOrEqualTo(2).isSorted();
    assertThat(done.getLast()).isEqualTo(ROWS);
    String jobId = run.out().strip();
    assertThat(run.errLines().getLast())
        .matches(
            "reindex: succeeded: "
                + ROWS
                + " rows in [\\d.]+ s \\(\\d+ rows/s\\), tableVersion \\d+,"
                + " job "
                + Pattern.quote(jobId));
    assertThat(service.get("/v1/admin/jobs/" + jobId).path("state").asString())
        .isEqualTo("succeeded");
  }

  @Test
  void aCancelledReindexExitsFour() throws Exception {
    CliRun[] result = new CliRun[1];
    Thread cli =
        new Thread(
            () -> result[0] = CliRun.run(dir, "reindex", NAME, "--wait", "--url", service.url));
    cli.start();
    String running = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (running == null && System.nanoTime() < deadline) {
      for (JsonNode job : service.get("/v1/admin/jobs").path("jobs")) {
        if (job.path("state").asString().equals("running") && job.path("rowsDone").asLong() > 0) {
          running = job.path("id").asString();
        }
      }
      Thread.sleep(20);
    }
    assertThat(running).isNotNull();
    assertThat(service.send("DELETE", "/v1/admin/jobs/" + running, null).status()).isLessThan(300);
    cli.join(30_000);

    assertThat(result[0].exit()).as(result[0].toString()).isEqualTo(4);
    assertThat(result[0].errLines().getLast())
        .startsWith(
            "lakeshelf-cli: error: JOB_CANCELLED: reindex job "
                + running
                + " of commands cancelled");
  }

  @Test
  void collectionsListsAndShows() {
    CliRun list = CliRun.run(dir, "collections", "--url", service.url);
    assertThat(list.exit()).as(list.toString()).isZero();
    List<String> lines = list.out().lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly(
            "NAME", "MODE", "STATUS", "DOCUMENTS", "TABLE_VERSION", "INDEXED_VERSION", "LAG");
    String row = lines.stream().filter(l -> l.startsWith(NAME + " ")).findFirst().orElseThrow();
    String[] cells = row.split("\\s+");
    assertThat(cells[1]).isEqualTo("managed");
    assertThat(cells[3]).isEqualTo(String.valueOf(ROWS));
    assertThat(cells[4]).isEqualTo(cells[5]);
    assertThat(cells[6]).isEqualTo("0");

    CliRun one = CliRun.run(dir, "collections", NAME, "--url", service.url);
    assertThat(one.exit()).as(one.toString()).isZero();
    assertThat(one.out())
        .containsPattern("(?m)^name: +commands$")
        .containsPattern("(?m)^documents: +" + ROWS + "$")
        .containsPattern("(?m)^lag: +0 versions$")
        .containsPattern("(?m)^vector: +body: 8 dims, cosine");

    CliRun json = CliRun.run(dir, "collections", "--json", "--url", service.url);
    assertThat(ServiceClient.JSON.readTree(json.out()).path("collections").isArray()).isTrue();

    CliRun absent = CliRun.run(dir, "collections", "absent", "--url", service.url);
    assertThat(absent.exit()).isEqualTo(1);
    assertThat(absent.err()).startsWith("lakeshelf-cli: error: COLLECTION_NOT_FOUND: ");
  }

  @Test
  void searchPrintsHitsOrJson() {
    CliRun vector =
        CliRun.run(
            dir,
            "search",
            "--collection",
            NAME,
            "--vector",
            TestFiles.vectorJson(7),
            "--k",
            "3",
            "--url",
            service.url);
    assertThat(vector.exit()).as(vector.toString()).isZero();
    List<String> lines = vector.out().lines().toList();
    assertThat(lines.get(0)).matches("  1\\. 1\\.0000  d-7  Document 7");
    assertThat(lines.get(1).strip()).isEqualTo(TestFiles.text(7));
    assertThat(lines.getLast()).matches("3 hits \\(tableVersion \\d+, \\d+ ms\\)");

    CliRun keyword =
        CliRun.run(
            dir,
            "search",
            "--collection",
            NAME,
            "--mode",
            "keyword",
            "--text",
            "row 1234",
            "--filter",
            "{\"field\": \"metadata.n\", \"lt\": 2000}",
            "--json",
            "--url",
            service.url);
    assertThat(keyword.exit()).as(keyword.toString()).isZero();
    JsonNode hits = ServiceClient.JSON.readTree(keyword.out()).path("hits");
    assertThat(hits.get(0).path("id").asString()).isEqualTo("d-1234");
    hits.forEach(
        h -> assertThat(h.path("document").path("metadata").path("n").asLong()).isLessThan(2000));

    CliRun badFilter =
        CliRun.run(
            dir,
            "search",
            "--collection",
            NAME,
            "--text",
            "x",
            "--mode",
            "keyword",
            "--filter",
            "{\"field\": \"metadata.n\", \"lt\": []}",
            "--url",
            service.url);
    assertThat(badFilter.exit()).isEqualTo(1);
    assertThat(badFilter.err()).startsWith("lakeshelf-cli: error: INVALID_FILTER: ");
  }

  @Test
  void helpAndUsage() {
    CliRun help = CliRun.run(dir, "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("ingest FILE --collection NAME", "Exit codes:");
    CliRun ingestHelp = CliRun.run(dir, "ingest", "--help");
    assertThat(ingestHelp.out()).contains("--batch-size N", "--restart", "--url URL");
    CliRun unknown = CliRun.run(dir, "frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err())
        .startsWith("lakeshelf-cli: error: USAGE: unknown command 'frobnicate'");
    CliRun badOption = CliRun.run(dir, "search", "--colection", "x");
    assertThat(badOption.exit()).isEqualTo(2);
    assertThat(badOption.err())
        .isEqualTo("lakeshelf-cli: error: USAGE: unknown option --colection\n");
  }
}
