package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.Quantization;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.TextAnalysis;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.VectorQuery;
import io.lakeshelf.index.embed.CorpusEmbeddings;
import io.lakeshelf.index.embed.Passage;
import io.lakeshelf.index.embed.RealTextCorpus;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Search as a RAG pipeline uses it, on real text (WordNet glosses) and the bundled MiniLM model:
 *
 * <ol>
 *   <li>ingest over HTTP with vectors embedded by the service: documents/s;
 *   <li>text queries over HTTP, end to end (embed, kNN, join): p50/p99, in vector and hybrid mode;
 *   <li>for each quantization, an index of {@code --rows} real embeddings: recall@10 against brute
 *       force, build time, search p50/p99, disk, and heap after GC with the index open.
 * </ol>
 *
 * <pre>src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.RagBenchmark [--ingest 5000]
 *   [--queries 200] [--rows 100000]</pre>
 */
public final class RagBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private int ingest = 5_000;
  private int queries = 200;
  private int rows = 100_000;
  private boolean service = true;

  public static void main(String[] args) throws Exception {
    RagBenchmark b = new RagBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--ingest" -> b.ingest = Integer.parseInt(args[i + 1]);
        case "--queries" -> b.queries = Integer.parseInt(args[i + 1]);
        case "--rows" -> b.rows = Integer.parseInt(args[i + 1]);
        case "--service" -> b.service = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("lakeshelf-rag-bench");
    try {
      if (b.service) {
        b.service(dir.resolve("service"));
      }
      b.quantizations(dir.resolve("quantization"));
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(0);
  }

  private void service(Path dir) throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(LakeshelfApplication.class)
            .run(
                "--server.port=0",
                "--lakeshelf.data-dir=" + dir,
                "--logging.level.io.lakeshelf=warn");
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    HttpClient http = HttpClient.newHttpClient();
    try {
      send(
          http,
          port,
          "PUT",
          "/v1/collections/rag",
          "{\"vectors\": {\"body\": {\"embed\": \"all-minilm-l6-v2\"}}}");
      List<Passage> passages = RealTextCorpus.first(ingest + queries);
      int batch = 64;
      long start = System.nanoTime();
      for (int from = 0; from < ingest; from += batch) {
        List<String> docs = new ArrayList<>();
        for (Passage p : passages.subList(from, Math.min(ingest, from + batch))) {
          docs.add(
              "{\"id\": "
                  + JSON.writeValueAsString(p.id())
                  + ", \"title\": "
                  + JSON.writeValueAsString(p.title())
                  + ", \"text\": "
                  + JSON.writeValueAsString(p.text())
                  + "}");
        }
        HttpResponse<String> r =
            send(
                http,
                port,
                "POST",
                "/v1/collections/rag/documents",
                "{\"documents\": [" + String.join(",", docs) + "]}");
        if (r.statusCode() != 200) {
          throw new IllegalStateException(r.body());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "ingest with embedding on the service, batches of %d: %,d documents in %.1f s = %,.0f"
              + " documents/s%n",
          batch,
          ingest,
          seconds,
          ingest / seconds);
      for (String mode : List.of("vector", "hybrid")) {
        Latencies l = new Latencies(queries);
        for (int i = 0; i < queries; i++) {
          String text = passages.get(ingest + i).text();
          long s = System.nanoTime();
          HttpResponse<String> r =
              send(
                  http,
                  port,
                  "POST",
                  "/v1/collections/rag/search",
                  "{\"text\": "
                      + JSON.writeValueAsString(text)
                      + ", \"k\": 10, \"mode\": \""
                      + mode
                      + "\"}");
          l.add(System.nanoTime() - s);
          if (r.statusCode() != 200) {
            throw new IllegalStateException(r.body());
          }
        }
        System.out.printf(
            Locale.ROOT,
            "text query over HTTP (embed + %s search + join), k=10: %s%n",
            mode,
            l.summary());
      }
    } finally {
      context.close();
    }
  }

  private void quantizations(Path dir) throws Exception {
    int queryCount = 200;
    System.out.printf(
        Locale.ROOT,
        "%nquantization: %,d real MiniLM embeddings (384 d), %d held-out queries, k=10, 100"
            + " candidates%n",
        rows,
        queryCount);
    float[][] all = CorpusEmbeddings.first(rows + queryCount);
    List<Passage> passages = RealTextCorpus.first(rows);
    VectorSpec spec = new VectorSpec("body", "body_embedding", 384, Similarity.COSINE);
    ContentTable table =
        ContentTable.createManaged(
            TableEngines.local(), dir.resolve("table").toString(), List.of(spec));
    RowFinder blind = (ids, v) -> Map.of();
    for (int from = 0; from < rows; from += 10_000) {
      List<Document> docs = new ArrayList<>();
      for (int i = from; i < Math.min(rows, from + 10_000); i++) {
        docs.add(
            new Document(
                passages.get(i).id(),
                null,
                passages.get(i).text(),
                List.of(),
                Map.of("body", all[i]),
                Map.of(),
                null));
      }
      table.upsert(docs, blind);
    }
    ExecutorService executor = Executors.newFixedThreadPool(2);
    List<List<String>> truth = null;
    for (Quantization q : Quantization.values()) {
      Path indexDir = dir.resolve("index-" + q.wireName());
      System.gc();
      long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      VectorIndex index =
          VectorIndex.open(indexDir, spec, new IndexOptions(q, TextAnalysis.STANDARD, List.of()));
      long s = System.nanoTime();
      index.syncTo(table.latest(), ContentColumns.MANAGED, executor, SyncProgress.NONE);
      double build = (System.nanoTime() - s) / 1e9;
      if (truth == null) {
        truth = new ArrayList<>();
        try (VectorIndex.View view = index.acquire()) {
          for (int i = 0; i < queryCount; i++) {
            truth.add(
                view.search(IndexQuery.vector(all[rows + i], 10).exactly()).stream()
                    .map(SearchHit::id)
                    .toList());
          }
        }
      }
      double found = 0;
      Latencies l = new Latencies(queryCount);
      try (VectorIndex.View view = index.acquire()) {
        for (int round = 0; round < 2; round++) { // the first round warms up
          found = 0;
          l = new Latencies(queryCount);
          for (int i = 0; i < queryCount; i++) {
            long t = System.nanoTime();
            List<SearchHit> hits = view.search(VectorQuery.of(all[rows + i], 10));
            l.add(System.nanoTime() - t);
            Set<String> want = new HashSet<>(truth.get(i));
            found += hits.stream().filter(h -> want.contains(h.id())).count();
          }
        }
      }
      long disk;
      TreeMap<String, Long> byExtension = new TreeMap<>();
      try (Stream<Path> files = Files.list(indexDir)) {
        List<Path> list = files.toList();
        disk = list.stream().mapToLong(p -> p.toFile().length()).sum();
        for (Path p : list) {
          String name = p.getFileName().toString();
          String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
          byExtension.merge(ext, p.toFile().length(), Long::sum);
        }
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
      StringBuilder files = new StringBuilder();
      byExtension.forEach(
          (ext, bytes) -> {
            if (bytes > (1 << 20)) {
              files.append(String.format(Locale.ROOT, " %s %.1f", ext, bytes / 1048576.0));
            }
          });
      System.out.printf(
          Locale.ROOT,
          "  %-5s recall@10 %.3f; search %s; build %.1f s; index on disk %.1f MiB (MiB by file"
              + " type:%s); heap held by the open index %.1f MiB%n",
          q.wireName(),
          found / (10.0 * queryCount),
          l.summary(),
          build,
          disk / 1048576.0,
          files,
          heap / 1048576.0);
      index.close();
    }
    executor.shutdownNow();
  }

  private static HttpResponse<String> send(
      HttpClient http, int port, String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
