package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.api.request.DocumentValidator;
import io.lakeshelf.index.embed.CorpusEmbeddings;
import io.lakeshelf.index.embed.EmbeddingOptions;
import io.lakeshelf.index.embed.EmbeddingService;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import io.lakeshelf.index.embed.Passage;
import io.lakeshelf.index.embed.RealTextCorpus;
import io.lakeshelf.index.embed.SharedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.util.VectorUtil;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark of issue 15 ("serve at the physical limit"): one run, one data set, every target
 * printed as a ratio to an anchor measured in the same JVM.
 *
 * <p>Data: the first {@code --documents} passages of {@link RealTextCorpus} (WordNet 3.1 glosses)
 * as the corpus and the next {@code --queries} as held-out questions, embedded with the bundled
 * all-MiniLM-L6-v2 (384 d). The embeddings are cached by {@link CorpusEmbeddings} (a file keyed by
 * model, token limit and corpus, holding the vectors of the corpus's first passages; a run that
 * needs no more than it holds embeds nothing), by default under {@code src/target/}. The truth is
 * the exact top {@code k} by brute force.
 *
 * <p>Anchors, in process: raw Lucene HNSW over the same vectors ({@link RawLuceneAnchor}: same
 * format and graph settings as Lakeshelf, one force-merged segment, the same candidates), its
 * recall, p50, p99 and build rows/s; the model's own time to embed one question, and its own
 * throughput over documents; LanceDB when its script is installed (below), else LanceDB's figures
 * as the issue states them.
 *
 * <p>Lakeshelf, started in this process on a random port and called over real HTTP (JDK client, one
 * keep-alive connection, sequential, warm): ingest with client vectors, search ids only, search
 * with the joined row, text search (the service embeds the question), index build from the table
 * (an external collection over the managed table, and a reindex), search while an ingest runs, and
 * ingest with the bundled model.
 *
 * <pre>
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.ServingBenchmark \
 *     [--documents 20000] [--queries 200] [--batch 1000] [--k 10] [--candidates 100]
 *     [--warmup 5] [--rounds 3] [--load-rows 20000] [--model-ingest-rows 1000]
 *     [--skip-lucene] [--skip-model] [--skip-text] [--skip-build] [--skip-load]
 *     [--skip-model-ingest] [--skip-lancedb] [--lancedb-dir DIR] [--embeddings-cache FILE]
 *     [--data-dir DIR] [--prepare-only] [--some.service.property=value ...]
 * </pre>
 *
 * <p>{@code --prepare-only} embeds and caches the corpus and stops. Before each kind of search the
 * benchmark waits until the service is idle (background merges done), so that each is measured warm
 * and quiet, except the search under ingest, which is measured against an ingest on a second
 * connection.
 *
 * <p>LanceDB (optional): {@code cd src/benchmarks/lancedb && npm install} once installs
 * {@code @lancedb/lancedb}; when {@code node_modules} is there, this benchmark runs {@code
 * serving-anchor.mjs} with node on the same vectors and texts it wrote, and takes its p50, p99 and
 * recall with title and text as the anchor of the joined search. Nothing is installed or downloaded
 * at run time.
 */
