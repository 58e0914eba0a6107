package io.lakeshelf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest killed (SIGKILL) after some acknowledged batches and run again: resumed from its
 * checkpoint, with no document twice and none missing. And the exit codes of an unreachable service
 * (3) and of a refused batch (1).
 */
class ResumeIT {

  /** Rows of each killed ingest: 40 batches of 500, killed after the fourth. */
  static final int ROWS = 20_000;

  final TestService service = TestService.shared();

  @TempDir Path dir;

  @Test
  void aJsonlIngestKilledMidwayResumesWithoutDuplicatesOrLoss() throws Exception {
    killAndResume(TestFiles.jsonl(dir.resolve("docs.jsonl"), ROWS), "resumed", ROWS);
  }

  @Test
  void aParquetIngestKilledMidwayResumesWithoutDuplicatesOrLoss() throws Exception {
    long seed = System.nanoTime();
    System.out.println("Parquet layout seed " + seed);
    Path file = TestFiles.parquet(dir.resolve("docs.parquet"), ROWS, new Random(seed));
    killAndResume(file, "resumed-parquet", ROWS);
  }

  /**
   * Runs the real jar on {@code file}, kills it (SIGKILL) once its checkpoint shows 2,000 rows
   * acknowledged, runs it again, and checks the collection holds every row once.
   */
  private void killAndResume(Path file, String collection, int rows) throws Exception {
    Path checkpoint = dir.resolve(collection + ".checkpoint");
    service.createCollection(collection);
    List<String> args =
        List.of(
            "ingest",
            file.toString(),
            "--collection",
            collection,
            "--batch-size",
            "500",
            "--checkpoint",
            checkpoint.toString(),
            "--url",
            service.url);

    Process first = start(args, dir.resolve(collection + "-first.log"));
    long acknowledged = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged < 2_000 && first.isAlive() && System.nanoTime() < deadline) {
      acknowledged = rowsDone(checkpoint);
      Thread.sleep(5);
    }
    first.destroyForcibly();
    first.waitFor(30, TimeUnit.SECONDS);
    String firstLog = Files.readString(dir.resolve(collection + "-first.log"));
    assertThat(acknowledged).as(firstLog).isGreaterThanOrEqualTo(2_000).isLessThan(rows);
    assertThat(first.exitValue()).as("killed, not finished: " + firstLog).isNotZero();
    long killedAt = rowsDone(checkpoint);
    long committed = service.get("/v1/collections/" + collection).path("documents").asLong();
    assertThat(committed)
        .as("the service holds what was acknowledged, maybe one batch more")
        .isBetween(killedAt, killedAt + 500);

    Process second = start(args, dir.resolve(collection + "-second.log"));
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String secondLog = Files.readString(dir.resolve(collection + "-second.log"));
    assertThat(second.exitValue()).as(secondLog).isZero();
    assertThat(secondLog)
        .contains("ingest: resuming " + file.getFileName() + " at row " + killedAt + " of " + rows);
    assertThat(secondLog)
        .containsPattern(
            "ingest: done: " + rows + " rows \\(" + (rows - killedAt) + " this run\\) in ");
    assertThat(checkpoint).doesNotExist();

    assertThat(service.get("/v1/collections/" + collection).path("documents").asLong())
        .isEqualTo(rows);
    IngestIT.assertEveryIdOnce(service, collection, rows);
  }

  @Test
  void anUnreachableServiceExitsThreeAndTheIngestStaysResumable() throws Exception {
    Path file = TestFiles.jsonl(dir.resolve("few.jsonl"), 10);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun run =
        CliRun.run(
            dir,
            "ingest",
            file.toString(),
            "--collection",
            "nowhere",
            "--retries",
            "1",
            "--url",
            "http://127.0.0.1:" + port);

    assertThat(run.exit()).as(run.toString()).isEqualTo(3);
    assertThat(run.err())
        .contains("lakeshelf-cli: retrying in 0.5 s (attempt 2 of 2): UNREACHABLE");
    assertThat(run.errLines().getLast())
        .startsWith("lakeshelf-cli: error: UNREACHABLE: cannot connect to http://127.0.0.1:" + port)
        .endsWith("0 of 10 rows acknowledged; run the same command again to resume");

    CliRun collections =
        CliRun.run(dir, "collections", "--retries", "0", "--url", "http://127.0.0.1:" + port);
    assertThat(collections.exit()).isEqualTo(3);
  }

  @Test
  void aRefusedBatchExitsOneWithTheProblemAndTheLine() throws Exception {
    service.createCollection("refusing");
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file,
        """
        {"id": "a", "text": "fine", "vectors": {"body": %s}}

        {"id": "b", "text": "short vector", "vectors": {"body": [1, 2, 3]}}
        """
            .formatted(TestFiles.vectorJson(1)));

    CliRun refused =
        CliRun.run(
            dir, "ingest", file.toString(), "--collection", "refusing", "--url", service.url);
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.errLines().getLast())
        .startsWith("lakeshelf-cli: error: DIMENSION_MISMATCH: ")
        .contains("line 3 (id b): vectors.body: ")
        .endsWith("0 of 2 rows acknowledged");

    CliRun missing =
        CliRun.run(dir, "ingest", file.toString(), "--collection", "absent", "--url", service.url);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.errLines().getLast())
        .startsWith("lakeshelf-cli: error: COLLECTION_NOT_FOUND: ");

    Files.writeString(file, "{\"id\": \"x\"}\nnot json\n");
    CliRun malformed =
        CliRun.run(
            dir, "ingest", file.toString(), "--collection", "refusing", "--url", service.url);
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.errLines().getLast())
        .startsWith("lakeshelf-cli: error: INPUT: bad.jsonl: line 2: not valid JSON");

    CliRun usage = CliRun.run(dir, "ingest", file.toString(), "--url", service.url);
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err())
        .isEqualTo("lakeshelf-cli: error: USAGE: option --collection is required\n");
  }

  private static Process start(List<String> cliArgs, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(System.getProperty("lakeshelf.cli.jar"));
    command.addAll(cliArgs);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("LAKESHELF_CLI_TTY", "0");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  private static long rowsDone(Path checkpoint) {
    try {
      return Files.exists(checkpoint)
          ? ServiceClient.JSON.readTree(Files.readAllBytes(checkpoint)).path("rowsDone").asLong()
          : 0;
    } catch (IOException | RuntimeException e) {
      return 0; // replaced while read
    }
  }
}
