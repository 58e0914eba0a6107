package io.lakeshelf.bench;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.PrefetchedInputFile;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.storage.FileTail;
import io.lakeshelf.content.storage.RangeReader;
import io.lakeshelf.content.storage.S3Clients;
import io.lakeshelf.content.storage.S3Settings;
import io.lakeshelf.content.storage.StorageEngine;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.RequestCounter;
import io.lakeshelf.content.testing.S3TestServer;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.VectorQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Search-and-join over a table on S3 with a round trip added to every request: an S3-protocol
 * server in process (S3Proxy, objects in files) behind {@link LatencyProxy}. Prints, for top-10 and
 * top-50: the join's p50/p99 cold (no footer cached) and warm, the whole search (kNN plus join)
 * warm, and the naive read (footer length, footer, row group: three GETs in sequence per file),
 * each with its requests per search.
 *
 * <pre>src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.S3JoinBenchmark [--rows 100000]
 *   [--dimensions 384] [--file-rows 5000] [--delay-ms 30] [--queries 100]</pre>
 */
public final class S3JoinBenchmark {

  private int rows = 100_000;
  private int dimensions = 384;
  private int fileRows = 5_000;
  private long delayMs = 30;
  private int queries = 100;

  public static void main(String[] args) throws Exception {
    S3JoinBenchmark b = new S3JoinBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--rows" -> b.rows = Integer.parseInt(v);
        case "--dimensions" -> b.dimensions = Integer.parseInt(v);
        case "--file-rows" -> b.fileRows = Integer.parseInt(v);
        case "--delay-ms" -> b.delayMs = Long.parseLong(v);
        case "--queries" -> b.queries = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    b.run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("lakeshelf-s3-bench");
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try (S3TestServer s3 = S3TestServer.start(Files.createDirectories(dir.resolve("s3")))) {
      System.out.printf(
          Locale.ROOT,
          "S3 join: %,d rows x %d dims in files of %,d rows; %d ms added per request; %d cores%n",
          rows,
          dimensions,
          fileRows,
          delayMs,
          Runtime.getRuntime().availableProcessors());
      VectorSpec spec = new VectorSpec("body", "body_embedding", dimensions, Similarity.COSINE);
      SyntheticEmbeddings vectors = new SyntheticEmbeddings(dimensions, 1000, 0.6, 42);
      Path local = dir.resolve("table");
      ContentTable writer =
          ContentTable.createManaged(TableEngines.local(), local.toString(), List.of(spec));
      RowFinder blindAppend = (ids, version) -> Map.of();
      long t0 = System.nanoTime();
      for (int from = 0; from < rows; from += fileRows) {
        writer.upsert(docs(vectors, from, Math.min(rows, from + fileRows)), blindAppend);
      }
      s3.createBucket("bench");
      s3.upload(local, "bench", "tables/t");
      System.out.printf(
          Locale.ROOT, "table written and uploaded: %.1f s%n", (System.nanoTime() - t0) / 1e9);

      VectorIndex index = VectorIndex.open(dir.resolve("index"), spec);
      index.syncTo(writer.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);

      try (LatencyProxy proxy = new LatencyProxy(s3.endpoint().getPort(), delayMs)) {
        RequestCounter requests = new RequestCounter();
        S3Client client =
            S3Clients.create(
                S3Settings.endpoint(URI.create("http://127.0.0.1:" + proxy.port())), requests);
        StorageEngine engine = TableEngines.withS3(client, requests);
        ContentTable table =
            ContentTable.open(engine, "s3://bench/tables/t", ContentColumns.MANAGED, List.of(spec));
        TableSnapshot snapshot = table.latest();
        DocumentReader reader =
            new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(spec), executor);
        NaiveJoin naive = new NaiveJoin(engine.ranges(), "s3://bench/tables/t/", executor);

        for (int k : new int[] {10, 50}) {
          List<List<RowLocator>> hits = new ArrayList<>();
          Latencies knn = new Latencies(queries);
          for (int q = 0; q < queries; q++) {
            try (VectorIndex.View view = index.acquire()) {
              long s = System.nanoTime();
              List<SearchHit> found =
                  view.search(VectorQuery.of(vectors.vector(SyntheticEmbeddings.QUERIES, q), k));
              knn.add(System.nanoTime() - s);
              hits.add(found.stream().map(SearchHit::locator).toList());
            }
          }
          double files =
              hits.stream()
                  .mapToLong(h -> h.stream().map(RowLocator::dataFile).distinct().count())
                  .average()
                  .orElse(0);
          System.out.printf(
              Locale.ROOT,
              "%ntop-%d: hits fall in %.1f files on average; kNN alone %s%n",
              k,
              files,
              knn.summary());

          measure(
              "join, cold (footer not cached)",
              hits,
              requests,
              h -> {
                engine.tails().clear();
                reader.read(h, Projection.DEFAULT);
              });
          for (List<RowLocator> h : hits) {
            reader.read(h, Projection.DEFAULT); // warm up
          }
          measure(
              "join, warm (pages not cached)",
              hits,
              requests,
              h -> {
                engine.pages().clear();
                reader.read(h, Projection.DEFAULT);
              });
          measure(
              "join, hot (pages decoded before)",
              hits,
              requests,
              h -> reader.read(h, Projection.DEFAULT));
          measure("naive join (3 GETs per file)", hits, requests, naive::read);
        }
      }
      index.close();
    } finally {
      executor.shutdownNow();
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private interface Join {
    void read(List<RowLocator> hits) throws Exception;
  }

  private void measure(
      String label, List<List<RowLocator>> hits, RequestCounter requests, Join join)
      throws Exception {
    Latencies l = new Latencies(hits.size());
    requests.reset();
    for (List<RowLocator> h : hits) {
      long s = System.nanoTime();
      join.read(h);
      l.add(System.nanoTime() - s);
    }
    System.out.printf(
        Locale.ROOT,
        "  %-32s %s; %.1f requests per search%n",
        label,
        l.summary(),
        requests.total() / (double) hits.size());
  }

  private static List<Document> docs(SyntheticEmbeddings vectors, int from, int to) {
    List<Document> docs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      String text =
          ("Passage "
                  + i
                  + " of the benchmark table, long enough to look like a paragraph of a real"
                  + " document. ")
              .repeat(4);
      docs.add(
          new Document(
              "doc-" + i,
              "Title " + i,
              text,
              List.of(
                  new ImageAnchor(
                      "s3://bucket/img/" + i + ".png", "image/png", 1000L + i, "00ff", "SHA-256")),
              Map.of("body", vectors.vector(SyntheticEmbeddings.DOCUMENTS, i)),
              Map.of("n", Integer.toString(i)),
              null));
    }
    return docs;
  }

