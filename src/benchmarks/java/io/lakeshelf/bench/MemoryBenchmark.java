package io.lakeshelf.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.RowFinder;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What memory the service needs to serve a large quantized collection: a Delta table of N rows
 * (synthetic embedding-like vectors plus title and a text of a few sentences), served as an
 * external collection with {@code int8} quantization by the service in a child JVM with a small
 * heap ({@code -Xmx512m} by default), first while it builds the index from scratch, then, in a
 * second child started on the built index with the index's and the table's pages evicted from the
 * page cache, while it answers vector searches with the joined row over HTTP.
 *
 * <pre>
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.MemoryBenchmark \
 *     --rows 1000000 --dimensions 384 --data-dir /tmp/lakeshelf-mem --heap 512m --queries 2000
 * </pre>
 *
 * <p>The table is written once into {@code --data-dir} (by this JVM, whose heap does not count) and
 * reused by later runs with the same rows, dimensions and file size; the index too, unless {@code
 * --fresh-index}. Reported: per phase, the heap used after a full GC, the peak heap (the highest
 * live heap after any GC, and the highest used at all), the process's resident set ({@code VmRSS}
 * split in {@code RssAnon} and {@code RssFile}, and its peak {@code VmHWM}); the index files' bytes
 * by kind; and, from a cold page cache (the files' pages dropped with {@code
 * posix_fadvise(DONTNEED)}, which needs no root: {@code dd iflag=nocache count=0}), how much of
 * each kind is resident ({@code fincore}, i.e. mincore) after 1, 10, 100, ... searches: the pages a
 * search touches.
 */
