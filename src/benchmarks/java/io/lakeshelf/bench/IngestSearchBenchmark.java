package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.VectorQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ingest and search benchmark of the whole service: starts Lakeshelf in this process on a random
 * port over a data directory, ingests synthetic embedding-like documents over HTTP, then measures
 * search latency in process (kNN alone, kNN plus the join to the table's rows) and over HTTP,
 * recall@k against exact brute force, and the index's and table's size on disk.
 *
 * <p>Not a test: run it with {@code src/bin/lakeshelf-benchmark [options]}. Options (defaults):
 * {@code --documents 100000 --batch 1000 --queries 1000 --dimensions 384 --k 10 --recall-queries
 * 100 --warmup 200 --clusters 1000 --noise 0.75 --seed 42 --refresh true --probe-interval-ms 100
 * --data-dir <temp dir, deleted at the end>}.
 *
 * <p>The no-cliff check: a second thread searches over HTTP (its own connection, one search every
 * {@code --probe-interval-ms}, 0 for none) while the ingest and the merges it starts run, and the
 * same probe runs again once the service is idle; the summary prints the p99 under ingest as a
 * ratio to the idle p99 (target: at most 3). Arguments of the form {@code --some.property=value} go
 * to the service (for example {@code --lakeshelf.search.candidates=50}).
 */
public final class IngestSearchBenchmark {

  static final String COLLECTION = "bench";
  static final String VECTOR = "body";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  // Options.
  private int documents = 100_000;
  private int batch = 1000;
  private int queries = 1000;
  private int dimensions = 384;
  private int k = 10;
  private int recallQueries = 100;
  private int warmup = 200;
  private int clusters = 1000;
  private double noise = 0.75;
  private long seed = 42;
  private boolean refresh = true;
  private int probeIntervalMs = 100;
  private Path dataDir;
  private boolean deleteDataDir;
  private final List<String> serviceArgs = new ArrayList<>();

  // State.
  private final Map<String, String> summary = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private ConfigurableApplicationContext context;
  private String base;
  private SyntheticEmbeddings embeddings;
  private float[][] vectors;
  private Latencies probeDuringIngest;

  public static void main(String[] args) throws Exception {
    IngestSearchBenchmark b = new IngestSearchBenchmark();
    try {
      b.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("lakeshelf-benchmark: " + e.getMessage());
      System.err.println(
          "usage: lakeshelf-benchmark [--documents N] [--batch N] [--queries N] [--dimensions N]"
              + " [--k N] [--recall-queries N] [--warmup N] [--clusters N] [--noise X] [--seed N]"
              + " [--refresh true|false] [--probe-interval-ms N] [--data-dir DIR]"
              + " [--some.service.property=value ...]");
      System.exit(2);
    }
    b.run();
    System.exit(0); // the service's non-daemon threads are gone, but be sure
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.contains(".")) { // a service property
        if (value == null) {
          throw new IllegalArgumentException(
              "service properties are given as --" + name + "=value");
        }
        serviceArgs.add(a);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "documents" -> documents = positive(name, value);
        case "batch" -> batch = positive(name, value);
        case "queries" -> queries = positive(name, value);
        case "dimensions" -> dimensions = positive(name, value);
        case "k" -> k = positive(name, value);
        case "recall-queries" -> recallQueries = Integer.parseInt(value);
        case "warmup" -> warmup = Integer.parseInt(value);
        case "clusters" -> clusters = positive(name, value);
        case "noise" -> noise = Double.parseDouble(value);
        case "seed" -> seed = Long.parseLong(value);
        case "refresh" -> refresh = Boolean.parseBoolean(value);
        case "probe-interval-ms" -> probeIntervalMs = Integer.parseInt(value);
        case "data-dir" -> dataDir = Path.of(value).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    if (k > VectorQuery.MAX_K) {
      throw new IllegalArgumentException("--k must be at most " + VectorQuery.MAX_K);
    }
  }

  private static int positive(String name, String value) {
    int v = Integer.parseInt(value.replace("_", ""));
    if (v < 1) {
      throw new IllegalArgumentException("--" + name + " must be at least 1");
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------------

  private void run() throws Exception {
    long benchStart = System.nanoTime();
    if (dataDir == null) {
      dataDir = Files.createTempDirectory("lakeshelf-bench-");
      deleteDataDir = true;
    } else {
      Files.createDirectories(dataDir);
    }
    printHeader();
    try {
      startService();
      createCollection();
      generate();
      ingest();
      awaitIndex();
      searchInProcess();
      searchOverHttp();
      idleProbe();
      recall();
      sizes();
    } finally {
      long t = System.nanoTime();
      if (context != null) {
        context.close();
      }
      line("service shutdown: %.1f s", (System.nanoTime() - t) / 1e9);
      if (deleteDataDir) {
        deleteTree(dataDir);
        line("data dir deleted: %s", dataDir);
      } else {
        line("data dir kept: %s", dataDir);
      }
    }
    summary.put(
        "benchmark wall time",
        String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - benchStart) / 1e9));
    printSummary();
  }

  private void printHeader() {
    Runtime rt = Runtime.getRuntime();
    line("== Lakeshelf ingest/search benchmark ==");
    line(
        "java: %s (%s), %d cores, max heap %d MiB, args %s",
        Runtime.version(),
        System.getProperty("java.vm.name"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> !a.startsWith("-Dsun.") && !a.startsWith("-Djava.class.path"))
            .toList());
    line(
        "options: documents %d, batch %d, queries %d, dimensions %d, k %d, recall queries %d,"
            + " warmup %d, refresh %s",
        documents, batch, queries, dimensions, k, recallQueries, warmup, refresh);
    line(
        "data: synthetic embedding-like vectors, seed %d: a mixture of %d random unit-vector"
            + " cluster centres plus isotropic Gaussian noise of norm %.2f (per dimension %.4f), so"
            + " that neighbourhoods exist as in sentence embeddings; queries are fresh draws from"
            + " the same mixture; not normalized (the service normalizes for cosine)",
        seed, clusters, noise, noise / Math.sqrt(dimensions));
    line("data dir: %s%s", dataDir, deleteDataDir ? " (temporary, deleted at the end)" : "");
    summary.put(
        "documents",
        String.format(
            Locale.ROOT,
            "%d x %d-d float vectors (cosine), %d clusters + noise %.2f, seed %d",
            documents,
            dimensions,
            clusters,
            noise,
            seed));
    summary.put(
        "java",
        Runtime.version()
            + ", "
            + rt.availableProcessors()
            + " cores, -Xmx "
            + (rt.maxMemory() >> 20)
            + " MiB");
  }

  private void startService() {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--lakeshelf.data-dir=" + dataDir);
    args.add("--spring.main.banner-mode=off");
    args.add("--logging.level.root=WARN");
    // Delta Kernel warns "Cannot find a complete checkpoint. Listing from version 0." on every
    // snapshot of a table without checkpoints, i.e. on every index sync (2 s): silenced here.
    args.add("--logging.level.io.delta.kernel.internal.snapshot.SnapshotManager=ERROR");
    args.addAll(serviceArgs);
    long t = System.nanoTime();
    context =
        new SpringApplicationBuilder(LakeshelfApplication.class).run(args.toArray(String[]::new));
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    base = "http://localhost:" + port;
    line(
        "service started: %.1f s, port %d, service args %s",
        (System.nanoTime() - t) / 1e9, port, args);
  }

  private void createCollection() throws Exception {
    if (context.getBean(CollectionRegistry.class).find(COLLECTION).isPresent()) {
      HttpAnswer gone = send("DELETE", "/v1/collections/" + COLLECTION + "?purge=true", null);
      line("collection %s existed in the data dir: deleted (status %d)", COLLECTION, gone.status());
    }
    String body =
        "{\"vectors\": {\""
            + VECTOR
            + "\": {\"dimensions\": "
            + dimensions
            + ", \"similarity\": \"cosine\"}}}";
    HttpAnswer a = send("PUT", "/v1/collections/" + COLLECTION, body);
    expect(a, 201, "creating the collection");
    line(
        "collection created: %s, vector %s, %d dimensions, cosine, managed",
        COLLECTION, VECTOR, dimensions);
  }

  private void generate() {
    long t = System.nanoTime();
    embeddings = new SyntheticEmbeddings(dimensions, clusters, noise, seed);
    vectors = new float[documents][];
    IntStream.range(0, documents)
        .parallel()
        .forEach(i -> vectors[i] = embeddings.vector(SyntheticEmbeddings.DOCUMENTS, i));
    line(
        "vectors generated: %d in %.1f s (%.0f MiB held by the benchmark)",
        documents, (System.nanoTime() - t) / 1e9, (double) documents * dimensions * 4 / (1 << 20));
  }

  // --- 2. Ingest --------------------------------------------------------------------------------

  private void ingest() throws Exception {
    int batches = (documents + batch - 1) / batch;
    Latencies requests = new Latencies(batches);
    long jsonNanos = 0;
    long bytes = 0;
    String path =
        "/v1/collections/" + COLLECTION + "/documents" + (refresh ? "" : "?refresh=false");
    CpuMeter cpu = new CpuMeter();
    long gc0 = gcMillis();
    long wall0 = System.nanoTime();
    long lastReport = wall0;
    long version = 0;
    SearchProbe probe = probeIntervalMs > 0 ? new SearchProbe(probeIntervalMs) : null;
    try (ThreadSampler sampler = new ThreadSampler(50)) {
      for (int b = 0; b < batches; b++) {
        int from = b * batch;
        int to = Math.min(documents, from + batch);
        long j0 = System.nanoTime();
        byte[] body = ingestBody(from, to);
        jsonNanos += System.nanoTime() - j0;
        bytes += body.length;
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long r0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - r0;
        requests.add(took);
        HttpAnswer a = new HttpAnswer(response.statusCode(), response.body());
        expect(a, 200, "ingesting documents " + from + ".." + (to - 1));
        JsonNode json = a.json();
        if (json.get("upserted").asInt() != to - from) {
          throw new IllegalStateException(
              "batch " + b + ": upserted " + json.get("upserted") + " of " + (to - from));
        }
        version = json.get("tableVersion").asLong();
        long now = System.nanoTime();
        if (now - lastReport > 10_000_000_000L || b == batches - 1) {
          lastReport = now;
          System.err.printf(
              Locale.ROOT,
              "  ingest: %d/%d rows, %.0f s, last batch %.0f ms, table version %d%n",
              to,
              documents,
              (now - wall0) / 1e9,
              took / 1e6,
              version);
        }
      }
      long wall = System.nanoTime() - wall0;
      sampler.close();
      if (probe != null) {
        probeDuringIngest = probe.stop();
        line(
            "search during ingest (HTTP, second thread, one every %d ms): %d searches, %s",
            probeIntervalMs, probeDuringIngest.count(), probeDuringIngest.summary());
      }
      double requestSeconds = requests.totalNanos() / 1e9;
      double rate = documents / requestSeconds;
      line(
          "ingest: %d rows in %d requests of %d, %.1f MiB of JSON (%.1f KiB per row)",
          documents, batches, batch, bytes / 1048576.0, bytes / 1024.0 / documents);
      line("ingest rows/s (rows / total request time): %.0f", rate);
      line("ingest total request time: %.1f s", requestSeconds);
      line(
          "ingest wall time (incl. building JSON bodies, %.1f s): %.1f s",
          jsonNanos / 1e9, wall / 1e9);
      line("ingest rows/s (rows / wall time): %.0f", documents / (wall / 1e9));
      line("ingest request latency: %s, max %.0f ms", requests.summary(), requests.maxMs());
      int tenth = Math.max(1, batches / 10);
      line(
          "ingest request mean, first %d vs last %d requests: %.0f ms vs %.0f ms",
          tenth, tenth, requests.meanMs(0, tenth), requests.meanMs(batches - tenth, batches));
      String cpuReport = cpu.report();
      line("ingest CPU: %s; GC %.1f s", cpuReport, (gcMillis() - gc0) / 1e3);
      line("ingest last table version: %d", version);
      for (String l : sampler.report(8)) {
        line("ingest %s", l);
      }
      summary.put(
          "ingest",
          String.format(
              Locale.ROOT,
              "%.0f rows/s (rows / request time %.1f s); wall %.1f s; batch of %d: p50 %.0f ms, p99"
                  + " %.0f ms; first/last 10%% of batches %.0f / %.0f ms",
              rate,
              requestSeconds,
              wall / 1e9,
              batch,
              requests.percentileMs(50),
              requests.percentileMs(99),
              requests.meanMs(0, tenth),
              requests.meanMs(batches - tenth, batches)));
      summary.put("CPU during ingest", cpuReport);
    }
  }

  private byte[] ingestBody(int from, int to) {
    StringBuilder s = new StringBuilder((to - from) * (dimensions * 12 + 400));
    s.append("{\"documents\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        s.append(',');
      }
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
      int cluster = embeddings.cluster(SyntheticEmbeddings.DOCUMENTS, i);
      s.append("{\"id\":\"").append(id(i)).append('"');
      s.append(",\"title\":\"Synthetic document ").append(i).append('"');
      s.append(",\"text\":\"Synthetic document ")
          .append(i)
          .append(" about topic ")
          .append(cluster)
          .append(", generated for the Lakeshelf benchmark.\"");
      s.append(",\"images\":[{\"uri\":\"s3://lakeshelf-bench/images/")
          .append(i)
          .append(".png\"")
          .append(",\"contentType\":\"image/png\",\"sizeBytes\":")
          .append(10_000 + r.nextInt(500_000))
          .append(",\"checksum\":\"");
      for (int j = 0; j < 4; j++) {
        s.append(String.format("%016x", r.nextLong()));
      }
      s.append("\",\"checksumAlgorithm\":\"SHA-256\"}]");
      s.append(",\"metadata\":{\"topic\":\"")
          .append(cluster)
          .append("\",\"lang\":\"en\",\"source\":\"benchmark\"}");
      s.append(",\"vectors\":{\"").append(VECTOR).append("\":");
      appendVector(s, vectors[i]);
      s.append("}}");
    }
    s.append("]}");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String id(int i) {
    return "doc-" + i;
  }

  private static void appendVector(StringBuilder s, float[] v) {
    s.append('[');
    for (int j = 0; j < v.length; j++) {
      if (j > 0) {
        s.append(',');
      }
      s.append(v[j]); // Float.toString: the shortest decimal that reads back as the same float
    }
    s.append(']');
  }

  // --- 3. Wait for the index --------------------------------------------------------------------

  private void awaitIndex() throws Exception {
    long t = System.nanoTime();
    long deadline = t + Duration.ofMinutes(60).toNanos();
    JsonNode c;
    while (true) {
      HttpAnswer a = send("GET", "/v1/collections/" + COLLECTION, null);
      expect(a, 200, "reading the collection");
      c = a.json();
      if (c.get("indexedVersion").asLong() == c.get("tableVersion").asLong()
          && c.get("documents").asLong() == documents) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the index did not catch up within 60 minutes: " + c);
      }
      Thread.sleep(100);
    }
    double waited = (System.nanoTime() - t) / 1e9;
    line(
        "index caught up: %.2f s after the last ingest answer (tableVersion %d, indexedVersion %d,"
            + " documents %d, status %s)",
        waited,
        c.get("tableVersion").asLong(),
        c.get("indexedVersion").asLong(),
        c.get("documents").asLong(),
        c.get("status").asString());
    summary.put(
        "index caught up",
        String.format(
            Locale.ROOT,
            "%.2f s after the last ingest answer (%d table versions)",
            waited,
            c.get("tableVersion").asLong()));
    awaitMerges(t);
  }

  /**
   * Waits until the merges the ingest started have ended (at most 5 minutes) and publishes them, so
   * that the searches below measure a settled index.
   */
  private void awaitMerges(long ingestEnd) throws Exception {
    VectorIndex index = context.getBean(CollectionRegistry.class).get(COLLECTION).index(VECTOR);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (index.merging() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    double settled = (System.nanoTime() - ingestEnd) / 1e9;
    index.refreshMerged(); // what the next sync round would publish
    int segments;
    try (VectorIndex.View view = index.acquire()) {
      segments = view.segmentCount();
    }
    line(
        "merges settled: %d segments searched, %.1f s after the last ingest answer",
        segments, settled);
    summary.put(
        "merges settled",
        String.format(
            Locale.ROOT,
            "%d segments searched, %.1f s after the last ingest answer",
            segments,
            settled));
  }

  // --- 4. In-process search ---------------------------------------------------------------------

  private float[][] queries(long stream, int n) {
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      q[i] = embeddings.vector(stream, i);
    }
    return q;
  }

  private void searchInProcess() throws Exception {
    CollectionRegistry registry = context.getBean(CollectionRegistry.class);
    int candidates = Math.max(k, context.getBean(LakeshelfProperties.class).search().candidates());
    ServedCollection c = registry.get(COLLECTION);
    VectorIndex index = c.index(VECTOR);
    float[][] warm = queries(SyntheticEmbeddings.WARMUP, warmup);
    float[][] qs = queries(SyntheticEmbeddings.QUERIES, queries);
    line(
        "in-process search: %d queries after %d warm-up queries, k %d, candidates %d, single"
            + " thread",
        queries, warmup, k, candidates);

    long t = System.nanoTime();
    for (float[] q : warm) {
      List<SearchHit> hits = knn(index, q, candidates);
      join(c, hits);
    }
    line("in-process warm-up: %.1f s", (System.nanoTime() - t) / 1e9);

    CpuMeter cpu = new CpuMeter();
    Latencies knnOnly = new Latencies(queries);
    for (float[] q : qs) {
      long s = System.nanoTime();
      List<SearchHit> hits = knn(index, q, candidates);
      knnOnly.add(System.nanoTime() - s);
      if (hits.size() != Math.min(k, documents)) {
        throw new IllegalStateException("kNN returned " + hits.size() + " hits, expected " + k);
      }
    }
    Latencies knnJoin = new Latencies(queries);
    Latencies joinPart = new Latencies(queries);
    long filesTouched = 0;
    for (float[] q : qs) {
      long s = System.nanoTime();
      List<SearchHit> hits = knn(index, q, candidates);
      long j = System.nanoTime();
      Map<RowLocator, Document> rows = join(c, hits);
      long e = System.nanoTime();
      knnJoin.add(e - s);
      joinPart.add(e - j);
      filesTouched += hits.stream().map(h -> h.locator().dataFile()).distinct().count();
      if (rows.size() != hits.size()) {
        throw new IllegalStateException(
            "the join found " + rows.size() + " rows for " + hits.size() + " hits");
      }
    }
    line("in-process search CPU: %s", cpu.report());
    line("in-process kNN only: %s", knnOnly.summary());
    line("in-process kNN + join: %s", knnJoin.summary());
    line("in-process join part of kNN + join: %s", joinPart.summary());
    line(
        "in-process join: %.1f distinct data files per query on average (the join opens each once)",
        (double) filesTouched / queries);
    summary.put("kNN only, in process", knnOnly.summary());
    summary.put("kNN + join, in process", knnJoin.summary());
    summary.put("  of which the join", joinPart.summary());
  }

  private List<SearchHit> knn(VectorIndex index, float[] q, int candidates) throws IOException {
    try (VectorIndex.View view = index.acquire()) {
      return view.search(new VectorQuery(q, k, candidates, Float.NEGATIVE_INFINITY));
    }
  }

  private static Map<RowLocator, Document> join(ServedCollection c, List<SearchHit> hits) {
    return c.rows().read(hits.stream().map(SearchHit::locator).toList(), Projection.DEFAULT);
  }

  // --- 5. HTTP search ---------------------------------------------------------------------------

  private String searchBody(float[] q) {
    StringBuilder s = new StringBuilder(dimensions * 12 + 40);
    s.append("{\"vector\":");
    appendVector(s, q);
    s.append(",\"k\":").append(k).append('}');
    return s.toString();
  }

  private List<String> httpSearch(String body, Latencies latencies, Latencies serverTook)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/collections/" + COLLECTION + "/search"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long s = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - s;
    HttpAnswer a = new HttpAnswer(response.statusCode(), response.body());
    expect(a, 200, "searching");
    JsonNode json = a.json();
    if (latencies != null) {
      latencies.add(took);
      serverTook.add(json.get("tookMs").asLong() * 1_000_000L);
    }
    List<String> ids = new ArrayList<>();
    json.get("hits").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  private void searchOverHttp() throws Exception {
    List<String> warm = new ArrayList<>();
    for (float[] q : queries(SyntheticEmbeddings.WARMUP, warmup)) {
      warm.add(searchBody(q));
    }
    List<String> bodies = new ArrayList<>();
    for (float[] q : queries(SyntheticEmbeddings.QUERIES, queries)) {
      bodies.add(searchBody(q));
    }
    for (String b : warm) {
      httpSearch(b, null, null);
    }
    CpuMeter cpu = new CpuMeter();
    Latencies latencies = new Latencies(queries);
    Latencies serverTook = new Latencies(queries);
    for (String b : bodies) {
      List<String> ids = httpSearch(b, latencies, serverTook);
      if (ids.size() != Math.min(k, documents)) {
        throw new IllegalStateException(
            "HTTP search returned " + ids.size() + " hits, expected " + k);
      }
    }
    line(
        "HTTP search: %d queries after %d warm-up queries, k %d, one connection, sequential (%.1f"
            + " KiB request bodies)",
        queries, warmup, k, bodies.get(0).length() / 1024.0);
    line("HTTP search CPU: %s", cpu.report());
    line("HTTP search latency (client side): %s", latencies.summary());
    line(
        "HTTP search tookMs (server side, whole ms): p50 %.0f ms, p99 %.0f ms, mean %.2f ms",
        serverTook.percentileMs(50), serverTook.percentileMs(99), serverTook.meanMs());
    summary.put("search over HTTP", latencies.summary());
  }

  /**
   * The same probe as during the ingest, on the idle service, for as many searches (at most 1,000);
   * prints the p99 under ingest as a ratio to this one.
   */
  private void idleProbe() throws Exception {
    if (probeDuringIngest == null || probeDuringIngest.count() == 0) {
      return;
    }
    SearchProbe probe = new SearchProbe(probeIntervalMs);
    int target = Math.min(probeDuringIngest.count(), 1000);
    while (probe.count() < target && probe.running()) {
      Thread.sleep(50);
    }
    Latencies idle = probe.stop();
    double ratio = probeDuringIngest.percentileMs(99) / idle.percentileMs(99);
    line(
        "search idle (the same probe): %d searches, %s; p99 during ingest / idle p99: %.2f (target"
            + " <= 3)",
        idle.count(), idle.summary(), ratio);
    summary.put(
        "search during ingest",
        String.format(
            Locale.ROOT,
            "%s; idle %s; p99 ratio %.2f (target <= 3)",
            probeDuringIngest.summary(),
            idle.summary(),
            ratio));
  }

  /**
   * Searches over HTTP from a thread of its own, on its own connection, one every {@code
   * intervalMs} (or back to back when a search takes longer), until stopped; queries are fresh
   * draws of the query mixture.
   */
  private final class SearchProbe {
    private final HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Latencies latencies = new Latencies(4096);
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Exception failure;

    SearchProbe(int intervalMs) {
      List<String> bodies = new ArrayList<>();
      for (float[] q : queries(SyntheticEmbeddings.WARMUP, 100)) {
        bodies.add(searchBody(q));
      }
      thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; !stopped; i++) {
                    long s = System.nanoTime();
                    HttpResponse<String> r =
                        client.send(
                            HttpRequest.newBuilder(
                                    URI.create(base + "/v1/collections/" + COLLECTION + "/search"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                        bodies.get(i % bodies.size())))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - s;
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException(
                          "probe search: HTTP " + r.statusCode() + ": " + r.body());
                    }
                    synchronized (latencies) {
                      latencies.add(took);
                    }
                    long rest = intervalMs * 1_000_000L - took;
                    if (rest > 0) {
                      Thread.sleep(rest / 1_000_000L, (int) (rest % 1_000_000L));
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  failure = e;
                }
              },
              "search-probe");
      thread.setDaemon(true);
      thread.start();
    }

    boolean running() {
      return thread.isAlive();
    }

    int count() {
      synchronized (latencies) {
        return latencies.count();
      }
    }

    Latencies stop() throws Exception {
      stopped = true;
      thread.join();
      client.close();
      if (failure != null) {
        throw failure;
      }
      return latencies;
    }
  }

  // --- 6. Recall --------------------------------------------------------------------------------

  private void recall() throws Exception {
    if (recallQueries <= 0) {
      return;
    }
    long t = System.nanoTime();
    // Normalize in place (the JSON bodies are no longer needed): cosine = dot product.
    IntStream.range(0, documents).parallel().forEach(i -> normalize(vectors[i]));
    float[][] qs = queries(SyntheticEmbeddings.RECALL, recallQueries);
    int[][] exact = new int[recallQueries][];
    float[][] exactScores = new float[recallQueries][];
    double[] meanScore = new double[recallQueries];
    IntStream.range(0, recallQueries)
        .parallel()
        .forEach(
            qi -> {
              float[] q = normalize(qs[qi].clone());
              int kk = Math.min(k, documents);
              int[] best = new int[kk];
              float[] bestScore = new float[kk];
              Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
              double sum = 0;
              for (int i = 0; i < documents; i++) {
                float score = VectorUtil.dotProduct(q, vectors[i]);
                sum += score;
                if (score > bestScore[kk - 1]) { // insert into the sorted top k
                  int p = kk - 1;
                  while (p > 0 && bestScore[p - 1] < score) {
                    bestScore[p] = bestScore[p - 1];
                    best[p] = best[p - 1];
                    p--;
                  }
                  bestScore[p] = score;
                  best[p] = i;
                }
              }
              exact[qi] = best;
              exactScores[qi] = bestScore;
              meanScore[qi] = sum / documents;
            });
    double bruteSeconds = (System.nanoTime() - t) / 1e9;

    double recallHttp = 0;
    double recallNarrow = 0;
    CollectionRegistry registry = context.getBean(CollectionRegistry.class);
    VectorIndex index = registry.get(COLLECTION).index(VECTOR);
    for (int qi = 0; qi < recallQueries; qi++) {
      Set<String> truth = new HashSet<>();
      for (int i : exact[qi]) {
        truth.add(id(i));
      }
      List<String> got = httpSearch(searchBody(qs[qi]), null, null);
      recallHttp += overlap(truth, got);
      List<String> narrow = knn(index, qs[qi], k).stream().map(SearchHit::id).toList();
      recallNarrow += overlap(truth, narrow);
    }
    recallHttp /= recallQueries;
    recallNarrow /= recallQueries;
    int candidates = Math.max(k, context.getBean(LakeshelfProperties.class).search().candidates());
    double top1 = 0;
    double topK = 0;
    double random = 0;
    for (int qi = 0; qi < recallQueries; qi++) {
      top1 += exactScores[qi][0];
      topK += exactScores[qi][exactScores[qi].length - 1];
      random += meanScore[qi];
    }
    line(
        "recall: %d queries, exact top %d by brute force over %d vectors in %.1f s",
        recallQueries, k, documents, bruteSeconds);
    line(
        "recall data check: mean exact cosine of the 1st neighbour %.3f, of the %dth %.3f, to a"
            + " random document %.3f",
        top1 / recallQueries, k, topK / recallQueries, random / recallQueries);
    line("recall@%d (service over HTTP, candidates %d): %.4f", k, candidates, recallHttp);
    line(
        "recall@%d (in-process kNN, candidates = k = %d, for comparison): %.4f",
        k, k, recallNarrow);
    summary.put(
        "recall@" + k,
        String.format(
            Locale.ROOT,
            "%.4f (candidates %d; %.4f with candidates %d), %d queries",
            recallHttp,
            candidates,
            recallNarrow,
            k,
            recallQueries));
  }

  private static double overlap(Set<String> truth, List<String> got) {
    int hit = 0;
    for (String id : got) {
      if (truth.contains(id)) {
        hit++;
      }
    }
    return (double) hit / truth.size();
  }

  private static float[] normalize(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int j = 0; j < v.length; j++) {
      v[j] *= inv;
    }
    return v;
  }

  // --- 7. Sizes and memory ----------------------------------------------------------------------

  private void sizes() throws Exception {
    Path collectionDir = dataDir.resolve("collections").resolve(COLLECTION);
    long indexBytes = treeSize(collectionDir.resolve("index"));
    long tableBytes = treeSize(collectionDir.resolve("table"));
    long rawVectorBytes = (long) documents * dimensions * 4;
    line(
        "index size on disk: %.1f MiB (%.2fx the raw float32 vectors, %.0f MiB)",
        indexBytes / 1048576.0, (double) indexBytes / rawVectorBytes, rawVectorBytes / 1048576.0);
    Path log = collectionDir.resolve("table").resolve("_delta_log");
    line(
        "table size on disk: %.1f MiB (%d data files; _delta_log: %d files, %.1f MiB, %d"
            + " checkpoints)",
        tableBytes / 1048576.0,
        countFiles(collectionDir.resolve("table"), ".parquet") - countFiles(log, ".parquet"),
        countFiles(log, ""),
        treeSize(log) / 1048576.0,
        countFiles(log, ".checkpoint.parquet"));
    summary.put("index on disk", String.format(Locale.ROOT, "%.1f MiB", indexBytes / 1048576.0));
    summary.put("table on disk", String.format(Locale.ROOT, "%.1f MiB", tableBytes / 1048576.0));

    VectorIndex index = context.getBean(CollectionRegistry.class).get(COLLECTION).index(VECTOR);
    try (FSDirectory dir = FSDirectory.open(index.path());
        DirectoryReader reader = DirectoryReader.open(dir)) {
      line(
          "Lucene segments: %d (maxDoc %d, numDocs %d incl. one marker document per data file)",
          reader.leaves().size(), reader.maxDoc(), reader.numDocs());
      summary.put("Lucene segments", String.valueOf(reader.leaves().size()));
    } catch (IOException | RuntimeException e) {
      line("Lucene segments: not read (%s)", e);
    }

    // Release the benchmark's own copy of the vectors, then measure what the service keeps.
    vectors = null;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    long heap = memory.getHeapMemoryUsage().getUsed();
    line(
        "heap used after System.gc(): %.1f MiB (service running, benchmark's vectors released)",
        heap / 1048576.0);
    line("non-heap used: %.1f MiB", memory.getNonHeapMemoryUsage().getUsed() / 1048576.0);
    String rss = processRss();
    if (rss != null) {
      line("process resident set: %s (includes page cache of memory-mapped index files)", rss);
    }
    summary.put("heap used after GC", String.format(Locale.ROOT, "%.1f MiB", heap / 1048576.0));
  }

  private static long treeSize(Path root) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // deleted since listed
                }
              })
          .sum();
    }
  }

  private static long countFiles(Path root, String suffix) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .count();
    }
  }

  private static String processRss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return l.substring(6).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  // --- Plumbing ---------------------------------------------------------------------------------

  private HttpAnswer send(String method, String path, String jsonBody)
      throws IOException, InterruptedException {
    return HttpAnswer.send(http, base, method, path, jsonBody);
  }

  private static void expect(HttpAnswer a, int status, String what) {
    a.expect(status, what);
  }

  private static void line(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  private void printSummary() {
    int width = summary.keySet().stream().mapToInt(String::length).max().orElse(10);
    System.out.println();
    System.out.println("---- summary: Lakeshelf ingest/search benchmark ----");
    summary.forEach((key, v) -> System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", key, v));
    System.out.println("----");
    System.out.flush();
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