  /**
   * The join as a plain Parquet reader does it: per file (files in parallel), read the footer's
   * length, then the footer, then the whole row group that holds the rows (the data columns a
   * search shows), three requests in sequence, nothing cached.
   */
  private record NaiveJoin(RangeReader ranges, String root, ExecutorService executor) {
    void read(List<RowLocator> hits) {
      Map<String, List<Long>> byFile = new LinkedHashMap<>();
      hits.forEach(
          h -> byFile.computeIfAbsent(h.dataFile(), f -> new ArrayList<>()).add(h.rowIndex()));
      List<CompletableFuture<Integer>> reads = new ArrayList<>();
      byFile.forEach(
          (file, rows) ->
              reads.add(
                  CompletableFuture.supplyAsync(() -> readFile(root + file, rows), executor)));
      reads.forEach(CompletableFuture::join);
    }

    private int readFile(String uri, List<Long> rows) {
      try {
        FileTail end = ranges.readTail(uri, -1, 8);
        int footerLength =
            ByteBuffer.wrap(end.bytes(), 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        long footerStart = end.fileLength() - 8 - footerLength;
        FileTail tail = end.extendedBy(ranges.readRange(uri, footerStart, footerLength));
        PrefetchedInputFile file = new PrefetchedInputFile(uri, tail, ranges);
        try (ParquetFileReader reader =
            ParquetFileReader.open(
                file, ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
          MessageType schema = reader.getFooter().getFileMetaData().getSchema();
          MessageType requested =
              new MessageType(
                  schema.getName(),
                  schema.getFields().stream()
                      .filter(f -> !f.getName().endsWith("embedding"))
                      .toList());
          reader.setRequestedSchema(requested);
          int found = 0;
          long first = 0;
          List<BlockMetaData> blocks = reader.getRowGroups();
          for (int b = 0; b < blocks.size(); b++) {
            BlockMetaData block = blocks.get(b);
            long last = first + block.getRowCount();
            long start = first;
            if (rows.stream().anyMatch(r -> r >= start && r < last)) {
              long from = Long.MAX_VALUE;
              long to = 0;
              for (ColumnChunkMetaData c : block.getColumns()) {
                if (!c.getPath().toDotString().contains("embedding")) {
                  from = Math.min(from, c.getStartingPos());
                  to = Math.max(to, c.getStartingPos() + c.getTotalSize());
                }
              }
              file.prefetch(from, to - from);
              PageReadStore pages = reader.readRowGroup(b);
              RecordReader<Group> records =
                  new ColumnIOFactory()
                      .getColumnIO(requested, schema)
                      .getRecordReader(pages, new GroupRecordConverter(requested));
              long max = rows.stream().mapToLong(Long::longValue).max().orElse(0);
              for (long r = start; r < last && r <= max; r++) {
                Group g = records.read();
                if (rows.contains(r)) {
                  found += g.getFieldRepetitionCount(0);
                }
              }
            }
            first = last;
          }
          return found;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
