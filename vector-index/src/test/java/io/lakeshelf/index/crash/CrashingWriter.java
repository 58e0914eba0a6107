package io.lakeshelf.index.crash;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.CommitResult;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The body of a child JVM that {@link CrashConsistencyIT} kills. It writes to a real table with a
 * real index beside it, the way the service does (upsert with the index as row finder, then sync),
 * and reports on stdout what a parent needs to know:
 *
 * <ul>
 *   <li>{@code kill-before-commit <dataDir>}: commits {@link #firstBatch()}, prints {@code
 *       committed <version>}, then writes {@link #secondBatch()} and, once its data files are
 *       written and before its Delta commit, prints {@code written <path>} for each of them and
 *       halts the JVM with {@link #HALT_STATUS} (no shutdown hooks, no finally blocks, no flush).
 *   <li>{@code ingest-forever <dataDir> <seed>}: upserts batches of {@value #BATCH} documents over
 *       a cyclic id space of {@value #ID_SPACE} ids (so that most batches replace rows of earlier
 *       ones), with a delete of a few ids every few batches; after each commit it syncs the index
 *       and prints {@code committed <version>}. It never stops on its own.
 * </ul>
 *
 * Every line is flushed as soon as it is printed, so a line the parent read was true when printed.
 */
public final class CrashingWriter {

  /** The exit status of a process halted between its data files and its commit. */
  public static final int HALT_STATUS = 77;

  public static final VectorSpec SPEC =
      new VectorSpec("body", "body_embedding", 16, Similarity.COSINE);

  static final int BATCH = 200;
  static final int ID_SPACE = 1000;
  private static final long FIRST_BATCH_SEED = 1234;
  private static final long SECOND_BATCH_SEED = 5678;

  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      usage();
    }
    Path dataDir = Path.of(args[1]);
    switch (args[0]) {
      case "kill-before-commit" -> killBeforeCommit(dataDir);
      case "ingest-forever" -> {
        if (args.length < 3) {
          usage();
        }
        ingestForever(dataDir, Long.parseLong(args[2]));
      }
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: CrashingWriter kill-before-commit <dataDir> | ingest-forever <dataDir> <seed>");
    System.exit(2);
  }

  /** Where the table of a data directory lives. */
  public static Path tableDir(Path dataDir) {
    return dataDir.resolve("table");
  }

  /** Where the index of a data directory lives. */
  public static Path indexDir(Path dataDir) {
    return dataDir.resolve("index");
  }

  /** Opens (creating if need be) the managed table of a data directory, as the child does. */
  public static ContentTable openTable(Path dataDir) {
    return ContentTable.createManaged(
        io.lakeshelf.content.storage.TableEngines.local(),
        tableDir(dataDir).toString(),
        List.of(SPEC));
  }

  /** The 50 documents {@code k0..k49} that the first, committed batch writes. */
  public static List<Document> firstBatch() {
    Random random = new Random(FIRST_BATCH_SEED);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = "k" + i;
      docs.add(
          new Document(
              id,
              "Title " + id,
              "Text " + id,
              List.of(),
              Map.of(SPEC.name(), randomVector(random)),
              Map.of("batch", "1"),
              null));
    }
    return docs;
  }

  /**
   * The batch that never commits: new vectors and titles for {@code k25..k49} (replacing half of
   * the first batch) and new documents {@code k50..k74}.
   */
  public static List<Document> secondBatch() {
    Random random = new Random(SECOND_BATCH_SEED);
    List<Document> docs = new ArrayList<>();
    for (int i = 25; i < 75; i++) {
      String id = "k" + i;
      docs.add(
          new Document(
              id,
              "Second " + id,
              "Second text " + id,
              List.of(),
              Map.of(SPEC.name(), randomVector(random)),
              Map.of("batch", "2"),
              null));
    }
    return docs;
  }

  private static void killBeforeCommit(Path dataDir) throws IOException {
    ContentTable table = openTable(dataDir);
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (VectorIndex index = VectorIndex.open(indexDir(dataDir), SPEC)) {
      sync(index, table, executor);
      CommitResult first = table.upsert(firstBatch(), index.rowFinder());
      sync(index, table, executor);
      say("committed " + first.version().value());
      table.setWriteListener(
          (TableVersion readVersion, List<String> files) -> {
            for (String f : files) {
              say("written " + f);
            }
            Runtime.getRuntime().halt(HALT_STATUS);
          });
      table.upsert(secondBatch(), index.rowFinder());
      // Not reached: the listener halts the JVM.
      say("survived");
      System.exit(3);
    }
  }

  private static void ingestForever(Path dataDir, long seed) throws IOException {
    Random random = new Random(seed);
    ContentTable table = openTable(dataDir);
    ExecutorService executor = Executors.newFixedThreadPool(2);
    VectorIndex index = VectorIndex.open(indexDir(dataDir), SPEC);
    sync(index, table, executor);
    say("ready " + index.version().value());
    for (long n = 0; ; n++) {
      CommitResult r;
      if (n % 5 == 4) {
        // A few ids, some of them possibly absent already.
        List<String> gone = new ArrayList<>();
        int start = random.nextInt(ID_SPACE);
        int count = 1 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
          gone.add(id((start + i * 7) % ID_SPACE));
        }
        r = table.delete(gone, index.rowFinder());
      } else {
        // A run of ids that overlaps earlier runs: replacements of rows in a few files each time.
        int start = random.nextInt(ID_SPACE);
        List<Document> docs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
          String id = id((start + i) % ID_SPACE);
          docs.add(
              new Document(
                  id,
                  "Title " + id + " @" + n,
                  "Text " + id,
                  List.of(),
                  Map.of(SPEC.name(), randomVector(random)),
                  Map.of("round", Long.toString(n)),
                  null));
        }
        r = table.upsert(docs, index.rowFinder());
      }
      sync(index, table, executor);
      if (r.committed()) {
        say("committed " + index.version().value());
      }
    }
  }

  /**
   * A random vector of {@link #SPEC}'s dimensions. Made here rather than with the content-model
   * test helpers, so that the batches the parent checks against cannot drift from what the child
   * wrote.
   */
  static float[] randomVector(Random random) {
    float[] v = new float[SPEC.dimensions()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static String id(int i) {
    return "d" + i;
  }

  /** Every id {@code ingest-forever} may write. */
  public static List<String> allIds() {
    List<String> ids = new ArrayList<>(ID_SPACE);
    for (int i = 0; i < ID_SPACE; i++) {
      ids.add(id(i));
    }
    return ids;
  }

  private static void sync(VectorIndex index, ContentTable table, ExecutorService executor)
      throws IOException {
    index.syncTo(table.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