public final class MemoryBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLLECTION = "mem";
  private static final String[] WORDS = {
    "lake", "shelf", "river", "delta", "vector", "index", "graph", "page", "cache", "memory",
    "table", "row", "column", "search", "query", "answer", "stone", "water", "north", "south",
    "winter", "summer", "light", "shadow", "market", "harbour", "bridge", "forest", "valley", "hill"
  };

  private int rows = 1_000_000;
  private int dimensions = 384;
  private int fileRows = 50_000;
  private String quantization = "int8";
  private String heap = "512m";
  private int queries = 2000;
  private int k = 10;
  private boolean freshIndex;
  private String childJavaOpts = "-XX:+UseG1GC";
  private int histogramSeconds;
  private Path dir = Path.of("/tmp/lakeshelf-mem");
  private String phase = "run";
  private boolean tableOnly;

  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  public static void main(String[] args) throws Exception {
    MemoryBenchmark b = new MemoryBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--rows" -> b.rows = Integer.parseInt(v);
        case "--dimensions" -> b.dimensions = Integer.parseInt(v);
        case "--file-rows" -> b.fileRows = Integer.parseInt(v);
        case "--quantization" -> b.quantization = v;
        case "--heap" -> b.heap = v;
        case "--queries" -> b.queries = Integer.parseInt(v);
        case "--k" -> b.k = Integer.parseInt(v);
        case "--fresh-index" -> b.freshIndex = Boolean.parseBoolean(v);
        case "--child-java-opts" -> b.childJavaOpts = v;
        case "--histogram-seconds" -> b.histogramSeconds = Integer.parseInt(v);
        case "--data-dir" -> b.dir = Path.of(v);
        case "--phase" -> b.phase = v;
        case "--table-only" -> b.tableOnly = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!b.phase.equals("run")) {
      // a child: ends with the benchmark that started it (as if killed: the service recovers)
      ProcessHandle.current()
          .parent()
          .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(2)));
    }
    int status =
        switch (b.phase) {
          case "run" -> b.run();
          case "build" -> b.build();
          case "serve" -> b.serve();
          default -> throw new IllegalArgumentException("unknown phase " + b.phase);
        };
    System.exit(status);
  }

  // --- the parent: table, then a child per phase -----------------------------------------------

  private Path table() {
    return dir.resolve("table-" + rows + "x" + dimensions + "-" + fileRows);
  }

  /**
   * The table the service follows: the written table's data files (hard links) and its log up to
   * the commits published so far, so that a build stopped between two publications resumes from the
   * index's last commit.
   */
  private Path served() {
    return dir.resolve("served-" + rows + "x" + dimensions + "-" + fileRows);
  }

  private Path serviceDir() {
    return dir.resolve("service-" + rows + "x" + dimensions + "-" + fileRows + "-" + quantization);
  }

  private int run() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "== memory benchmark: %,d rows x %d dims (files of %,d rows), quantization %s, heap %s,"
            + " %d cores ==%n",
        rows,
        dimensions,
        fileRows,
        quantization,
        heap,
        Runtime.getRuntime().availableProcessors());
    Files.createDirectories(dir);
    writeTableOnce();
    if (tableOnly) {
      return 0;
    }
    Path built = serviceDir().resolve("built");
    if (freshIndex || !Files.exists(built)) {
      if (freshIndex) {
        deleteTree(serviceDir());
        deleteTree(served());
      }
      int status = child("build");
      if (status != 0) {
        System.out.printf("build phase failed (exit status %d)%n", status);
        return status;
      }
      Files.writeString(built, "built\n");
    } else {
      System.out.println("index: reusing " + serviceDir() + " (--fresh-index true rebuilds it)");
    }
    return child("serve");
  }

  private void writeTableOnce() throws IOException {
    Path table = table();
    Path done = table.resolveSibling(table.getFileName() + ".complete");
    if (Files.exists(done)) {
      System.out.printf(
          Locale.ROOT, "table: reusing %s (%.1f MiB)%n", table, treeSize(table) / 1048576.0);
      return;
    }
    VectorSpec spec = new VectorSpec("body", "body_embedding", dimensions, Similarity.COSINE);
    SyntheticEmbeddings vectors = new SyntheticEmbeddings(dimensions, 1000, 0.6, 42);
    ContentTable writer =
        ContentTable.createManaged(TableEngines.local(), table.toString(), List.of(spec));
    RowFinder blindAppend = (ids, version) -> Map.of();
    long t0 = System.nanoTime();
    // One commit per file: a run stopped meanwhile resumes after the last file committed.
    long committed = writer.latest().version().value() * fileRows;
    for (int from = (int) committed; from < rows; from += fileRows) {
      int to = Math.min(rows, from + fileRows);
      List<Document> docs = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        docs.add(
            new Document(
                "doc-" + i,
                "Title " + i,
                text(i),
                List.of(),
                Map.of("body", vectors.vector(SyntheticEmbeddings.DOCUMENTS, i)),
                Map.of("n", (long) i),
                null));
      }
      writer.upsert(docs, blindAppend);
      System.out.printf(Locale.ROOT, "  table: %,d rows written%n", to);
    }
    Files.writeString(done, "rows=" + rows + "\n");
    System.out.printf(
        Locale.ROOT,
        "table written: %.1f s, %.1f MiB%n",
        (System.nanoTime() - t0) / 1e9,
        treeSize(table) / 1048576.0);
  }

  /** The text of row {@code i}: "Passage i." and two sentences of words chosen by i. */
  static String text(int i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
    StringBuilder s = new StringBuilder(240).append("Passage ").append(i).append('.');
    for (int sentence = 0; sentence < 2; sentence++) {
      s.append(' ');
      int words = 12 + r.nextInt(8);
      for (int w = 0; w < words; w++) {
        String word = WORDS[r.nextInt(WORDS.length)];
        s.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
        s.append(w + 1 == words ? "." : " ");
      }
    }
    return s.toString();
  }

  private int child(String childPhase) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx" + heap);
    for (String o : childJavaOpts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        command.add(o);
      }
    }
    command.addAll(
        List.of(
            "-XX:+ExitOnOutOfMemoryError",
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            MemoryBenchmark.class.getName(),
            "--phase",
            childPhase,
            "--rows",
            Integer.toString(rows),
            "--dimensions",
            Integer.toString(dimensions),
            "--file-rows",
            Integer.toString(fileRows),
            "--quantization",
            quantization,
            "--heap",
            heap,
            "--queries",
            Integer.toString(queries),
            "--k",
            Integer.toString(k),
            "--histogram-seconds",
            Integer.toString(histogramSeconds),
            "--data-dir",
            dir.toString()));
    System.out.printf(
        "--- %s phase: a child JVM with -Xmx%s %s%n", childPhase, heap, childJavaOpts);
    Process p = new ProcessBuilder(command).inheritIO().start();
    Thread stop = new Thread(p::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(stop);
    int status = p.waitFor();
    Runtime.getRuntime().removeShutdownHook(stop);
    return status;
  }

  // --- phase "build": the index from scratch, with the heap watched ------------------------------

  private int build() throws Exception {
    HeapWatch watch = HeapWatch.start();
    ConfigurableApplicationContext context = startService();
    try {
      String body =
          """
          {"mode": "external", "table": "%s", "columns": {"id": "id", "title": "title", "text": "text", "images": "images", "metadata": "metadata"},
           "vectors": {"body": {"column": "body_embedding", "dimensions": %d, "similarity": "cosine", "quantization": "%s"}}}\
          """
              .formatted(served(), dimensions, quantization);
      long start = System.nanoTime();
      int files = (rows + fileRows - 1) / fileRows;
      long published = prepareServed();
      System.out.printf(
          Locale.ROOT,
          "following %s: %d of %d commits published (%d files a stage)%n",
          served(),
          published,
          files,
          STAGE_FILES);
      long startRows = 0;
      HttpResponse<String> existing = send("GET", "/v1/collections/" + COLLECTION, null);
      if (existing.statusCode() == 200) {
        startRows = JSON.readTree(existing.body()).get("documents").asLong();
      } else {
        HttpResponse<String> put = send("PUT", "/v1/collections/" + COLLECTION, body);
        if (put.statusCode() / 100 != 2) {
          System.out.println("PUT answered " + put.statusCode() + ": " + put.body());
          return 1;
        }
      }
      long nextReport = start;
      long nextHistogram = start + histogramSeconds * 1_000_000_000L;
      while (true) {
        JsonNode c = collection();
        String status = c.get("status").asString();
        if (status.equals("failed")) {
          System.out.println("collection failed: " + c.get("error"));
          return 1;
        }
        long documents = c.get("documents").asLong();
        if (status.equals("ready") && documents == rows) {
          break;
        }
        if (status.equals("ready")
            && documents == Math.min(rows, published * fileRows)
            && published < files) {
          published = publish(published, Math.min(files, published + STAGE_FILES));
          System.out.printf(
              Locale.ROOT,
              "  %4.0f s: %,d rows indexed and committed; commits up to %d published; %s%n",
              (System.nanoTime() - start) / 1e9,
              documents,
              published,
              watch.line());
        }
        long now = System.nanoTime();
        if (now >= nextReport) {
          System.out.printf(
              Locale.ROOT, "  %4.0f s: %s, %s%n", (now - start) / 1e9, status, watch.line());
          nextReport = now + 30_000_000_000L;
        }
        if (histogramSeconds > 0 && now >= nextHistogram) {
          printHistogram(20);
          nextHistogram = now + histogramSeconds * 1_000_000_000L;
        }
        Thread.sleep(200);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "index built: %,d rows in this run in %.1f s (%,.0f rows/s)%n",
          rows - startRows,
          seconds,
          (rows - startRows) / seconds);
      long merging = System.nanoTime();
      while (mergesRunning() > 0) {
        Thread.sleep(500);
      }
      System.out.printf(
          Locale.ROOT,
          "merges after the build: %.1f s more%n",
          (System.nanoTime() - merging) / 1e9);
      indexFiles(false);
      watch.report("build", heapBytes());
    } finally {
      context.close();
    }
    return 0;
  }

  private static final int STAGE_FILES = 2;

  /** Links the data files into the served table; answers the last commit its log holds. */
  private long prepareServed() throws IOException {
    Path log = served().resolve("_delta_log");
    Files.createDirectories(log);
    try (Stream<Path> files = Files.list(table())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Path link = served().resolve(f.getFileName());
        if (!Files.exists(link)) {
          Files.createLink(link, f);
        }
      }
    }
    long last = -1;
    try (Stream<Path> entries = Files.list(log)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".json")) {
          last = Math.max(last, Long.parseLong(name.substring(0, name.length() - 5)));
        }
      }
    }
    return last < 0 ? publish(-1, Math.min(STAGE_FILES, (rows + fileRows - 1) / fileRows)) : last;
  }

  /**
   * Publishes the written table's commits after {@code from} up to {@code to}; answers {@code to}.
   */
  private long publish(long from, long to) throws IOException {
    Path source = table().resolve("_delta_log");
    Path log = served().resolve("_delta_log");
    for (long v = from + 1; v <= to; v++) {
      String name = String.format(Locale.ROOT, "%020d", v);
      for (String ext : List.of(".crc", ".json")) {
        Path f = source.resolve(name + ext);
        if (Files.exists(f)) {
          Path tmp = served().resolve(name + ext + ".tmp");
          Files.copy(f, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, log.resolve(name + ext), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    return to;
  }

  private static int mergesRunning() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("Lucene Merge Thread")) {
        n++;
      }
    }
    return n;
  }

  // --- phase "serve": the built index opened, searched from a cold page cache --------------------

  private int serve() throws Exception {
    HeapWatch watch = HeapWatch.start();
    long t0 = System.nanoTime();
    ConfigurableApplicationContext context = startService();
    try {
      while (true) {
        JsonNode c = collection();
        if (c.get("status").asString().equals("ready")) {
          break;
        }
        Thread.sleep(100);
      }
      System.out.printf(
          Locale.ROOT,
          "service started on the built index: %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      Map<String, List<Path>> kinds = indexFiles(true);
      List<Path> tableFiles;
      try (Stream<Path> walk = Files.walk(served())) {
        tableFiles = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
      }
      List<Path> all = new ArrayList<>(tableFiles);
      kinds.values().forEach(all::addAll);
      for (Path p : all) {
        evict(p);
      }
      System.gc();
      Map<String, Long> rss0 = rss();
      System.out.printf(
          Locale.ROOT,
          "page cache of the index and table files dropped; heap after GC %.1f MiB; %s%n",
          heapBytes() / 1048576.0,
          rssLine(rss0));
      kinds.put("table (Parquet)", tableFiles);

      SyntheticEmbeddings vectors = new SyntheticEmbeddings(dimensions, 1000, 0.6, 42);
      List<Integer> checkpoints = new ArrayList<>();
      for (int c = 1; c < queries; c *= 10) {
        checkpoints.add(c);
      }
      checkpoints.add(queries);
      Map<String, Long> before = resident(kinds);
      System.out.printf(
          Locale.ROOT,
          "%-10s %-18s %s%n",
          "searches",
          "latency p50/p99",
          "resident after them, by kind (MiB; share of the kind's bytes)");
      System.out.printf(Locale.ROOT, "%-10s %-18s %s%n", 0, "", residentLine(before, kinds));
      int done = 0;
      long joinedHits = 0;
      Map<String, Long> last = before;
      int lastCount = 0;
      for (int checkpoint : checkpoints) {
        Latencies l = new Latencies(checkpoint - done);
        for (; done < checkpoint; done++) {
          long s = System.nanoTime();
          JsonNode hits = search(vectors.vector(SyntheticEmbeddings.QUERIES, done));
          l.add(System.nanoTime() - s);
          joinedHits += checkJoined(hits);
        }
        Map<String, Long> now = resident(kinds);
        System.out.printf(
            Locale.ROOT,
            "%-10d %-18s %s%n",
            checkpoint,
            String.format(Locale.ROOT, "%.1f/%.1f ms", l.percentileMs(50), l.percentileMs(99)),
            residentLine(now, kinds));
        if (lastCount == 0) {
          System.out.printf(
              Locale.ROOT,
              "  the first search from cold brought in: %s%n",
              deltaLine(before, now, 1));
        } else if (checkpoint <= 100) {
          System.out.printf(
              Locale.ROOT,
              "  each of searches %d-%d brought in on average: %s%n",
              lastCount + 1,
              checkpoint,
              deltaLine(last, now, checkpoint - lastCount));
        }
        last = now;
        lastCount = checkpoint;
      }
      System.out.printf(
          Locale.ROOT,
          "%,d searches, k=%d, each hit's row joined (title, text, metadata checked: %,d hits)%n",
          queries,
          k,
          joinedHits);
      Map<String, Long> rss1 = rss();
      System.out.printf(Locale.ROOT, "after the searches: %s%n", rssLine(rss1));
      System.out.printf(
          Locale.ROOT,
          "  growth over the searches: RssAnon %+.1f MiB, RssFile %+.1f MiB (mapped index pages"
              + " this process touched)%n",
          (rss1.getOrDefault("RssAnon", 0L) - rss0.getOrDefault("RssAnon", 0L)) / 1048576.0,
          (rss1.getOrDefault("RssFile", 0L) - rss0.getOrDefault("RssFile", 0L)) / 1048576.0);
      watch.report("serve", heapBytes());
    } finally {
      context.close();
    }
    return 0;
  }

  private JsonNode search(float[] q) throws IOException, InterruptedException {
    StringBuilder s = new StringBuilder(dimensions * 12 + 40).append("{\"vector\":[");
    for (int j = 0; j < q.length; j++) {
      if (j > 0) {
        s.append(',');
      }
      s.append(q[j]);
    }
    s.append("],\"k\":").append(k).append('}');
    HttpResponse<String> r =
        send("POST", "/v1/collections/" + COLLECTION + "/search", s.toString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body()).get("hits");
  }

  /** Checks that every hit carries its own row; answers the hits. */
  private int checkJoined(JsonNode hits) {
    if (hits.size() != k) {
      throw new IllegalStateException("expected " + k + " hits, got " + hits.size());
    }
    for (JsonNode h : hits) {
      String id = h.get("id").asString();
      int n = Integer.parseInt(id.substring("doc-".length()));
      JsonNode d = h.get("document");
      if (!d.get("title").asString().equals("Title " + n)
          || !d.get("text").asString().equals(text(n))
          || d.get("metadata").get("n").asLong() != n) {
        throw new IllegalStateException("hit " + id + " joined another row: " + d);
      }
    }
    return hits.size();
  }

  // --- index files, page cache ------------------------------------------------------------------

  private static final Map<String, String> KINDS =
      Map.of(
          "vec", ".vec full-precision floats",
          "veq", ".veq quantized vectors",
          "vex", ".vex HNSW graph",
          "cfs", ".cfs compound (small segments)");

  /** The index files by kind, printed with their sizes. */
  private Map<String, List<Path>> indexFiles(boolean quiet) throws IOException {
    Path index = serviceDir().resolve("data/collections/" + COLLECTION + "/index/body");
    Map<String, List<Path>> kinds = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(index)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (p.getParent().equals(index)) {
          continue; // CURRENT
        }
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        kinds.computeIfAbsent(KINDS.getOrDefault(ext, "others"), x -> new ArrayList<>()).add(p);
      }
    }
    long total = 0;
    int segments = 0;
    for (List<Path> files : kinds.values()) {
      for (Path p : files) {
        total += Files.size(p);
        if (p.getFileName().toString().endsWith(".si")) {
          segments++;
        }
      }
    }
    if (!quiet) {
      System.out.printf(
          Locale.ROOT, "index files: %.1f MiB in %d segments%n", total / 1048576.0, segments);
      for (Map.Entry<String, List<Path>> e : kinds.entrySet()) {
        long bytes = 0;
        for (Path p : e.getValue()) {
          bytes += Files.size(p);
        }
        System.out.printf(
            Locale.ROOT,
            "  %-32s %9.1f MiB (%.0f bytes a row)%n",
            e.getKey(),
            bytes / 1048576.0,
            (double) bytes / rows);
      }
    } else {
      System.out.printf(
          Locale.ROOT, "index files: %.1f MiB in %d segments%n", total / 1048576.0, segments);
    }
    return kinds;
  }

  /** Drops the file's pages from the page cache (posix_fadvise DONTNEED; no root needed). */
  private static void evict(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      if (!Files.exists(file)) {
        return; // a commit or merge of the serving index replaced it meanwhile: nothing to drop
      }
      throw new IOException("dd could not drop " + file + " from the page cache: " + out);
    }
  }

  /** Resident bytes of each kind's files in the page cache ({@code fincore}, i.e. mincore(2)). */
  private static Map<String, Long> resident(Map<String, List<Path>> kinds)
      throws IOException, InterruptedException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Path>> e : kinds.entrySet()) {
      long bytes = 0;
      List<Path> files = e.getValue();
      for (int from = 0; from < files.size(); from += 200) {
        List<String> command =
            new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
        files
            .subList(from, Math.min(files.size(), from + 200))
            .forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IOException("fincore failed: " + text);
        }
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            bytes += Long.parseLong(line.trim());
          }
        }
      }
      out.put(e.getKey(), bytes);
    }
    return out;
  }

  private static String residentLine(Map<String, Long> resident, Map<String, List<Path>> kinds)
      throws IOException {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Long> e : resident.entrySet()) {
      long size = 0;
      for (Path p : kinds.get(e.getKey())) {
        size += Files.size(p);
      }
      if (!s.isEmpty()) {
        s.append("; ");
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%s %.1f (%.1f%%)",
              e.getKey().split(" ")[0],
              e.getValue() / 1048576.0,
              size == 0 ? 0 : 100.0 * e.getValue() / size));
    }
    return s.toString();
  }

  private static String deltaLine(Map<String, Long> from, Map<String, Long> to, int searches) {
    StringBuilder s = new StringBuilder();
    long total = 0;
    for (Map.Entry<String, Long> e : to.entrySet()) {
      long d = (e.getValue() - from.getOrDefault(e.getKey(), 0L)) / searches;
      total += d;
      if (!s.isEmpty()) {
        s.append(", ");
      }
      s.append(String.format(Locale.ROOT, "%s %.0f KiB", e.getKey().split(" ")[0], d / 1024.0));
    }
    return String.format(Locale.ROOT, "%.1f MiB (%s)", total / 1048576.0, s);
  }

  // --- memory of this process -------------------------------------------------------------------

  /** The heap used after a full collection. */
  private static long heapBytes() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** VmRSS, RssAnon, RssFile, RssShmem and VmHWM of this process, in bytes. */
  static Map<String, Long> rss() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      for (String key : List.of("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM")) {
        if (l.startsWith(key + ":")) {
          out.put(
              key, Long.parseLong(l.substring(key.length() + 1).replace("kB", "").trim()) * 1024);
        }
      }
    }
    return out;
  }

  private static String rssLine(Map<String, Long> rss) {
    StringBuilder s = new StringBuilder();
    rss.forEach(
        (key, bytes) -> {
          if (!s.isEmpty()) {
            s.append(", ");
          }
          s.append(String.format(Locale.ROOT, "%s %.1f MiB", key, bytes / 1048576.0));
        });
    return s.toString();
  }

  private static void printHistogram(int top) {
    try {
      String h =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
      String[] lines = h.split("\n");
      System.out.println("  class histogram (live objects, after a full GC):");
      for (int i = 0; i < Math.min(lines.length, top + 3); i++) {
        System.out.println("    " + lines[i]);
      }
    } catch (Exception e) {
      System.out.println("  class histogram failed: " + e);
    }
  }

  /**
   * The heap over a phase: sampled every 20 ms (used, committed) and after every collection (what
   * survived it: the live heap, with the garbage of old regions a young collection leaves).
   */
  private static final class HeapWatch {
    private final AtomicLong maxUsed = new AtomicLong();
    private final AtomicLong maxCommitted = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong maxAfterFullGc = new AtomicLong();
    private final AtomicLong gcs = new AtomicLong();
    private final AtomicLong gcNanos = new AtomicLong();

    static HeapWatch start() {
      HeapWatch w = new HeapWatch();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (n, handback) -> {
                  if (!n.getType()
                      .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                  }
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                  long after = 0;
                  for (Map.Entry<String, MemoryUsage> e :
                      info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (isHeap(e.getKey())) {
                      after += e.getValue().getUsed();
                    }
                  }
                  w.maxAfterGc.accumulateAndGet(after, Math::max);
                  if (!info.getGcName().contains("Young")
                      && !info.getGcName().contains("Concurrent")) {
                    w.maxAfterFullGc.accumulateAndGet(after, Math::max);
                  }
                  w.gcs.incrementAndGet();
                  w.gcNanos.addAndGet(info.getGcInfo().getDuration() * 1_000_000L);
                },
                null,
                null);
      }
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                  w.maxUsed.accumulateAndGet(u.getUsed(), Math::max);
                  w.maxCommitted.accumulateAndGet(u.getCommitted(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-watch");
      t.setDaemon(true);
      t.start();
      return w;
    }

    private static boolean isHeap(String pool) {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getName().equals(pool)) {
          return p.getType() == MemoryType.HEAP;
        }
      }
      return false;
    }

    String line() throws IOException {
      MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      return String.format(
          Locale.ROOT,
          "heap used %.0f MiB (peak live after GC so far %.0f MiB), RSS %.0f MiB",
          u.getUsed() / 1048576.0,
          maxAfterGc.get() / 1048576.0,
          rss().getOrDefault("VmRSS", 0L) / 1048576.0);
    }

    void report(String phase, long heapAfterGc) throws IOException {
      long max = Runtime.getRuntime().maxMemory();
      long poolPeaks = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          poolPeaks += p.getPeakUsage().getUsed();
        }
      }
      Map<String, Long> rss = rss();
      System.out.printf(
          Locale.ROOT, "memory, %s phase (max heap %.0f MiB):%n", phase, max / 1048576.0);
      System.out.printf(
          Locale.ROOT,
          "  heap used after a full GC:           %7.1f MiB (%.2f of the max heap)%n",
          heapAfterGc / 1048576.0,
          (double) heapAfterGc / max);
      System.out.printf(
          Locale.ROOT,
          "  peak heap live (after any GC):       %7.1f MiB (%.2f of the max heap)%n",
          maxAfterGc.get() / 1048576.0,
          (double) maxAfterGc.get() / max);
      System.out.printf(
          Locale.ROOT,
          "  peak heap used (sampled, garbage in): %6.1f MiB; committed %.1f MiB; pools' peaks"
              + " summed %.1f MiB%n",
          maxUsed.get() / 1048576.0,
          maxCommitted.get() / 1048576.0,
          poolPeaks / 1048576.0);
      System.out.printf(
          Locale.ROOT, "  collections: %d, %.1f s in pauses%n", gcs.get(), gcNanos.get() / 1e9);
      System.out.printf(
          Locale.ROOT,
          "  non-heap used %.1f MiB; process %s%n",
          ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed() / 1048576.0,
          rssLine(rss));
    }
  }

  // --- plumbing ---------------------------------------------------------------------------------

  private ConfigurableApplicationContext startService() {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(LakeshelfApplication.class)
            .run(
                "--server.port=0",
                "--lakeshelf.data-dir=" + serviceDir().resolve("data"),
                "--logging.level.io.lakeshelf=warn",
                "--logging.level.root=warn");
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return context;
  }

  private JsonNode collection() throws IOException, InterruptedException {
    return JSON.readTree(send("GET", "/v1/collections/" + COLLECTION, null).body());
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofMinutes(5));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long treeSize(Path root) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      long bytes = 0;
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(p);
      }
      return bytes;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
