package io.lakeshelf.content.storage;

import static io.lakeshelf.content.testing.TestDocuments.BODY_4D;
import static io.lakeshelf.content.testing.TestDocuments.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.ScanningRowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.RequestCounter;
import io.lakeshelf.content.testing.TestDocuments;
import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every table store must do for Lakeshelf, in the manner of Lucene's {@code
 * BaseKnnVectorsFormatTestCase}: each store (local disk, an S3-protocol server started in process,
 * LocalStack) extends this class and passes the same tests.
 *
 * <p>The request-count tests pin the cost of the search join in requests, as Trino's file-operation
 * tests do: a change that adds a read fails here.
 */
public abstract class TableStorageContractTest {

  /**
   * A location for a new table or file tree, unique to the test: {@code file:/...} or {@code
   * s3://...}.
   */
  protected abstract String newLocation();

  /** An engine over this store, reporting its requests to the listener. */
  protected abstract StorageEngine engine(StorageRequestListener listener);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  private static String child(String location, String name) {
    return location.endsWith("/") ? location + name : location + "/" + name;
  }

  @Test
  void aTableIsCreatedWrittenAndReadBack() throws Exception {
    StorageEngine engine = engine(StorageRequestListener.NONE);
    ContentTable table = ContentTable.createManaged(engine, newLocation(), List.of(BODY_4D));
    assertThat(table.latest().version()).isEqualTo(TableVersion.of(0));
    table.upsert(List.of(doc("a", 1, 0, 0, 0), doc("b", 0, 1, 0, 0)), new ScanningRowFinder(table));
    table.upsert(List.of(doc("a", 0, 0, 1, 0), doc("c", 0, 0, 0, 1)), new ScanningRowFinder(table));

    // A second engine sees the same table: nothing lives only in the first one's memory.
    ContentTable reopened =
        ContentTable.open(
            engine(StorageRequestListener.NONE),
            table.location(),
            ContentColumns.MANAGED,
            List.of(BODY_4D));
    TableSnapshot snapshot = reopened.latest();
    assertThat(snapshot.version()).isEqualTo(TableVersion.of(2));
    Map<String, Document> rows = liveDocuments(reopened, snapshot);
    assertThat(rows.keySet()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(rows.get("a").vectors().get("body")).containsExactly(0, 0, 1, 0);
    assertThat(rows.get("b").text()).isEqualTo("Text of b");
    assertThat(rows.get("c").images())
        .singleElement()
        .satisfies(i -> assertThat(i.uri()).isEqualTo("s3://bucket/img/c.png"));
  }

  @Test
  void aLocationWithoutATableHasNone() {
    assertThatThrownBy(
            () ->
                ContentTable.open(
                    engine(StorageRequestListener.NONE),
                    newLocation(),
                    ContentColumns.MANAGED,
                    List.of(BODY_4D)))
        .isInstanceOf(io.lakeshelf.content.table.MissingTableException.class);
  }

  @Test
  void aLogEntryIsWrittenOnlyIfAbsent() throws Exception {
    FileIO files = engine(StorageRequestListener.NONE).fileIO();
    String path = child(newLocation(), "_delta_log/00000000000000000001.json");
    files.newOutputFile(path).writeAtomically(lines("first"), false);
    assertThatThrownBy(() -> files.newOutputFile(path).writeAtomically(lines("second"), false))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(read(files, path)).isEqualTo("first\n");
    files.newOutputFile(path).writeAtomically(lines("third"), true);
    assertThat(read(files, path)).isEqualTo("third\n");
  }

  @Test
  void listingStartsAtTheGivenNameAndKeepsNameOrder() throws Exception {
    FileIO files = engine(StorageRequestListener.NONE).fileIO();
    String dir = child(newLocation(), "_delta_log");
    for (String name :
        List.of(
            "00000000000000000002.json",
            "00000000000000000000.json",
            "00000000000000000001.json",
            "00000000000000000001.checkpoint.parquet")) {
      files.newOutputFile(child(dir, name)).writeAtomically(lines(name), false);
    }
    List<String> names = new ArrayList<>();
    try (CloseableIterator<FileStatus> it = files.listFrom(child(dir, "00000000000000000001"))) {
      it.forEachRemaining(s -> names.add(s.getPath().substring(s.getPath().lastIndexOf('/') + 1)));
    }
    assertThat(names)
        .containsExactly(
            "00000000000000000001.checkpoint.parquet",
            "00000000000000000001.json",
            "00000000000000000002.json");
    assertThat(files.getFileStatus(child(dir, "00000000000000000002.json")).getSize())
        .isEqualTo("00000000000000000002.json\n".length());
  }

  @Test
  void listingADirectoryWithNothingInItIsFileNotFound() {
    FileIO files = engine(StorageRequestListener.NONE).fileIO();
    assertThatThrownBy(
            () -> files.listFrom(child(newLocation(), "_delta_log/00000000000000000000")))
        .isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> files.getFileStatus(child(newLocation(), "nothing.json")))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void rangeReadsReturnExactlyTheAskedBytesInOneRequestEach() throws Exception {
    RequestCounter requests = new RequestCounter();
    StorageEngine engine = engine(requests);
    String path = child(newLocation(), "data.bin");
    byte[] content = new byte[10_000];
    new Random(7).nextBytes(content);
    try (OutputStream out = engine.fileIO().newOutputFile(path).create(true)) {
      out.write(content);
    }
    requests.reset();
    FileTail tail = engine.ranges().readTail(path, -1, 300);
    assertThat(tail.fileLength()).isEqualTo(10_000);
    assertThat(tail.offset()).isEqualTo(9_700);
    assertThat(tail.bytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 9_700, 10_000));
    assertThat(engine.ranges().readTail(path, -1, 1 << 20).bytes()).isEqualTo(content);
    assertThat(engine.ranges().readRange(path, 1234, 100))
        .isEqualTo(java.util.Arrays.copyOfRange(content, 1234, 1334));
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, 3L));
    assertThatThrownBy(() -> engine.ranges().readRange(child(newLocation(), "missing.bin"), 0, 10))
        .isInstanceOf(FileNotFoundException.class);
  }

  /**
   * Two writers (each its own engine and table handle, as two processes) upsert the same new ids at
   * the same moment, round after round, then one deletes them: after every round each id has
   * exactly one live row, holding one of the two writers' contents, and the delete leaves none.
   */
  @Test
  void twoWritersUpsertingTheSameNewIdsLeaveOneRowPerId() throws Exception {
    String location = newLocation();
    ContentTable.createManaged(engine(StorageRequestListener.NONE), location, List.of(BODY_4D));
    ContentTable[] writers = new ContentTable[2];
    for (int w = 0; w < writers.length; w++) {
      writers[w] =
          ContentTable.open(
              engine(StorageRequestListener.NONE),
              location,
              ContentColumns.MANAGED,
              List.of(BODY_4D));
    }
    int rounds = 12;
    for (int round = 0; round < rounds; round++) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add("r" + round + "-" + i);
      }
      java.util.concurrent.CyclicBarrier start =
          new java.util.concurrent.CyclicBarrier(writers.length);
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int w = 0; w < writers.length; w++) {
        int writer = w;
        ContentTable table = writers[w];
        runs.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    List<Document> docs = ids.stream().map(id -> doc(id, 1, writer, 0, 1)).toList();
                    start.await();
                    table.upsert(docs, new ScanningRowFinder(table));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                executor));
      }
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
      Map<String, Long> rowsPerId = rowsPerId(writers[0]);
      for (String id : ids) {
        assertThat(rowsPerId.get(id)).as("live rows of %s after round %d", id, round).isEqualTo(1L);
      }
    }
    // A delete removes every live row of its ids.
    List<String> all = new ArrayList<>(rowsPerId(writers[1]).keySet());
    writers[1].delete(all, new ScanningRowFinder(writers[1]));
    assertThat(rowsPerId(writers[0])).isEmpty();
  }

  /** How many live rows hold each id, read with Kernel. */
  private static Map<String, Long> rowsPerId(ContentTable table) throws Exception {
    TableSnapshot snapshot = table.latest();
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (var row :
        io.lakeshelf.content.testing.KernelRows.read(snapshot, List.of(ContentColumns.MANAGED.id()))
            .values()) {
      counts.merge((String) row.get(ContentColumns.MANAGED.id()), 1L, Long::sum);
    }
    return counts;
  }

  @Test
  void twoWritersRacingOnOneTableLoseNoBatch() throws Exception {
    String location = newLocation();
    ContentTable.createManaged(engine(StorageRequestListener.NONE), location, List.of(BODY_4D));
    int writers = 3;
    int batches = 4;
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      // each writer is its own engine and table handle, as two processes would be
      ContentTable table =
          ContentTable.open(
              engine(StorageRequestListener.NONE),
              location,
              ContentColumns.MANAGED,
              List.of(BODY_4D));
      runs.add(
          CompletableFuture.runAsync(
              () -> {
                for (int b = 0; b < batches; b++) {
                  try {
                    table.upsert(
                        List.of(doc("w" + writer + "-" + b, 1, writer, b, 1)),
                        new ScanningRowFinder(table));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              executor));
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    ContentTable table =
        ContentTable.open(
            engine(StorageRequestListener.NONE),
            location,
            ContentColumns.MANAGED,
            List.of(BODY_4D));
    TableSnapshot snapshot = table.latest();
    assertThat(snapshot.version()).isEqualTo(TableVersion.of(writers * batches));
    assertThat(liveDocuments(table, snapshot)).hasSize(writers * batches);
  }

  @Test
  void aJoinCostsTheFooterAndThePagesColdAndOneReadPerFileWarm() throws Exception {
    RequestCounter requests = new RequestCounter();
    StorageEngine engine = engine(requests);
    ContentTable table = ContentTable.createManaged(engine, newLocation(), List.of(BODY_4D));
    Random random = new Random(42);
    int files = 3;
    for (int f = 0; f < files; f++) {
      table.upsert(
          TestDocuments.randomDocs(random, "f" + f + "-", 4_000, BODY_4D),
          new ScanningRowFinder(table));
    }
    TableSnapshot snapshot = table.latest();
    assertThat(snapshot.liveFiles()).hasSize(files);
    List<RowLocator> hits = new ArrayList<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      hits.add(new RowLocator(f.path(), 17));
      hits.add(new RowLocator(f.path(), 3_001));
    }
    engine.tails().clear();
    DocumentReader reader =
        new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(BODY_4D), executor);

    requests.reset();
    Map<RowLocator, Document> cold = reader.read(hits, Projection.ALL);
    assertThat(cold).hasSize(hits.size());
    // per file: the tail (footer and offset indexes), then the pages of the two rows
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, 2L * files));

    engine.pages().clear();
    requests.reset();
    Map<RowLocator, Document> warm = reader.read(hits, Projection.ALL);
    assertThat(texts(warm)).isEqualTo(texts(cold)).hasSize(hits.size());
    // per file: one read spanning the pages that hold the rows
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, (long) files));

    engine.pages().clear();
    requests.reset();
    reader.read(List.of(hits.get(0)), Projection.ALL);
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, 1L));
  }

  @Test
  void aJoinOfRowsInPagesReadBeforeCostsNoRequest() throws Exception {
    RequestCounter requests = new RequestCounter();
    StorageEngine engine = engine(requests);
    ContentTable table = ContentTable.createManaged(engine, newLocation(), List.of(BODY_4D));
    Random random = new Random(43);
    table.upsert(
        TestDocuments.randomDocs(random, "p-", 3_000, BODY_4D), new ScanningRowFinder(table));
    TableSnapshot snapshot = table.latest();
    String file = snapshot.liveFiles().keySet().iterator().next();
    List<RowLocator> hits = List.of(new RowLocator(file, 11), new RowLocator(file, 2_500));
    DocumentReader reader =
        new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(BODY_4D), executor);
    Projection shown = Projection.of(List.of("title", "text", "metadata"));
    Map<RowLocator, Document> first = reader.read(hits, shown);

    requests.reset();
    Map<RowLocator, Document> again = reader.read(hits, shown);
    assertThat(texts(again)).isEqualTo(texts(first)).hasSize(2);
    assertThat(requests.snapshot()).isEmpty();
    assertThat(engine.pages().bytes()).isPositive();

    // without the decoded pages, the same join reads its pages again: one read
    engine.pages().clear();
    requests.reset();
    assertThat(texts(reader.read(hits, shown))).isEqualTo(texts(first));
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, 1L));
  }

  @Test
  void aJoinOfLargeVectorRowsStillCostsOneReadPerFileWarm() throws Exception {
    RequestCounter requests = new RequestCounter();
    StorageEngine engine = engine(requests);
    io.lakeshelf.content.VectorSpec wide =
        new io.lakeshelf.content.VectorSpec(
            "body", "body_embedding", 384, io.lakeshelf.content.Similarity.COSINE);
    ContentTable table = ContentTable.createManaged(engine, newLocation(), List.of(wide));
    Random random = new Random(7);
    for (int f = 0; f < 2; f++) {
      table.upsert(
          TestDocuments.randomDocs(random, "w" + f + "-", 3_000, wide),
          new ScanningRowFinder(table));
    }
    TableSnapshot snapshot = table.latest();
    List<RowLocator> hits = new ArrayList<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      hits.add(new RowLocator(f.path(), 5));
      hits.add(new RowLocator(f.path(), 2_999));
    }
    DocumentReader reader =
        new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(wide), executor);
    reader.read(hits, Projection.DEFAULT);
    requests.reset();
    Map<RowLocator, Document> warm = reader.read(hits, Projection.DEFAULT);
    assertThat(warm).hasSize(hits.size());
    // the vector pages (4.6 MB a file) lie after the columns a search shows: not read
    assertThat(requests.snapshot()).isEqualTo(Map.of(StorageOperation.RANGE_GET, 2L));
  }

  private static Map<RowLocator, String> texts(Map<RowLocator, Document> rows) {
    Map<RowLocator, String> out = new java.util.HashMap<>();
    rows.forEach(
        (l, d) ->
            out.put(
                l,
                d.id()
                    + "|"
                    + d.text()
                    + "|"
                    + java.util.Arrays.toString(d.vectors().get("body"))));
    return out;
  }

  private Map<String, Document> liveDocuments(ContentTable table, TableSnapshot snapshot)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (LiveFile f : snapshot.liveFiles().values()) {
      snapshot.readRows(
          f,
          List.of("id"),
          b -> {
            for (int i = 0; i < b.getData().getSize(); i++) {
              if (b.getSelectionVector().isEmpty() || b.getSelectionVector().get().getBoolean(i)) {
                ids.add(b.getData().getColumnVector(0).getString(i));
              }
            }
          });
    }
    List<RowLocator> locators =
        new ScanningRowFinder(table)
            .find(ids, snapshot.version()).values().stream().flatMap(List::stream).toList();
    DocumentReader reader =
        new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(BODY_4D), executor);
    Map<String, Document> byId = new java.util.TreeMap<>();
    reader.read(locators, Projection.ALL).values().forEach(d -> byId.put(d.id(), d));
    return byId;
  }

  private static CloseableIterator<String> lines(String... lines) {
    return io.lakeshelf.content.kernel.KernelInternals.iterator(List.of(lines).iterator());
  }

  private static String read(FileIO files, String path) throws Exception {
    try (var in = files.newInputFile(path, -1).newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A name no other test uses. */
  protected static String unique() {
    return UUID.randomUUID().toString().substring(0, 8) + "-" + IntStream.of(1).sum();
  }
}
