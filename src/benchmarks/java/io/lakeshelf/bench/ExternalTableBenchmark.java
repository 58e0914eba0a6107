package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serving a table someone else wrote: the time to index an external table from scratch, and the lag
 * from another writer's commit to the row being searchable, for small appends.
 *
 * <p>The anchor of the build: raw Lucene 10.6 indexing the same vectors (an id and the vector per
 * document, stock HNSW format, M 16, beam 100, the same 64 MB buffer) from memory in this JVM, with
 * one indexing thread per core, committed once; the from-scratch build is printed as a ratio to it.
 *
 * <pre>
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.ExternalTableBenchmark \
 *     --rows 100000 --dimensions 384 --file-rows 10000 --appends 50 --append-rows 10 --sync-interval 2s
 * </pre>
 */
public final class ExternalTableBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  private int rows = 100_000;
  private int dimensions = 384;
  private int fileRows = 10_000;
  private int appends = 50;
  private int appendRows = 10;
  private String syncInterval = "2s";
  private Path dir;

  public static void main(String[] args) throws Exception {
    ExternalTableBenchmark b = new ExternalTableBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--rows" -> b.rows = Integer.parseInt(v);
        case "--dimensions" -> b.dimensions = Integer.parseInt(v);
        case "--file-rows" -> b.fileRows = Integer.parseInt(v);
        case "--appends" -> b.appends = Integer.parseInt(v);
        case "--append-rows" -> b.appendRows = Integer.parseInt(v);
        case "--sync-interval" -> b.syncInterval = v;
        case "--data-dir" -> b.dir = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    b.run();
    System.exit(0);
  }

  private void run() throws Exception {
    boolean temporary = dir == null;
    if (temporary) {
      dir = Files.createTempDirectory("lakeshelf-external-bench");
    }
    System.out.printf(
        Locale.ROOT,
        "external table: %,d rows x %d dims in files of %,d rows; sync interval %s; %d cores%n",
        rows,
        dimensions,
        fileRows,
        syncInterval,
        Runtime.getRuntime().availableProcessors());
    VectorSpec spec = new VectorSpec("body", "body_embedding", dimensions, Similarity.COSINE);
    SyntheticEmbeddings vectors = new SyntheticEmbeddings(dimensions, 1000, 0.6, 42);
    Path table = dir.resolve("table");
    ContentTable writer =
        ContentTable.createManaged(TableEngines.local(), table.toString(), List.of(spec));
    RowFinder blindAppend = (ids, version) -> Map.of();
    long t0 = System.nanoTime();
    for (int from = 0; from < rows; from += fileRows) {
      writer.upsert(docs(vectors, from, Math.min(rows, from + fileRows)), blindAppend);
    }
    System.out.printf(
        Locale.ROOT, "table written (the other writer): %.1f s%n", (System.nanoTime() - t0) / 1e9);

    double anchorSeconds = rawLuceneBuild(vectors, dir.resolve("raw-lucene"));
    System.out.printf(
        Locale.ROOT,
        "anchor: raw Lucene build of the same %,d vectors, %d threads, in memory: %.1f s (%,.0f"
            + " rows/s)%n",
        rows,
        Runtime.getRuntime().availableProcessors(),
        anchorSeconds,
        rows / anchorSeconds);

    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(LakeshelfApplication.class)
            .run(
                "--server.port=0",
                "--lakeshelf.data-dir=" + dir.resolve("data"),
                "--lakeshelf.index.sync-interval=" + syncInterval,
                "--logging.level.io.lakeshelf=warn");
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
    try {
      String body =
          """
          {"mode": "external", "table": "%s", "columns": {"id": "id", "title": "title", "text": "text", "images": "images", "metadata": "metadata"},
           "vectors": {"body": {"column": "body_embedding", "dimensions": %d, "similarity": "cosine"}}}\
          """
              .formatted(table, dimensions);
      long start = System.nanoTime();
      send("PUT", "/v1/collections/ext", body);
      while (true) {
        JsonNode c = JSON.readTree(send("GET", "/v1/collections/ext", null).body());
        if (c.get("status").asString().equals("ready") && c.get("documents").asLong() == rows) {
          break;
        }
        Thread.sleep(50);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "index from scratch: %.1f s (%,.0f rows/s), %.2fx raw Lucene's build (target <= 1.2x, or"
              + " >= 10,000 rows/s)%n",
          seconds,
          rows / seconds,
          seconds / anchorSeconds);

      Latencies lag = new Latencies(appends);
      int next = rows;
      for (int a = 0; a < appends; a++) {
        // Commit at a random moment of the sync cycle, so the lag is not in phase with it.
        long intervalMs = DurationStyle.detectAndParse(syncInterval).toMillis();
        Thread.sleep(ThreadLocalRandom.current().nextLong(0, intervalMs + 1));
        List<Document> batch = docs(vectors, next, next + appendRows);
        String probe = batch.get(batch.size() - 1).id();
        next += appendRows;
        writer.upsert(batch, blindAppend);
        long committed = System.nanoTime();
        while (send("GET", "/v1/collections/ext/documents/" + probe, null).statusCode() != 200) {
          Thread.sleep(5);
        }
        lag.add(System.nanoTime() - committed);
      }
      System.out.printf(
          Locale.ROOT,
          "commit to searchable, %d appends of %d rows: %s, max %.1f ms%n",
          appends,
          appendRows,
          lag.summary(),
          lag.maxMs());
    } finally {
      context.close();
      if (temporary) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /**
   * Seconds raw Lucene takes to index the table's vectors (normalized, as Lakeshelf indexes them
   * for cosine) and commit, one thread per core taking every n-th document.
   */
  private double rawLuceneBuild(SyntheticEmbeddings vectors, Path into) throws Exception {
    float[][] all = new float[rows][];
    for (int i = 0; i < rows; i++) {
      float[] v = vectors.vector(SyntheticEmbeddings.DOCUMENTS, i);
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < v.length; j++) {
        v[j] *= inv;
      }
      all[i] = v;
    }
    KnnVectorsFormat format = new Lucene99HnswVectorsFormat(16, 100);
    IndexWriterConfig config = new IndexWriterConfig();
    config.setCodec(
        new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        });
    config.setRAMBufferSizeMB(64);
    int threads = Runtime.getRuntime().availableProcessors();
    long t0 = System.nanoTime();
    try (FSDirectory d = FSDirectory.open(into);
        IndexWriter w = new IndexWriter(d, config)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          parts.add(
              pool.submit(
                  () -> {
                    for (int i = first; i < rows; i += threads) {
                      org.apache.lucene.document.Document doc =
                          new org.apache.lucene.document.Document();
                      doc.add(new StringField("id", "doc-" + i, StringField.Store.YES));
                      doc.add(
                          new KnnFloatVectorField(
                              "vector", all[i], VectorSimilarityFunction.DOT_PRODUCT));
                      w.addDocument(doc);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      w.commit();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<Document> docs(SyntheticEmbeddings vectors, int from, int to) {
    List<Document> docs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      docs.add(
          new Document(
              "doc-" + i,
              "Title " + i,
              "Passage " + i + " of the external table.",
              List.of(
                  new ImageAnchor(
                      "s3://bucket/img/" + i + ".png", "image/png", 1000L + i, "00ff", "SHA-256")),
              Map.of("body", vectors.vector(SyntheticEmbeddings.DOCUMENTS, i)),
              Map.of("n", Integer.toString(i)),
              null));
    }
    return docs;
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