public final class ServingBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLLECTION = "serving";
  private static final String VECTOR = "body";

  /** LanceDB's figures as issue 15 states them: 0.39, IVF_HNSW_SQ, ef 100, with title and text. */
  private static final double ISSUE_LANCEDB_P50 = 2.5;

  private static final double ISSUE_LANCEDB_P99 = 4.8;
  private static final double ISSUE_LANCEDB_RECALL = 0.986;

  // Options.
  private int documents = 20_000;
  private int queries = 200;
  private int batch = 1000;
  private int k = 10;
  private int candidates = 100;
  private int warmup = 5; // the JIT still compiles the search path after 2 passes
  private int rounds = 3;
  private int loadRows = 20_000;
  private int modelIngestRows = 1_000;
  private boolean skipLucene;
  private boolean skipModel;
  private boolean skipText;
  private boolean skipBuild;
  private boolean skipLoad;
  private boolean skipModelIngest;
  private boolean skipLancedb;
  private boolean prepareOnly;
  private Path lancedbDir;
  private Path embeddingsCache;
  private Path dataDir;
  private boolean deleteDataDir;
  private final List<String> serviceArgs = new ArrayList<>();

  // Data.
  private List<Passage> corpus;
  private List<Passage> questions;
  private float[][] vectors; // documents + queries, unit length
  private int[][] truth; // per query, the corpus positions of the exact top k
  private final Map<String, Integer> ordOfId = new HashMap<>();

  // Anchors.
  private Stat lucene;
  private double luceneBuildRowsPerSecond = Double.NaN;
  private double modelP50 = Double.NaN;
  private double modelDocsPerSecond = Double.NaN;
  private Stat lancedb;
  private String lancedbNote;

  // Lakeshelf.
  private double ingestRowsPerSecond = Double.NaN;
  private Stat idsOnly;
  private Stat joined;
  private Stat text;
  private double externalRowsPerSecond = Double.NaN;
  private double reindexRowsPerSecond = Double.NaN;
  private double idleP99 = Double.NaN;
  private double loadedP99 = Double.NaN;
  private int loadedSearches;
  private double modelIngestDocsPerSecond = Double.NaN;

  private final HttpClient http = newClient();
  private PlainHttpClient plainClient;
  private ConfigurableApplicationContext context;
  private String base;
  private final long start = System.nanoTime();
  private final Map<String, String> notes = new LinkedHashMap<>();

  /** Latency percentiles and recall of one kind of search. */
  private record Stat(double p50, double p99, double recall, int samples) {}

  public static void main(String[] args) throws Exception {
    ServingBenchmark b = new ServingBenchmark();
    try {
      b.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ServingBenchmark: " + e.getMessage());
      System.err.println(
          "usage: lakeshelf-benchmark --main io.lakeshelf.bench.ServingBenchmark [--documents N]"
              + " [--queries N] [--batch N] [--k N] [--candidates N] [--warmup N] [--rounds N]"
              + " [--load-rows N] [--model-ingest-rows N] [--skip-lucene] [--skip-model]"
              + " [--skip-text] [--skip-build] [--skip-load] [--skip-model-ingest] [--skip-lancedb]"
              + " [--prepare-only] [--lancedb-dir DIR] [--embeddings-cache FILE] [--data-dir DIR]"
              + " [--some.service.property=value ...]");
      System.exit(2);
    }
    b.run();
    System.exit(0);
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
      if (name.contains(".")) {
        if (value == null) {
          throw new IllegalArgumentException(
              "service properties are given as --" + name + "=value");
        }
        serviceArgs.add(a);
        continue;
      }
      if (name.startsWith("skip-")) {
        switch (name) {
          case "skip-lucene" -> skipLucene = true;
          case "skip-model" -> skipModel = true;
          case "skip-text" -> skipText = true;
          case "skip-build" -> skipBuild = true;
          case "skip-load" -> skipLoad = true;
          case "skip-model-ingest" -> skipModelIngest = true;
          case "skip-lancedb" -> skipLancedb = true;
          default -> throw new IllegalArgumentException("unknown option --" + name);
        }
        continue;
      }
      if (name.equals("prepare-only")) {
        prepareOnly = true;
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "documents" -> documents = atLeast(name, value, 100);
        case "queries" -> queries = atLeast(name, value, 1);
        case "batch" -> batch = atLeast(name, value, 1);
        case "k" -> k = atLeast(name, value, 1);
        case "candidates" -> candidates = atLeast(name, value, 1);
        case "warmup" -> warmup = atLeast(name, value, 0);
        case "rounds" -> rounds = atLeast(name, value, 1);
        case "load-rows" -> loadRows = atLeast(name, value, 0);
        case "model-ingest-rows" -> modelIngestRows = atLeast(name, value, 0);
        case "lancedb-dir" -> lancedbDir = Path.of(value).toAbsolutePath();
        case "embeddings-cache" -> embeddingsCache = Path.of(value).toAbsolutePath();
        case "data-dir" -> dataDir = Path.of(value).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    if (documents + queries > RealTextCorpus.SIZE) {
      throw new IllegalArgumentException(
          "--documents plus --queries must be at most " + RealTextCorpus.SIZE);
    }
    if (k > documents) {
      throw new IllegalArgumentException("--k must be at most --documents");
    }
  }

  private static int atLeast(String name, String value, int min) {
    int v = Integer.parseInt(value.replace("_", "").replace(",", ""));
    if (v < min) {
      throw new IllegalArgumentException("--" + name + " must be at least " + min);
    }
    return v;
  }

  /** The project's root when run from it (or from {@code src/}), else null. */
  private static Path projectRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isDirectory(cwd.resolve("src/benchmarks"))) {
      return cwd;
    }
    if (Files.isDirectory(cwd.resolve("benchmarks")) && cwd.getParent() != null) {
      return cwd.getParent();
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------

  private void run() throws Exception {
    Path root = projectRoot();
    if (embeddingsCache == null) {
      Path target = root != null ? root.resolve("src/target") : Path.of("target").toAbsolutePath();
      embeddingsCache = target.resolve("embeddings-cache/all-minilm-l6-v2-wordnet31.f32");
    }
    if (lancedbDir == null && root != null) {
      lancedbDir = root.resolve("src/benchmarks/lancedb");
    }
    if (dataDir == null) {
      dataDir = Files.createTempDirectory("lakeshelf-serving-bench-");
      deleteDataDir = true;
    } else {
      Files.createDirectories(dataDir);
    }
    header();
    try {
      corpus();
      if (prepareOnly) {
        line("--prepare-only: corpus embedded and cached; nothing measured");
        return;
      }
      if (!skipModel) {
        modelAnchor();
      }
      if (!skipLucene) {
        luceneAnchor();
      }
      if (!skipLancedb) {
        lancedbAnchor();
      }
      startService();
      ingest();
      searches();
      if (!skipBuild) {
        buildFromTable();
      }
      if (!skipLoad && loadRows > 0) {
        searchUnderIngest();
      }
      if (!skipModelIngest && modelIngestRows > 0 && !skipModel) {
        ingestWithModel();
      }
    } finally {
      if (context != null) {
        context.close();
      }
      if (deleteDataDir) {
        deleteTree(dataDir);
      }
    }
    if (!prepareOnly) {
      table();
    }
  }

  private void header() {
    Runtime rt = Runtime.getRuntime();
    line("== Lakeshelf serving benchmark (issue 15) ==");
    line(
        "java %s, %d cores, max heap %d MiB, JVM args %s",
        Runtime.version(),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    line(
        "corpus: WordNet 3.1 glosses, %,d passages + %d held-out queries, %s (%d d); k %d,"
            + " candidates %d; %d warm-up pass(es), %d timed pass(es) per search kind",
        documents,
        queries,
        MiniLmEmbedder.NAME,
        MiniLmEmbedder.DIMENSIONS,
        k,
        candidates,
        warmup,
        rounds);
    line("embeddings cache: %s", embeddingsCache);
    line("data dir: %s%s", dataDir, deleteDataDir ? " (temporary)" : "");
  }

  // --- data -------------------------------------------------------------------------------------

  private void corpus() {
    long t = System.nanoTime();
    List<Passage> all = RealTextCorpus.first(documents + queries);
    corpus = all.subList(0, documents);
    questions = all.subList(documents, documents + queries);
    for (int i = 0; i < documents; i++) {
      ordOfId.put(corpus.get(i).id(), i);
    }
    progress("corpus read: %,d passages in %.1f s", all.size(), (System.nanoTime() - t) / 1e9);
    System.setProperty(CorpusEmbeddings.CACHE_PROPERTY, embeddingsCache.toString());
    t = System.nanoTime();
    vectors = CorpusEmbeddings.first(documents + queries);
    progress(
        "embeddings: %,d vectors in %.1f s (cache %s)",
        vectors.length, (System.nanoTime() - t) / 1e9, embeddingsCache);
    for (float[] v : vectors) {
      normalize(v); // the model's vectors are unit length already; to float precision
    }
    t = System.nanoTime();
    truth = new int[queries][];
    IntStream.range(0, queries)
        .parallel()
        .forEach(q -> truth[q] = exactTop(vectors[documents + q]));
    progress(
        "truth: exact top %d of %d queries by brute force over %,d vectors in %.1f s",
        k, queries, documents, (System.nanoTime() - t) / 1e9);
  }

  private int[] exactTop(float[] q) {
    int[] best = new int[k];
    float[] score = new float[k];
    Arrays.fill(score, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < documents; i++) {
      float s = VectorUtil.dotProduct(q, vectors[i]);
      if (s > score[k - 1]) {
        int p = k - 1;
        while (p > 0 && score[p - 1] < s) {
          score[p] = score[p - 1];
          best[p] = best[p - 1];
          p--;
        }
        score[p] = s;
        best[p] = i;
      }
    }
    return best;
  }

  private double recall(int query, List<Integer> got) {
    Set<Integer> want = new HashSet<>();
    for (int i : truth[query]) {
      want.add(i);
    }
    int hit = 0;
    for (Integer i : got) {
      if (i != null && want.contains(i)) {
        hit++;
      }
    }
    return (double) hit / k;
  }

  // --- anchors in process -----------------------------------------------------------------------

  private void modelAnchor() throws Exception {
    MiniLmEmbedder model = SharedModel.get();
    for (int w = 0; w < Math.max(1, warmup); w++) {
      for (Passage q : questions) {
        model.embed(List.of(q.text()));
      }
    }
    Latencies l = new Latencies(queries * rounds);
    CpuMeter cpu = new CpuMeter();
    for (int r = 0; r < rounds; r++) {
      for (Passage q : questions) {
        long t = System.nanoTime();
        model.embed(List.of(q.text()));
        l.add(System.nanoTime() - t);
      }
    }
    modelP50 = l.percentileMs(50);
    notes.put("CPU while the model embedded questions", cpu.report());
    line("model alone, one question per call, one thread: %s", l.summary());
    if (skipModelIngest || modelIngestRows <= 0) {
      return;
    }
    int n = Math.min(modelIngestRows, documents);
    List<String> texts = new ArrayList<>(n);
    for (Passage p : corpus.subList(0, n)) {
      texts.add(DocumentValidator.embeddingInput(p.title(), p.text()));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    EmbeddingOptions defaults = EmbeddingOptions.defaults();
    try (EmbeddingService service =
        new EmbeddingService(
            model,
            new EmbeddingOptions(
                EmbeddingOptions.DEFAULT_BATCH_SIZE, 2, 8, defaults.admissionTimeout()))) {
      service.embedAll(texts.subList(0, Math.min(200, n))); // warm
      long t = System.nanoTime();
      service.embedAll(texts);
      double s = (System.nanoTime() - t) / 1e9;
      modelDocsPerSecond = n / s;
    }
    line(
        "model alone, %,d documents (title + text), batches of %d on 2 threads (%d cores):"
            + " %,.0f documents/s",
        n, EmbeddingOptions.DEFAULT_BATCH_SIZE, cores, modelDocsPerSecond);
  }

  private void luceneAnchor() throws Exception {
    Path dir = dataDir.resolve("raw-lucene");
    RawLuceneAnchor.Build[] timing = new RawLuceneAnchor.Build[1];
    progress("raw Lucene: indexing %,d vectors on one thread...", documents);
    try (RawLuceneAnchor anchor = RawLuceneAnchor.build(dir, vectors, documents, timing)) {
      RawLuceneAnchor.Build b = timing[0];
      luceneBuildRowsPerSecond = documents / (b.addAndCommitNanos() / 1e9);
      line(
          "raw Lucene build (add + commit, one thread): %.1f s = %,.0f rows/s, %d segment(s);"
              + " force-merge to one: %.1f s",
          b.addAndCommitNanos() / 1e9,
          luceneBuildRowsPerSecond,
          b.segmentsBeforeMerge(),
          b.forceMergeNanos() / 1e9);
      Latencies l = new Latencies(queries * rounds);
      double found = 0;
      CpuMeter cpu = new CpuMeter();
      for (int r = -warmup; r < rounds; r++) {
        for (int q = 0; q < queries; q++) {
          float[] v = vectors[documents + q];
          long t = System.nanoTime();
          var top = anchor.search(v, k, candidates);
          long took = System.nanoTime() - t;
          if (r >= 0) {
            l.add(took);
            if (r == 0) {
              found += recall(q, anchor.ords(top));
            }
          }
        }
      }
      lucene = new Stat(l.percentileMs(50), l.percentileMs(99), found / queries, l.count());
      notes.put("CPU during the raw Lucene searches", cpu.report());
      line(
          "raw Lucene HNSW search, %d segment, %d candidates, k %d: recall@%d %.3f; %s",
          anchor.segments(), candidates, k, k, lucene.recall(), l.summary());
    }
    deleteTree(dir);
  }

  /** Writes the vectors and texts for the LanceDB script, runs it if installed. */
  private void lancedbAnchor() throws Exception {
    if (lancedbDir == null
        || !Files.isRegularFile(lancedbDir.resolve("serving-anchor.mjs"))
        || !Files.isDirectory(lancedbDir.resolve("node_modules/@lancedb/lancedb"))) {
      lancedbNote =
          "LanceDB not installed ("
              + (lancedbDir == null ? "no --lancedb-dir" : lancedbDir + "/node_modules")
              + "): the issue's figures";
      line("LanceDB: %s", lancedbNote);
      return;
    }
    Path dir = dataDir.resolve("lancedb-input");
    Files.createDirectories(dir);
    writeVectors(dir.resolve("vectors.f32"));
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("dimensions", MiniLmEmbedder.DIMENSIONS);
    input.put("documents", documents);
    input.put("queries", queries);
    input.put("k", k);
    input.put("candidates", candidates);
    input.put("warmup", warmup);
    input.put("rounds", rounds);
    input.put("ids", corpus.stream().map(Passage::id).toList());
    input.put("titles", corpus.stream().map(Passage::title).toList());
    input.put("texts", corpus.stream().map(Passage::text).toList());
    input.put("truth", Arrays.stream(truth).map(t -> Arrays.stream(t).boxed().toList()).toList());
    Files.write(dir.resolve("corpus.json"), JSON.writeValueAsBytes(input));
    progress("LanceDB: running %s/serving-anchor.mjs with node...", lancedbDir);
    ProcessBuilder pb =
        new ProcessBuilder("node", "serving-anchor.mjs", dir.toString())
            .directory(lancedbDir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      lancedbNote = "the LanceDB script did not finish: the issue's figures";
      line("LanceDB: %s", lancedbNote);
      return;
    }
    if (p.exitValue() != 0) {
      lancedbNote = "the LanceDB script failed (exit " + p.exitValue() + "): the issue's figures";
      line("LanceDB: %s", lancedbNote);
      return;
    }
    JsonNode result = null;
    for (String l : out.split("\n")) {
      if (l.startsWith("{")) {
        result = JSON.readTree(l);
      } else if (!l.isBlank()) {
        System.out.println("  lancedb: " + l);
      }
    }
    if (result == null) {
      lancedbNote = "the LanceDB script printed no result: the issue's figures";
      line("LanceDB: %s", lancedbNote);
      return;
    }
    lancedb =
        new Stat(
            result.path("p50").asDouble(Double.NaN),
            result.path("p99").asDouble(Double.NaN),
            result.path("recall").asDouble(Double.NaN),
            result.path("samples").asInt(0));
    lancedbNote =
        "LanceDB "
            + result.path("version").asString("?")
            + " in node, "
            + result.path("index").asString("?")
            + ", measured";
    line(
        "LanceDB %s (%s), with title and text, k %d: recall@%d %.3f; p50 %.3f ms, p99 %.3f ms;"
            + " table + index written in %.1f s",
        result.path("version").asString("?"),
        result.path("index").asString("?"),
        k,
        k,
        lancedb.recall(),
        lancedb.p50(),
        lancedb.p99(),
        result.path("buildSeconds").asDouble(Double.NaN));
    double build = result.path("buildSeconds").asDouble(Double.NaN);
    notes.put(
        "LanceDB table write + index build",
        String.format(Locale.ROOT, "%.1f s (%,.0f rows/s)", build, documents / build));
    deleteTree(dir);
  }

  private void writeVectors(Path file) throws IOException {
    int d = MiniLmEmbedder.DIMENSIONS;
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocate(d * Float.BYTES * 1024).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : vectors) {
        if (buf.remaining() < d * Float.BYTES) {
          ch.write(buf.flip());
          buf.clear();
        }
        buf.asFloatBuffer().put(v);
        buf.position(buf.position() + d * Float.BYTES);
      }
      ch.write(buf.flip());
    }
  }

  // --- Lakeshelf over HTTP ----------------------------------------------------------------------

  private void startService() throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--lakeshelf.data-dir=" + dataDir.resolve("service"));
    args.add("--lakeshelf.search.candidates=" + candidates);
    args.add("--spring.main.banner-mode=off");
    args.add("--logging.level.root=WARN");
    args.add("--logging.level.io.delta.kernel.internal.snapshot.SnapshotManager=ERROR");
    args.addAll(serviceArgs);
    long t = System.nanoTime();
    context =
        new SpringApplicationBuilder(LakeshelfApplication.class).run(args.toArray(String[]::new));
    base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    progress("service started in %.1f s at %s, args %s", (System.nanoTime() - t) / 1e9, base, args);
    // A vector filled by the model when a document has none; this benchmark sends its vectors
    // (the same model's), so that text search works on the same collection.
    expect(
        send(
            "PUT",
            "/v1/collections/" + COLLECTION,
            "{\"vectors\": {\"" + VECTOR + "\": {\"embed\": \"" + MiniLmEmbedder.NAME + "\"}}}"),
        201,
        "creating the collection");
  }

  private String documentJson(Passage p, int ord, float[] vector, String id) {
    StringBuilder b = new StringBuilder(4600);
    b.append("{\"id\":").append(JSON.writeValueAsString(id));
    b.append(",\"title\":").append(JSON.writeValueAsString(p.title()));
    b.append(",\"text\":").append(JSON.writeValueAsString(p.text()));
    if (vector != null) {
      b.append(",\"vectors\":{\"").append(VECTOR).append("\":");
      b.append(JSON.writeValueAsString(vector)).append('}');
    }
    b.append(",\"metadata\":{\"pos\":\"").append(p.id().charAt(0)).append("\",\"ord\":");
    b.append(ord).append("}}");
    return b.toString();
  }

  private List<byte[]> ingestBodies(int from, int to, String idPrefix, boolean withVectors) {
    List<byte[]> bodies = new ArrayList<>();
    for (int s = from; s < to; s += batch) {
      StringBuilder b = new StringBuilder("{\"documents\":[");
      for (int i = s; i < Math.min(to, s + batch); i++) {
        if (i > s) {
          b.append(',');
        }
        int ord = i % documents;
        Passage p = corpus.get(ord);
        String id = idPrefix.isEmpty() ? p.id() : idPrefix + (i / documents) + "-" + p.id();
        b.append(documentJson(p, ord, withVectors ? vectors[ord] : null, id));
      }
      bodies.add(b.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  private void ingest() throws Exception {
    List<byte[]> bodies = ingestBodies(0, documents, "", true);
    long bytes = bodies.stream().mapToLong(b -> b.length).sum();
    progress(
        "ingest: %,d rows with client vectors in %d batches (%.1f MiB of JSON)...",
        documents, bodies.size(), bytes / 1048576.0);
    Latencies requests = new Latencies(bodies.size());
    CpuMeter cpu = new CpuMeter();
    long wall0 = System.nanoTime();
    long checks = 0;
    for (int b = 0; b < bodies.size(); b++) {
      long t = System.nanoTime();
      HttpAnswer a = post("/v1/collections/" + COLLECTION + "/documents", bodies.get(b));
      requests.add(System.nanoTime() - t);
      expect(a, 200, "ingest batch " + b);
      JsonNode json = a.json();
      int last = Math.min(documents, (b + 1) * batch) - 1;
      if (json.path("upserted").asInt(-1) != last - b * batch + 1
          || !json.path("searchable").asBoolean(false)) {
        throw new IllegalStateException("ingest batch " + b + ": " + a.body());
      }
      // Read-your-writes (not timed): the batch's last row is found by its own vector.
      long c = System.nanoTime();
      List<String> found = ids(searchOnce(vectorBody(vectors[last], 1, "[]")).json());
      if (found.isEmpty() || !found.get(0).equals(corpus.get(last).id())) {
        throw new IllegalStateException(
            "read-your-writes: after batch "
                + b
                + " the search for row "
                + last
                + " found "
                + found);
      }
      checks += System.nanoTime() - c;
      if (b % 5 == 4 || b == bodies.size() - 1) {
        progress(
            "  ingest: %,d/%,d rows, last batch %.0f ms, table version %d",
            last + 1, documents, requests.percentileMs(100), json.path("tableVersion").asLong(-1));
      }
    }
    double wall = (System.nanoTime() - wall0 - checks) / 1e9;
    ingestRowsPerSecond = documents / (requests.totalNanos() / 1e9);
    line(
        "Lakeshelf ingest, client vectors, batches of %d, each read-your-writes: %,.0f rows/s"
            + " (rows / request time %.1f s; wall without the checks %.1f s); batch %s; CPU %s",
        batch,
        ingestRowsPerSecond,
        requests.totalNanos() / 1e9,
        wall,
        requests.summary(),
        cpu.report());
  }

  private String vectorBody(float[] v, int kk, String include) {
    return "{\"vector\":"
        + JSON.writeValueAsString(v)
        + ",\"k\":"
        + kk
        + ",\"include\":"
        + include
        + "}";
  }

  private static final String JOINED = "[\"title\",\"text\",\"metadata\"]";

  /** One kind of search: its request bodies, one per query, and whether hits carry rows. */
  private record Kind(String name, List<byte[]> bodies, boolean rows, boolean jdkClient) {
    Kind(String name, List<byte[]> bodies, boolean rows) {
      this(name, bodies, rows, false);
    }
  }

  /**
   * Ids only, joined and (unless skipped) text searches, interleaved query by query (each query's
   * three requests one after another), so that all three see the same moments of the machine and of
   * the service: a ratio between them does not drift with what else runs.
   */
  private void searches() throws Exception {
    List<byte[]> ids = new ArrayList<>();
    List<byte[]> rows = new ArrayList<>();
    List<byte[]> texts = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      ids.add(vectorBody(vectors[documents + q], k, "[]").getBytes(StandardCharsets.UTF_8));
      rows.add(vectorBody(vectors[documents + q], k, JOINED).getBytes(StandardCharsets.UTF_8));
      texts.add(
          ("{\"text\":"
                  + JSON.writeValueAsString(questions.get(q).text())
                  + ",\"k\":"
                  + k
                  + ",\"include\":"
                  + JOINED
                  + "}")
              .getBytes(StandardCharsets.UTF_8));
    }
    List<Kind> kinds = new ArrayList<>();
    kinds.add(new Kind("vector search, ids only (\"include\": [])", ids, false));
    kinds.add(new Kind("vector search with the joined row (title, text, metadata)", rows, true));
    if (!skipText) {
      kinds.add(new Kind("text search (the service embeds the question), joined row", texts, true));
    }
    // The same ids-only searches through the JDK's HttpClient: what that client adds by itself.
    kinds.add(
        new Kind("vector search, ids only, through java.net.http.HttpClient", ids, false, true));
    settle();
    Stat[] stats = timedSearches(kinds);
    idsOnly = stats[0];
    joined = stats[1];
    if (!skipText) {
      text = stats[2];
    }
    Stat viaJdk = stats[stats.length - 1];
    notes.put(
        "ids only through java.net.http.HttpClient (the same searches; its own cost)",
        String.format(
            Locale.ROOT,
            "p50 %.2f ms, p99 %.2f ms: %+.2f ms at p50 over the plain keep-alive client",
            viaJdk.p50(),
            viaJdk.p99(),
            viaJdk.p50() - idsOnly.p50()));
    notes.put("segments after ingest", segments());
  }

  /** Warm-up passes, then timed passes over the queries; recall of the first timed pass. */
  private Stat[] timedSearches(List<Kind> kinds) throws Exception {
    String path = "/v1/collections/" + COLLECTION + "/search";
    int n = kinds.size();
    Latencies[] l = new Latencies[n];
    Latencies[] server = new Latencies[n];
    double[] found = new double[n];
    for (int j = 0; j < n; j++) {
      l[j] = new Latencies(queries * rounds);
      server[j] = new Latencies(queries);
    }
    progress(
        "searches over HTTP: %d kinds interleaved, %d warm-up + %d timed passes of %d queries...",
        n, warmup, rounds, queries);
    CpuMeter cpu = null;
    for (int r = -warmup; r < rounds; r++) {
      if (r == 0) {
        cpu = new CpuMeter();
      }
      for (int q = 0; q < queries; q++) {
        for (int j = 0; j < n; j++) {
          Kind kind = kinds.get(j);
          long t = System.nanoTime();
          HttpAnswer a =
              kind.jdkClient()
                  ? postWithJdkClient(path, kind.bodies().get(q))
                  : post(path, kind.bodies().get(q));
          long took = System.nanoTime() - t;
          expect(a, 200, kind.name());
          if (r < 0) {
            continue;
          }
          l[j].add(took);
          if (r == 0) {
            JsonNode json = a.json();
            server[j].add((long) (json.path("tookMs").asDouble(0) * 1e6));
            found[j] += recall(q, ordsOf(json, kind.rows()));
          }
        }
      }
    }
    String cpuReport = cpu.report();
    notes.put("CPU during the HTTP searches", cpuReport);
    Stat[] stats = new Stat[n];
    for (int j = 0; j < n; j++) {
      stats[j] =
          new Stat(l[j].percentileMs(50), l[j].percentileMs(99), found[j] / queries, l[j].count());
      line(
          "Lakeshelf over HTTP, %s: recall@%d %.3f; %s; server tookMs p50 %.0f",
          kinds.get(j).name(), k, stats[j].recall(), l[j].summary(), server[j].percentileMs(50));
    }
    line("  CPU over these searches: %s", cpuReport);
    return stats;
  }

  /** The corpus positions of the hits; with {@code checkRows}, each hit's row is checked. */
  private List<Integer> ordsOf(JsonNode json, boolean checkRows) {
    List<Integer> ords = new ArrayList<>();
    for (JsonNode hit : json.get("hits")) {
      String id = hit.get("id").asString();
      Integer ord = ordOfId.get(id);
      ords.add(ord);
      if (checkRows && ord != null) {
        Passage p = corpus.get(ord);
        JsonNode doc = hit.get("document");
        if (doc == null
            || !p.title().equals(doc.path("title").asString(null))
            || !p.text().equals(doc.path("text").asString(null))
            || doc.path("metadata").path("ord").asInt(-1) != ord) {
          throw new IllegalStateException("hit " + id + " is not its own row: " + hit);
        }
      }
    }
    return ords;
  }

  private static List<String> ids(JsonNode json) {
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : json.get("hits")) {
      ids.add(hit.get("id").asString());
    }
    return ids;
  }

  private HttpAnswer searchOnce(String body) throws Exception {
    HttpAnswer a =
        post("/v1/collections/" + COLLECTION + "/search", body.getBytes(StandardCharsets.UTF_8));
    expect(a, 200, "search");
    return a;
  }

  private void buildFromTable() throws Exception {
    JsonNode c = send("GET", "/v1/collections/" + COLLECTION, null).json();
    String table = c.get("table").asString();
    long rows = c.get("documents").asLong();
    // First build: an external collection over the managed collection's table.
    String body =
        """
        {"mode": "external", "table": %s,
         "columns": {"id": "id", "title": "title", "text": "text", "images": "images", "metadata": "metadata"},
         "vectors": {"%s": {"column": "%s_embedding", "dimensions": %d, "similarity": "cosine"}}}\
        """
            .formatted(JSON.writeValueAsString(table), VECTOR, VECTOR, MiniLmEmbedder.DIMENSIONS);
    progress("index build: external collection over %s (%,d rows)...", table, rows);
    long t = System.nanoTime();
    expect(send("PUT", "/v1/collections/serving_ext", body), 201, "creating the external one");
    while (true) {
      JsonNode e = send("GET", "/v1/collections/serving_ext", null).json();
      String status = e.path("status").asString("");
      if (status.equals("failed")) {
        throw new IllegalStateException("external collection failed: " + e);
      }
      if (status.equals("ready") && e.path("documents").asLong(-1) == rows) {
        break;
      }
      Thread.sleep(10);
    }
    double s = (System.nanoTime() - t) / 1e9;
    externalRowsPerSecond = rows / s;
    line(
        "Lakeshelf index build, first build (external collection over the table): %,d rows in"
            + " %.1f s = %,.0f rows/s",
        rows, s, externalRowsPerSecond);
    expect(send("DELETE", "/v1/collections/serving_ext", null), 204, "deleting the external one");

    progress("index build: reindex of %s...", COLLECTION);
    t = System.nanoTime();
    HttpAnswer a = send("POST", "/v1/admin/collections/" + COLLECTION + "/reindex", null);
    expect(a, 202, "starting the reindex");
    String job = a.json().get("id").asString();
    JsonNode j;
    while (true) {
      j = send("GET", "/v1/admin/jobs/" + job, null).json();
      String state = j.path("state").asString("");
      if (state.equals("succeeded")) {
        break;
      }
      if (state.equals("failed") || state.equals("cancelled")) {
        throw new IllegalStateException("reindex " + state + ": " + j);
      }
      Thread.sleep(10);
    }
    s = (System.nanoTime() - t) / 1e9;
    long total = j.path("rowsTotal").asLong(rows);
    reindexRowsPerSecond = total / s;
    line(
        "Lakeshelf index build, reindex job: %,d rows in %.1f s = %,.0f rows/s",
        total, s, reindexRowsPerSecond);
    notes.put("segments after reindex", segments());
  }

  private void searchUnderIngest() throws Exception {
    List<byte[]> searches = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      searches.add(vectorBody(vectors[documents + q], k, JOINED).getBytes(StandardCharsets.UTF_8));
    }
    String path = "/v1/collections/" + COLLECTION + "/search";
    settle();
    Latencies idle = new Latencies(queries * rounds);
    for (int r = -1; r < rounds; r++) {
      for (byte[] b : searches) {
        long t = System.nanoTime();
        expect(post(path, b), 200, "search");
        if (r >= 0) {
          idle.add(System.nanoTime() - t);
        }
      }
    }
    idleP99 = idle.percentileMs(99);
    List<byte[]> bodies = ingestBodies(0, loadRows, "load-", true);
    progress(
        "search under ingest: %,d more rows (ids load-*) in %d batches while searching...",
        loadRows, bodies.size());
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] ingestNanos = new long[1];
    Thread ingest =
        new Thread(
            () -> {
              long t = System.nanoTime();
              try (PlainHttpClient writer = new PlainHttpClient(base)) {
                for (byte[] b : bodies) {
                  HttpAnswer r = writer.post("/v1/collections/" + COLLECTION + "/documents", b);
                  if (r.status() != 200) {
                    throw new IllegalStateException("ingest under search: " + r.body());
                  }
                }
              } catch (Throwable e) {
                failure.set(e);
              } finally {
                ingestNanos[0] = System.nanoTime() - t;
                done.set(true);
              }
            },
            "bench-ingest");
    Latencies loaded = new Latencies(4096);
    ingest.start();
    int q = 0;
    while (!done.get()) {
      long t = System.nanoTime();
      HttpAnswer a = post(path, searches.get(q));
      long took = System.nanoTime() - t;
      expect(a, 200, "search under ingest");
      if (!done.get()) {
        loaded.add(took);
      }
      q = (q + 1) % queries;
    }
    ingest.join();
    if (failure.get() != null) {
      throw new IllegalStateException("the ingest under search failed", failure.get());
    }
    loadedP99 = loaded.percentileMs(99);
    loadedSearches = loaded.count();
    line(
        "search with the joined row while %,d rows are ingested (%.1f s, %,.0f rows/s): %d"
            + " searches, %s; idle just before: %s",
        loadRows,
        ingestNanos[0] / 1e9,
        loadRows / (ingestNanos[0] / 1e9),
        loadedSearches,
        loaded.summary(),
        idle.summary());
  }

  private void ingestWithModel() throws Exception {
    // The model's own throughput is measured on a quiet machine; so is this (the load phase
    // before it leaves merges of its 20,000 rows running).
    settle();
    int n = Math.min(modelIngestRows, documents);
    expect(
        send(
            "PUT",
            "/v1/collections/serving_embed",
            "{\"vectors\": {\"" + VECTOR + "\": {\"embed\": \"" + MiniLmEmbedder.NAME + "\"}}}"),
        201,
        "creating the embedding collection");
    List<byte[]> bodies = ingestBodies(0, n, "", false);
    progress("ingest with the bundled model: %,d rows without vectors...", n);
    Latencies requests = new Latencies(bodies.size());
    for (int b = 0; b < bodies.size(); b++) {
      long t = System.nanoTime();
      HttpAnswer a = post("/v1/collections/serving_embed/documents", bodies.get(b));
      requests.add(System.nanoTime() - t);
      expect(a, 200, "ingest with the model, batch " + b);
    }
    modelIngestDocsPerSecond = n / (requests.totalNanos() / 1e9);
    line(
        "Lakeshelf ingest without vectors (the service embeds title + text), batches of %d:"
            + " %,.0f rows/s",
        batch, modelIngestDocsPerSecond);
    expect(
        send("DELETE", "/v1/collections/serving_embed?purge=true", null),
        204,
        "deleting the embedding collection");
  }

  /**
   * Waits until the service has been unwritten long enough to merge its index down to one segment
   * (3 s, see VectorIndex#mergeDownIfIdle), the index has one segment, and the process then uses
   * less than a tenth of a core over four quarter seconds in a row, at most 120 s: merges and syncs
   * left by the previous phase are done. (A quiet quarter second alone is not enough: the merge
   * down starts 3 s after the last write, often after a gap between the ingest's own merges.)
   */
  private void settle() throws InterruptedException {
    long t0 = System.nanoTime();
    Thread.sleep(4_000);
    int quiet = 0;
    while (System.nanoTime() - t0 < 120_000_000_000L) {
      long cpu0 = CpuMeter.processCpuNanos();
      long w0 = System.nanoTime();
      Thread.sleep(250);
      double cores = (double) (CpuMeter.processCpuNanos() - cpu0) / (System.nanoTime() - w0);
      quiet = cores < 0.1 ? quiet + 1 : 0;
      if (quiet >= 4 && segmentCount() <= 1) {
        break;
      }
    }
    double waited = (System.nanoTime() - t0) / 1e9;
    if (waited > 1) {
      progress("  waited %.1f s for the service to be idle (%s segments)", waited, segments());
    }
  }

  /** The serving index's segment count, or -1 when it cannot be read. */
  private int segmentCount() {
    String s = segments();
    int space = s.indexOf(' ');
    try {
      return Integer.parseInt(space < 0 ? s : s.substring(0, space));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The Lucene segments of the serving index, read from its directory (a diagnostic). */
  private String segments() {
    Path index = dataDir.resolve("service/collections/" + COLLECTION + "/index/" + VECTOR);
    try {
      Path current = index.resolve("CURRENT"); // absent until a rebuild: the first is g0
      String generation = Files.isRegularFile(current) ? Files.readString(current).strip() : "g0";
      try (var dir = org.apache.lucene.store.FSDirectory.open(index.resolve(generation));
          var reader = org.apache.lucene.index.DirectoryReader.open(dir)) {
        return reader.leaves().size() + " (maxDoc " + reader.maxDoc() + ")";
      }
    } catch (IOException | RuntimeException e) {
      return "not read (" + e + ")";
    }
  }

  // --- the table --------------------------------------------------------------------------------

  private record Row(String target, String measured, String anchor, String ratio, String verdict) {}

  private void table() {
    List<Row> rows = new ArrayList<>();
    Stat lance =
        lancedb != null
            ? lancedb
            : new Stat(ISSUE_LANCEDB_P50, ISSUE_LANCEDB_P99, ISSUE_LANCEDB_RECALL, 0);
    String lanceName = lancedb != null ? "LanceDB (this run)" : "LanceDB (from the issue)";
    if (joined != null) {
      rows.add(
          le(
              "joined p50 <= LanceDB p50 with title+text",
              joined.p50(),
              "ms",
              lance.p50(),
              lanceName + " p50",
              1));
      rows.add(
          le(
              "stretch: joined p50 <= 1/2 LanceDB p50",
              joined.p50(),
              "ms",
              lance.p50() / 2,
              "1/2 " + lanceName + " p50",
              1));
      rows.add(le("joined p99 <= 2 x joined p50", joined.p99(), "ms", joined.p50(), "p50", 2));
      rows.add(
          atLeastRow(
              "joined recall@" + k + " >= 0.98 (LanceDB's)",
              joined.recall(),
              lance.recall(),
              lanceName));
      if (documents >= 100_000) {
        rows.add(le("at 100k rows: joined p50 <= 3 ms", joined.p50(), "ms", 3, "(absolute)", 1));
      }
    }
    if (idsOnly != null) {
      rows.add(le("ids only p50 <= 1 ms", idsOnly.p50(), "ms", 1, "(absolute)", 1));
      if (lucene != null) {
        rows.add(
            le(
                "ids only p50 <= 3 x raw Lucene p50",
                idsOnly.p50(),
                "ms",
                lucene.p50(),
                "raw Lucene p50",
                3));
      }
      rows.add(
          atLeastRow(
              "ids only recall@" + k + " >= 0.98",
              idsOnly.recall(),
              lucene == null ? Double.NaN : lucene.recall(),
              "raw Lucene"));
    }
    if (text != null && !Double.isNaN(modelP50)) {
      rows.add(
          le(
              "text p50 <= model's time + 2 ms",
              text.p50(),
              "ms",
              modelP50 + 2,
              String.format(Locale.ROOT, "model p50 %.2f ms + 2", modelP50),
              1));
      rows.add(atLeastRow("text recall@" + k + " >= 0.98", text.recall(), Double.NaN, ""));
    }
    if (!Double.isNaN(ingestRowsPerSecond)) {
      rows.add(
          new Row(
              "ingest, client vectors, batches of " + batch + " >= 10,000 rows/s",
              fmt(ingestRowsPerSecond, "rows/s"),
              Double.isNaN(luceneBuildRowsPerSecond)
                  ? "-"
                  : fmt(luceneBuildRowsPerSecond, "rows/s") + " raw Lucene build",
              Double.isNaN(luceneBuildRowsPerSecond)
                  ? "-"
                  : String.format(
                      Locale.ROOT, "%.2f", ingestRowsPerSecond / luceneBuildRowsPerSecond),
              verdict(ingestRowsPerSecond >= 10_000)));
    }
    if (!Double.isNaN(modelIngestDocsPerSecond) && !Double.isNaN(modelDocsPerSecond)) {
      double ratio = modelIngestDocsPerSecond / modelDocsPerSecond;
      rows.add(
          new Row(
              "ingest with the bundled model >= 0.9 x the model's throughput",
              fmt(modelIngestDocsPerSecond, "rows/s"),
              fmt(modelDocsPerSecond, "docs/s") + " model alone",
              String.format(Locale.ROOT, "%.2f (>= 0.9)", ratio),
              verdict(ratio >= 0.9)));
    }
    for (String[] build : new String[][] {{"first build (external)", "e"}, {"reindex", "r"}}) {
      double v = build[1].equals("e") ? externalRowsPerSecond : reindexRowsPerSecond;
      if (Double.isNaN(v)) {
        continue;
      }
      boolean raw = !Double.isNaN(luceneBuildRowsPerSecond);
      double ratio = raw ? v / luceneBuildRowsPerSecond : Double.NaN;
      rows.add(
          new Row(
              "index build, " + build[0] + ": >= 10,000 rows/s or >= raw Lucene / 1.2",
              fmt(v, "rows/s"),
              raw ? fmt(luceneBuildRowsPerSecond, "rows/s") + " raw Lucene build" : "-",
              raw ? String.format(Locale.ROOT, "%.2f (>= 0.83)", ratio) : "-",
              verdict(v >= 10_000 || (raw && ratio >= 1 / 1.2))));
    }
    if (!Double.isNaN(loadedP99)) {
      rows.add(
          le(
              "no cliff: p99 under ingest <= 3 x idle p99",
              loadedP99,
              "ms",
              idleP99,
              "idle p99",
              3));
    }

    int[] w = {6, 8, 6, 5, 4};
    for (Row r : rows) {
      w[0] = Math.max(w[0], r.target().length());
      w[1] = Math.max(w[1], r.measured().length());
      w[2] = Math.max(w[2], r.anchor().length());
      w[3] = Math.max(w[3], r.ratio().length());
    }
    String f = "| %-" + w[0] + "s | %-" + w[1] + "s | %-" + w[2] + "s | %-" + w[3] + "s | %-4s |%n";
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "---- issue 15 targets: %,d WordNet passages, %s, %d queries, k %d, %d candidates,"
            + " one plain keep-alive HTTP client, warm ----%n",
        documents,
        MiniLmEmbedder.NAME,
        queries,
        k,
        candidates);
    System.out.printf(Locale.ROOT, f, "target", "measured", "anchor", "ratio", "pass");
    System.out.printf(
        Locale.ROOT,
        f,
        "-".repeat(w[0]),
        "-".repeat(w[1]),
        "-".repeat(w[2]),
        "-".repeat(w[3]),
        "----");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT, f, r.target(), r.measured(), r.anchor(), r.ratio(), r.verdict());
    }
    System.out.println();
    System.out.println("figures:");
    if (lucene != null) {
      figure("raw Lucene HNSW, in process", lucene);
    }
    figure(lanceName + ", with title and text", lance);
    if (lancedbNote != null) {
      System.out.println("  (" + lancedbNote + ")");
    }
    if (idsOnly != null) {
      figure("Lakeshelf over HTTP, ids only", idsOnly);
    }
    if (joined != null) {
      figure("Lakeshelf over HTTP, vector, with the joined row", joined);
    }
    if (text != null) {
      figure("Lakeshelf over HTTP, text (the service embeds)", text);
    }
    if (!Double.isNaN(modelP50)) {
      System.out.printf(Locale.ROOT, "  model alone, one question: p50 %.2f ms%n", modelP50);
    }
    if (!Double.isNaN(loadedP99)) {
      System.out.printf(
          Locale.ROOT,
          "  joined search p99 idle %.2f ms, under ingest %.2f ms (%d searches)%n",
          idleP99,
          loadedP99,
          loadedSearches);
    }
    notes.forEach((key, v) -> System.out.printf(Locale.ROOT, "  %s: %s%n", key, v));
    System.out.println(
        "  not measured here: S3 round trips (S3JoinBenchmark), memory at 1M x 384 int8,"
            + " ingest sustained over 100k rows (--documents 100000)");
    System.out.printf(
        Locale.ROOT, "  benchmark wall time %.0f s%n", (System.nanoTime() - start) / 1e9);
    System.out.flush();
  }

  private void figure(String name, Stat s) {
    System.out.printf(
        Locale.ROOT,
        "  %-50s recall@" + k + " %.3f  p50 %6.2f ms  p99 %6.2f ms%s%n",
        name,
        s.recall(),
        s.p50(),
        s.p99(),
        s.samples() > 0 ? "  (" + s.samples() + " searches)" : "");
  }

  /** A latency target: measured <= limit x anchor. */
  private static Row le(
      String target, double measured, String unit, double anchor, String anchorName, double limit) {
    double ratio = measured / anchor;
    return new Row(
        target,
        fmt(measured, unit),
        fmt(anchor, unit) + " " + anchorName,
        String.format(Locale.ROOT, "%.2f (<= %s)", ratio, trim(limit)),
        verdict(ratio <= limit));
  }

  private static Row atLeastRow(String target, double recall, double anchor, String anchorName) {
    return new Row(
        target,
        String.format(Locale.ROOT, "%.3f", recall),
        Double.isNaN(anchor) ? "-" : String.format(Locale.ROOT, "%.3f %s", anchor, anchorName),
        Double.isNaN(anchor) ? "-" : String.format(Locale.ROOT, "%.3f", recall / anchor),
        verdict(recall >= 0.98));
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String fmt(double v, String unit) {
    if (unit.equals("ms")) {
      return String.format(Locale.ROOT, "%.2f ms", v);
    }
    return String.format(Locale.ROOT, "%,.0f %s", v, unit);
  }

  private static String verdict(boolean pass) {
    return pass ? "pass" : "FAIL";
  }

  // --- plumbing ---------------------------------------------------------------------------------

  private static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private HttpRequest request(String path, byte[] body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofMinutes(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** A POST through the plain keep-alive client every figure of this benchmark is taken with. */
  private HttpAnswer post(String path, byte[] body) throws IOException {
    return plain().post(path, body);
  }

  private HttpAnswer postWithJdkClient(String path, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    return new HttpAnswer(r.statusCode(), r.body());
  }

  private HttpAnswer send(String method, String path, String body) throws IOException {
    return plain().send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private PlainHttpClient plain() {
    if (plainClient == null) {
      plainClient = new PlainHttpClient(base);
    }
    return plainClient;
  }

  private static void expect(HttpAnswer a, int status, String what) {
    a.expect(status, what);
  }

  private static void normalize(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int j = 0; j < v.length; j++) {
      v[j] *= inv;
    }
  }

  private static void line(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  private void progress(String format, Object... args) {
    System.err.printf(
        Locale.ROOT,
        "[%5.1f s] %s%n",
        (System.nanoTime() - start) / 1e9,
        String.format(Locale.ROOT, format, args));
    System.err.flush();
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
