package io.lakeshelf.index.crash;

import static io.lakeshelf.index.crash.CrashingWriter.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.ScanningRowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.SyncResult;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.VectorQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM ({@link CrashingWriter}) while it writes a table and its index, then
 * checks in this JVM that what it left behind reopens to a consistent state: the table holds
 * exactly its committed versions, and the index, once synced, holds exactly the table's live rows
 * at their true locations.
 *
 * <p>Every wait on the child is bounded by {@link #WAIT}; the child is killed in a finally block
 * whatever happens. No assertion depends on how fast anything runs: the random delays only move the
 * moment of a kill. The tests' own timeouts are a backstop; a long soak ({@code
 * -Dlakeshelf.crash.extraRounds}) needs {@code -Djunit.jupiter.execution.timeout.mode=disabled}.
 */
class CrashConsistencyIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private ExecutorService executor;

  @BeforeEach
  void startExecutor() {
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killedBetweenDataFilesAndCommitLeavesTheTableAsBeforeTheBatch() throws Exception {
    Path data = dir.resolve("data");
    long firstVersion;
    List<String> written = new ArrayList<>();
    try (Child child =
        Child.start(dir, "kill-before-commit", "kill-before-commit", data.toString())) {
      firstVersion =
          Long.parseLong(child.expectLine("committed ").substring("committed ".length()));
      int status = child.awaitExit();
      assertThat(status).as("exit status of %s", child).isEqualTo(CrashingWriter.HALT_STATUS);
      for (String line : child.remainingLines()) {
        assertThat(line).as("output of %s", child).startsWith("written ");
        written.add(line.substring("written ".length()));
      }
    }
    // The batch replaces rows of the first batch's file: a new file and a rewrite of the old one.
    assertThat(written).as("data files the halted write reported").hasSize(2);

    ContentTable table = CrashingWriter.openTable(data);
    TableSnapshot snapshot = table.latest();
    assertThat(snapshot.version())
        .as("latest table version after the halted write")
        .isEqualTo(TableVersion.of(firstVersion));

    // The live rows are the first batch, whole, with its vectors: nothing of the second batch.
    Map<String, LiveRow> rows = readLiveRows(snapshot);
    Map<String, Document> expected = new TreeMap<>();
    CrashingWriter.firstBatch().forEach(d -> expected.put(d.id(), d));
    assertThat(new TreeSet<>(rows.keySet())).containsExactlyElementsOf(expected.keySet());
    for (Document want : expected.values()) {
      LiveRow got = rows.get(want.id());
      assertThat(got.title()).as(want.id()).isEqualTo(want.title());
      assertThat(got.text()).as(want.id()).isEqualTo(want.text());
      assertThat(got.vector()).as(want.id()).containsExactly(want.vectors().get(SPEC.name()));
    }
    // A full scan by id finds each row where Kernel read it.
    assertThat(new ScanningRowFinder(table).find(rows.keySet(), snapshot.version()))
        .isEqualTo(locators(rows));

    // The halted write did write its files: they are on disk, and the table does not reference
    // them.
    Path tableDir = CrashingWriter.tableDir(data);
    Set<Path> live =
        snapshot.liveFiles().keySet().stream()
            .map(p -> resolve(tableDir, p))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<Path> orphans = new TreeSet<>(parquetDataFiles(tableDir));
    orphans.removeAll(live);
    assertThat(orphans)
        .as("parquet files on disk that version %s does not reference", snapshot.version())
        .isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(
            written.stream().map(p -> resolve(tableDir, p)).toList());

    // The index the child committed after the first batch reopens at that version and matches.
    try (VectorIndex index = VectorIndex.open(CrashingWriter.indexDir(data), SPEC)) {
      assertThat(index.version()).isEqualTo(TableVersion.of(firstVersion));
      SyncResult sync = sync(index, table);
      assertThat(sync.rebuilt()).isFalse();
      List<String> secondBatchIds =
          CrashingWriter.secondBatch().stream().map(Document::id).toList();
      assertIndexMatchesTable(
          "after the halted write", index, table, secondBatchIds, new Random(firstVersion));
    }
  }

  /**
   * Kills the ingesting child several times, each time continuing from what the last one left, and
   * checks after each kill that the table and the index reopen to a consistent state. {@code
   * -Dlakeshelf.crash.seed=N} replays a run; {@code -Dlakeshelf.crash.extraRounds=N} adds N rounds
   * of random kills, for soaking.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void killedWhileIndexingRestartsToACorrectIndex() throws Exception {
    long seed = Long.getLong("lakeshelf.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    // How many commits to wait for before each kill, and whether to kill at once (most likely
    // while the next batch is being prepared) or after a random part of a commit interval (most
    // likely in the middle of writing data files, the Delta commit or the index commit).
    record Kill(int commits, boolean delayed) {}
    List<Kill> plan =
        new ArrayList<>(
            List.of(
                new Kill(3, false),
                new Kill(2, true),
                new Kill(7, true),
                new Kill(1, false),
                new Kill(4, true),
                new Kill(5, true)));
    for (int i = Integer.getInteger("lakeshelf.crash.extraRounds", 0); i > 0; i--) {
      plan.add(new Kill(1 + random.nextInt(8), random.nextInt(4) != 0));
    }
    for (int round = 0; round < plan.size(); round++) {
      Kill kill = plan.get(round);
      String what = "round " + round + " " + kill + " (seed " + seed + ")";
      long lastReported = -1;
      long childSeed = random.nextLong();
      try (Child child =
          Child.start(
              dir,
              "ingest-" + round,
              "ingest-forever",
              data.toString(),
              Long.toString(childSeed))) {
        child.expectLine("ready ");
        long previous = System.nanoTime();
        long intervals = 0;
        for (int c = 0; c < kill.commits(); c++) {
          String line = child.expectLine("committed ");
          lastReported = Long.parseLong(line.substring("committed ".length()));
          long now = System.nanoTime();
          intervals += now - previous;
          previous = now;
        }
        if (kill.delayed()) {
          long meanInterval = intervals / kill.commits();
          long delay = (long) (random.nextDouble() * Math.min(meanInterval, 5_000_000_000L));
          Thread.sleep(Duration.ofNanos(delay));
        }
        child.kill();
        System.out.printf(
            "%s: killed %s after version %d was reported%n", what, child, lastReported);
      }

      // Everything reported before the kill is durable, in the table and in the index.
      ContentTable table = CrashingWriter.openTable(data);
      TableVersion tableVersion = table.latest().version();
      assertThat(tableVersion.value()).as(what).isGreaterThanOrEqualTo(lastReported);
      try (VectorIndex index = VectorIndex.open(CrashingWriter.indexDir(data), SPEC)) {
        TableVersion reopenedAt = index.version();
        assertThat(reopenedAt.value()).as(what).isGreaterThanOrEqualTo(lastReported);
        assertThat(reopenedAt).as(what).isLessThanOrEqualTo(tableVersion);
        SyncResult sync = sync(index, table);
        System.out.printf(
            "%s: table at %s, index reopened at %s, sync %s%n",
            what, tableVersion, reopenedAt, sync);
        assertThat(sync.rebuilt()).as(what + ": the index was rebuilt, not resumed").isFalse();
        assertIndexMatchesTable(what, index, table, CrashingWriter.allIds(), random);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private SyncResult sync(VectorIndex index, ContentTable table) throws IOException {
    return index.syncTo(table.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);
  }

  /**
   * Checks that the index reflects the table's latest version exactly: the same live ids at the
   * same locators as a full scan, no other rows (none for {@code otherIds} that are not live), and
   * each of a few sampled rows found first by its own vector.
   */
  private static void assertIndexMatchesTable(
      String what,
      VectorIndex index,
      ContentTable table,
      Collection<String> otherIds,
      Random random)
      throws IOException {
    TableSnapshot snapshot = table.latest();
    String at = what + ", table version " + snapshot.version();
    Map<String, LiveRow> rows = readLiveRows(snapshot);
    Map<String, java.util.List<RowLocator>> scanned =
        new ScanningRowFinder(table).find(rows.keySet(), snapshot.version());
    assertThat(scanned).as("%s: full scan vs rows read", at).isEqualTo(locators(rows));
    assertThat(index.version()).as("%s: index version", at).isEqualTo(snapshot.version());
    assertThat(index.rowCount()).as("%s: index rows vs live rows", at).isEqualTo(rows.size());
    try (VectorIndex.View view = index.acquire()) {
      assertThat(view.version()).as("%s: view version", at).isEqualTo(snapshot.version());
      assertThat(view.rowCount()).as("%s: view rows vs live rows", at).isEqualTo(rows.size());
      assertThat(view.find(rows.keySet()))
          .as("%s: index locators of the live ids vs a full scan", at)
          .isEqualTo(scanned);
      Set<String> asked = new HashSet<>(otherIds);
      asked.addAll(rows.keySet());
      assertThat(view.find(asked))
          .as("%s: index locators of every id ever written vs a full scan", at)
          .isEqualTo(scanned);
      List<String> ids = new ArrayList<>(new TreeSet<>(rows.keySet()));
      for (int i = 0; i < Math.min(5, ids.size()); i++) {
        String id = ids.get(random.nextInt(ids.size()));
        List<SearchHit> hits = view.search(VectorQuery.of(rows.get(id).vector(), 1));
        assertThat(hits).as("%s: search for the vector of %s", at, id).isNotEmpty();
        assertThat(hits.get(0).id()).as("%s: search for the vector of %s", at, id).isEqualTo(id);
        assertThat(hits.get(0).locator())
            .as("%s: locator of the hit for %s", at, id)
            .isEqualTo(scanned.get(id).get(0));
      }
    }
  }

  /** A live row as the table holds it: the parts these tests check. */
  private record LiveRow(
      String id, String title, String text, float[] vector, RowLocator locator) {}

  /**
   * Every live row of the snapshot, read with Delta Kernel (deletion vectors applied), failing on
   * an id that is live in more than one row.
   */
  private static Map<String, LiveRow> readLiveRows(TableSnapshot snapshot) throws IOException {
    ContentColumns c = ContentColumns.MANAGED;
    Map<String, LiveRow> rows = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (LiveFile file : snapshot.liveFiles().values()) {
      snapshot.readRows(
          file,
          List.of(c.id(), c.title(), c.text(), SPEC.column()),
          batch -> {
            ColumnarBatch b = batch.getData();
            ColumnVector ids = b.getColumnVector(0);
            ColumnVector titles = b.getColumnVector(1);
            ColumnVector texts = b.getColumnVector(2);
            ColumnVector vectors = b.getColumnVector(3);
            ColumnVector rowIndexes = b.getColumnVector(4);
            for (int i = 0; i < b.getSize(); i++) {
              if (batch.getSelectionVector().isPresent()
                  && (batch.getSelectionVector().get().isNullAt(i)
                      || !batch.getSelectionVector().get().getBoolean(i))) {
                continue;
              }
              ArrayValue array = vectors.getArray(i);
              float[] v = new float[array.getSize()];
              for (int j = 0; j < v.length; j++) {
                v[j] = array.getElements().getFloat(j);
              }
              LiveRow row =
                  new LiveRow(
                      ids.getString(i),
                      titles.isNullAt(i) ? null : titles.getString(i),
                      texts.isNullAt(i) ? null : texts.getString(i),
                      v,
                      new RowLocator(file.path(), rowIndexes.getLong(i)));
              if (rows.put(row.id(), row) != null) {
                duplicates.add(row.id());
              }
            }
          });
    }
    assertThat(duplicates).as("ids live in more than one row at %s", snapshot.version()).isEmpty();
    return rows;
  }

  private static Map<String, java.util.List<RowLocator>> locators(Map<String, LiveRow> rows) {
    Map<String, java.util.List<RowLocator>> locators = new HashMap<>();
    rows.forEach((id, row) -> locators.put(id, java.util.List.of(row.locator())));
    return locators;
  }

  /** The Parquet files under a table's root, outside its log. */
  private static List<Path> parquetDataFiles(Path tableDir) throws IOException {
    try (Stream<Path> files = Files.walk(tableDir)) {
      return files
          .filter(p -> !tableDir.relativize(p).startsWith("_delta_log"))
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .map(p -> p.toAbsolutePath().normalize())
          .toList();
    }
  }

  /** A data file path as the Delta log or the Parquet writer names it, as a local path. */
  private static Path resolve(Path tableDir, String path) {
    if (path.startsWith("file:")) {
      return Path.of(URI.create(path)).toAbsolutePath().normalize();
    }
    Path p = Path.of(URI.create(path).getPath()); // log paths are URI-encoded
    return (p.isAbsolute() ? p : tableDir.resolve(p)).toAbsolutePath().normalize();
  }

  /**
   * A {@link CrashingWriter} in a child JVM, its stdout read line by line, its stderr in a file.
   */
  private static final class Child implements AutoCloseable {

    private static final String EOF = new String("<end of output>");

    private final String name;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private Child(String name, Process process, Path stderr) {
      this.name = name;
      this.process = process;
      this.stderr = stderr;
      this.reader = Thread.ofPlatform().daemon().name("stdout of " + name).start(this::readOutput);
    }

    static Child start(Path logDir, String name, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      // A child lives a few seconds, most of them starting up: the client compiler alone and the
      // serial collector start it sooner and leave the other core to the rest of the build.
      // Without C2 Lucene takes its scalar code paths rather than the vector incubator's; what is
      // written, and where a kill lands among the writes, does not depend on either.
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-XX:+UseSerialGC");
      command.add("--add-modules");
      command.add("jdk.incubator.vector");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(CrashingWriter.class.getName());
      command.addAll(List.of(args));
      Path stderr = logDir.resolve(name + ".stderr.log");
      Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      process.getOutputStream().close(); // the child reads no input
      return new Child(name, process, stderr);
    }

    private void readOutput() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The child died with the pipe open: its output ends here.
      } finally {
        lines.add(EOF);
      }
    }

    /** The next line of output, which must start with {@code prefix}, within {@link #WAIT}. */
    String expectLine(String prefix) throws InterruptedException {
      return expectLine(l -> l.startsWith(prefix), "a line starting with '" + prefix + "'");
    }

    private String expectLine(Predicate<String> wanted, String description)
        throws InterruptedException {
      String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        fail("%s printed nothing within %s; expected %s%s", this, WAIT, description, stderrTail());
      }
      if (line == EOF) {
        lines.add(EOF);
        fail("%s ended its output; expected %s%s", this, description, stderrTail());
      }
      if (!wanted.test(line)) {
        fail("%s printed '%s'; expected %s%s", this, line, description, stderrTail());
      }
      return line;
    }

    /** Waits for the child to exit by itself, within {@link #WAIT}; its exit status. */
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("%s did not exit within %s%s", this, WAIT, stderrTail());
      }
      return process.exitValue();
    }

    /** The lines not read yet, once the child has exited. */
    List<String> remainingLines() throws InterruptedException {
      reader.join(WAIT.toMillis());
      List<String> rest = new ArrayList<>();
      lines.drainTo(rest);
      rest.removeIf(l -> l == EOF);
      return rest;
    }

    /** Kills the child with SIGKILL (no shutdown hooks run) and waits for it to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("%s survived destroyForcibly for %s", this, WAIT);
      }
    }

    private String stderrTail() {
      try {
        String all = Files.readString(stderr, StandardCharsets.UTF_8);
        return "\n--- stderr of "
            + name
            + " (tail) ---\n"
            + all.substring(Math.max(0, all.length() - 6000));
      } catch (IOException e) {
        return "\n(no stderr: " + e + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      reader.join(WAIT.toMillis());
    }

    @Override
    public String toString() {
      return "child " + name + " (pid " + process.pid() + ")";
    }
  }
}
