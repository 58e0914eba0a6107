package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.content.storage.S3BlobStore;
import io.lakeshelf.content.storage.S3Location;
import io.lakeshelf.content.storage.StorageRequestListener;
import io.lakeshelf.content.testing.S3TestServer;
import io.lakeshelf.index.snapshot.IndexSnapshots;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stateless replicas (issue 16): how long a new node takes to serve a collection from the index
 * snapshot in a shared catalog, next to a new node that has to build the index from the same table
 * on the same machine; the snapshot's size and raw download speed; and the lag from a commit on one
 * node to searchable on another.
 *
 * <pre>
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.SnapshotBenchmark --rows 200000 \
 *     --dimensions 384 [--batch 1000 --quantization none|int8|int4|bbq --lag-samples 20 \
 *     --lag-batch 10 --sync-interval 2s --heap 2g --data-dir DIR --phase all|prepare|measure]
 * </pre>
 *
 * <p>{@code --phase all} (the default) does everything from an empty {@code --data-dir}. On a busy
 * machine the two halves run apart, each within a run's time: {@code --phase prepare} ingests for
 * at most {@code --budget-seconds} (480) and is run again until it has published the snapshot (the
 * rows of batch i are seeded by i, so a resumed ingest writes what one run would); {@code --phase
 * measure} then restarts A on its data and measures B, the lag and C (B and C always start empty).
 *
 * <p>One S3-protocol server in this process (S3Proxy, objects in files under {@code --data-dir} or
 * a temporary directory) holds the catalog {@code s3://bench/catalog}. Every node is the real
 * service in a child JVM of its own ({@code -Xmx2g}), started with an empty data directory:
 * start-up is what is measured, and a child pays it whole (class loading, Spring, the catalog
 * read), as a new replica on a new machine would.
 *
 * <ol>
 *   <li>Node A creates a managed collection in the catalog and ingests {@code --rows} random unit
 *       vectors (seeded) over HTTP in batches, then publishes a snapshot ({@code POST
 *       /v1/admin/collections/{name}/snapshots}).
 *   <li>This process downloads the snapshot's objects once, one after the other as a restore does:
 *       the raw download rate, to project the restore to other stores.
 *   <li>Replica B starts on the catalog: time from its process start to answering a search at A's
 *       table version, with {@code indexSource.kind == snapshot}; B and A answer the same top-10
 *       ids to the same queries at the same table version.
 *   <li>Lag: A ingests {@code --lag-batch} documents {@code --lag-samples} times; for each, the
 *       time from A's answer until a search on B (polled every 20 ms) finds the first new document.
 *   <li>The anchor, replica C, alone on the machine (A and B stopped, which favours C): a second
 *       catalog holding only the collection's definition (the same managed table, no snapshots), so
 *       C builds the index from the table: time from its process start to answering a search at A's
 *       table version.
 * </ol>
 */
public final class SnapshotBenchmark {

  private static final String BUCKET = "bench";
  private static final String COLLECTION = "docs";
  private static final int CORRECTNESS_QUERIES = 5;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private int rows = 200_000;
  private int dimensions = 384;
  private int batch = 1000;
  private String quantization = "none";
  private int lagSamples = 20;
  private int lagBatch = 10;
  private String syncInterval = "2s";
  private String heap = "2g";
  private boolean publishMerged = true;
  private String phase = "all";
  private long budgetSeconds = 480;
  private Path dataDir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String[]> table = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--node")) {
      node(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    SnapshotBenchmark b = new SnapshotBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--rows" -> b.rows = Integer.parseInt(v);
        case "--dimensions" -> b.dimensions = Integer.parseInt(v);
        case "--batch" -> b.batch = Integer.parseInt(v);
        case "--quantization" -> b.quantization = v;
        case "--lag-samples" -> b.lagSamples = Integer.parseInt(v);
        case "--lag-batch" -> b.lagBatch = Integer.parseInt(v);
        case "--sync-interval" -> b.syncInterval = v;
        case "--heap" -> b.heap = v;
        case "--publish-merged" -> b.publishMerged = Boolean.parseBoolean(v);
        case "--phase" -> b.phase = v;
        case "--budget-seconds" -> b.budgetSeconds = Long.parseLong(v);
        case "--data-dir" -> b.dataDir = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("every option takes a value: " + Arrays.toString(args));
    }
    int status = b.run();
    System.exit(status);
  }

  /** A child: the service, ended with the benchmark that started it (as if killed). */
  private static void node(String[] args) {
    ProcessHandle.current()
        .parent()
        .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(2)));
    LakeshelfApplication.main(args);
  }

  private int run() throws Exception {
    long wall = System.nanoTime();
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("lakeshelf-snapshot-bench");
    Path marker = dir.resolve("prepared.properties");
    Path ingestState = dir.resolve("ingest.properties");
    String shape = rows + "x" + dimensions + "-" + quantization + "-" + batch;
    Properties prepared = load(marker);
    Properties ingest = load(ingestState);
    if (phase.equals("all") || !shape.equals(ingest.getProperty("shape", shape))) {
      for (String sub : List.of("s3", "nodes", "download")) {
        deleteTree(dir.resolve(sub));
      }
      Files.deleteIfExists(marker);
      Files.deleteIfExists(ingestState);
      prepared = new Properties();
      ingest = new Properties();
    }
    ingest.setProperty("shape", shape);
    System.out.printf(
        Locale.ROOT,
        "== snapshot benchmark (%s): %,d rows x %d dims, quantization %s, batches of %,d; nodes"
            + " in child JVMs with -Xmx%s, sync interval %s; %d cores; data in %s ==%n",
        phase,
        rows,
        dimensions,
        quantization,
        batch,
        heap,
        syncInterval,
        Runtime.getRuntime().availableProcessors(),
        dir);
    System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    try (S3TestServer s3 = S3TestServer.start(Files.createDirectories(dir.resolve("s3")));
        S3Client client = s3.client(StorageRequestListener.NONE)) {
      s3.createBucket(BUCKET);
      String catalog = "s3://" + BUCKET + "/catalog";
      String buildCatalog = "s3://" + BUCKET + "/build-catalog";
      Node a = null;
      try {
        if (!prepared.containsKey("snapshotBytes")) {
          if (phase.equals("measure")) {
            System.out.println("nothing prepared in " + dir + ": run --phase prepare first");
            return 2;
          }
          a = Node.start(this, "a", s3, catalog, dir);
          a.awaitUp();
          boolean complete = ingestAll(a, ingest, phase.equals("prepare") ? budgetSeconds : 0);
          store(ingest, ingestState);
          if (!complete) {
            System.out.printf(
                Locale.ROOT,
                "stopped after %d s of ingest (--budget-seconds): run --phase prepare again to"
                    + " go on%n",
                budgetSeconds);
            return 3;
          }
          if (publishMerged) {
            awaitOneSegment(dir.resolve("nodes").resolve("a").resolve("data"));
          }
          publish(a);
          prepared.setProperty("snapshotBytes", Long.toString(snapshotBytes));
          prepared.setProperty("snapshotFiles", Long.toString(snapshotFiles));
          prepared.setProperty("publishSeconds", Double.toString(publishSeconds));
          prepared.setProperty("mergeWaitSeconds", Double.toString(mergeWaitSeconds));
          store(prepared, marker);
          if (phase.equals("prepare")) {
            System.out.println("prepared: run --phase measure with the same options");
            return 0;
          }
        } else {
          snapshotBytes = Long.parseLong(prepared.getProperty("snapshotBytes"));
          snapshotFiles = Long.parseLong(prepared.getProperty("snapshotFiles"));
          publishSeconds = Double.parseDouble(prepared.getProperty("publishSeconds"));
          mergeWaitSeconds = Double.parseDouble(prepared.getProperty("mergeWaitSeconds"));
          if (phase.equals("prepare")) {
            System.out.println("already prepared in " + dir);
            return 0;
          }
        }
        ingestSeconds = Double.parseDouble(ingest.getProperty("seconds", "NaN"));
        measure(s3, client, a, catalog, buildCatalog, dir);
      } finally {
        if (a != null) {
          a.close();
        }
      }
    }
    printTable(System.nanoTime() - wall);
    return replicaKind.equals("snapshot") && sameHits && buildKind.equals("build") ? 0 : 1;
  }

  /** B from the snapshot, the lag from A to B, then C building; A is started if not running. */
  private void measure(
      S3TestServer s3, S3Client client, Node running, String catalog, String buildCatalog, Path dir)
      throws Exception {
    for (String sub : List.of("b", "c")) {
      deleteTree(dir.resolve("nodes").resolve(sub));
    }
    BlobStore builds = new S3BlobStore(client, S3Location.parse(buildCatalog));
    for (BlobStore.Entry e : builds.list("")) {
      builds.delete(e.key()); // what an earlier run's C left: C must find no snapshot
    }
    Random random = new Random(16);
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < CORRECTNESS_QUERIES; q++) {
      queries.add(unitVector(random));
    }
    List<List<String>> exact = exactTop(queries);
    Node a = running != null ? running : Node.start(this, "a", s3, catalog, dir);
    try {
      if (running == null) {
        a.awaitUp();
      }
      long version = a.collection().get("tableVersion").asLong();
      a.awaitReady(version);
      downloadRate(client, catalog, dir.resolve("download"));
      List<List<String>> expected = topIds(a, queries, version);
      recallA = recall(expected, exact);

      try (Node b = Node.start(this, "b", s3, catalog, dir)) {
        double seconds = b.awaitReady(version);
        JsonNode source = b.collection().get("indexSource");
        String kind = source.get("kind").asString();
        System.out.printf(
            Locale.ROOT,
            "replica B: serving at table version %d %.1f s after its process started;"
                + " indexSource %s%n",
            version,
            seconds,
            source);
        replicaCatalogSeconds = b.breakdown("downloading the snapshot");
        replicaSeconds = seconds;
        replicaKind = kind;
        List<List<String>> got = topIds(b, queries, version);
        sameHits = got.equals(expected);
        recallB = recall(got, exact);
        System.out.printf(
            Locale.ROOT,
            "replica B vs node A, top-10 ids of %d queries at table version %d: %s%n",
            queries.size(),
            version,
            sameHits ? "identical" : "DIFFERENT: " + got + " vs " + expected);
        // ids and vectors of their own: an earlier run's lag documents are in the table
        version = lag(a, b, new Random(System.nanoTime()));
      }
      expected = topIds(a, queries, version);
      if (running == null) {
        a.close();
      }
      a = null;
      builtBy(s3, client, catalog, buildCatalog, dir, queries, exact, version);
    } finally {
      if (a != null && running == null) {
        a.close();
      }
    }
  }

  /** C: a new node whose catalog holds only the definition, so it builds from the table. */
  private void builtBy(
      S3TestServer s3,
      S3Client client,
      String catalog,
      String buildCatalog,
      Path dir,
      List<float[]> queries,
      List<List<String>> exact,
      long version)
      throws Exception {
    copyDefinitions(client, catalog, buildCatalog);
    try (Node c = Node.start(this, "c", s3, buildCatalog, dir)) {
      double seconds = c.awaitReady(version);
      JsonNode source = c.collection().get("indexSource");
      buildCatalogSeconds = c.breakdown(null);
      buildSeconds = seconds;
      buildKind = source.get("kind").asString();
      System.out.printf(
          Locale.ROOT,
          "replica C (builds): serving at table version %d %.1f s after its process started"
              + " (%,.0f rows/s); indexSource %s%n",
          version,
          seconds,
          rows / seconds,
          source);
      recallC = recall(topIds(c, queries, version), exact);
    }
  }

  /**
   * The exact top 10 of each query over the seeded rows (the vectors as sent: six decimals), by
   * brute force; the lag documents are not among them, and {@link #topIds} leaves them out.
   */
  private List<List<String>> exactTop(List<float[]> queries) {
    long start = System.nanoTime();
    List<PriorityQueue<double[]>> best = new ArrayList<>();
    float[][] q = new float[queries.size()][];
    for (int i = 0; i < q.length; i++) {
      q[i] = sent(queries.get(i));
      best.add(new PriorityQueue<>(Comparator.comparingDouble((double[] e) -> e[0])));
    }
    for (int from = 0; from < rows; from += batch) {
      Random random = new Random(7_919L * (from / batch) + 16); // as documents() for this batch
      for (int i = from; i < Math.min(rows, from + batch); i++) {
        float[] v = sent(unitVector(random));
        for (int j = 0; j < q.length; j++) {
          double dot = 0;
          double nv = 0;
          double nq = 0;
          for (int d = 0; d < dimensions; d++) {
            dot += v[d] * q[j][d];
            nv += v[d] * v[d];
            nq += q[j][d] * q[j][d];
          }
          best.get(j).add(new double[] {dot / Math.sqrt(nv * nq), i});
          if (best.get(j).size() > 10) {
            best.get(j).poll();
          }
        }
      }
    }
    List<List<String>> out = new ArrayList<>();
    for (PriorityQueue<double[]> b : best) {
      out.add(b.stream().map(e -> "doc-" + (long) e[1]).toList());
    }
    System.out.printf(
        Locale.ROOT,
        "exact top-10 of %d queries over the %,d seeded rows by brute force: %.1f s%n",
        q.length,
        rows,
        (System.nanoTime() - start) / 1e9);
    return out;
  }

  /** The vector the service receives: each component rounded to six decimals, as sent. */
  private static float[] sent(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (Math.round(v[i] * 1_000_000.0) / 1_000_000.0);
    }
    return out;
  }

  private static double recall(List<List<String>> got, List<List<String>> exact) {
    int found = 0;
    int total = 0;
    for (int q = 0; q < exact.size(); q++) {
      Set<String> truth = new HashSet<>(exact.get(q));
      total += truth.size();
      for (String id : got.get(q)) {
        if (truth.contains(id)) {
          found++;
        }
      }
    }
    return (double) found / total;
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newBufferedReader(file)) {
        p.load(in);
      }
    }
    return p;
  }

  private static void store(Properties p, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "SnapshotBenchmark");
    }
  }

  // --- figures
  // ------------------------------------------------------------------------------------

  private double replicaSeconds = Double.NaN;
  private String replicaKind = "?";
  private double buildSeconds = Double.NaN;
  private double replicaCatalogSeconds = Double.NaN;
  private double buildCatalogSeconds = Double.NaN;
  private double mergeWaitSeconds = Double.NaN;
  private String buildKind = "?";
  private boolean sameHits;
  private double recallA = Double.NaN;
  private double recallB = Double.NaN;
  private double recallC = Double.NaN;
  private long snapshotBytes;
  private long snapshotFiles;
  private double publishSeconds;
  private double ingestSeconds;
  private double downloadSeconds;
  private long downloadBytes;
  private Latencies lags;

  private void printTable(long wallNanos) {
    double ratio = buildSeconds / replicaSeconds;
    table.add(
        row(
            "new replica serving from a snapshot",
            fmt("%.1f s (indexSource %s)", replicaSeconds, replicaKind),
            fmt("build from the table: %.1f s (indexSource %s)", buildSeconds, buildKind),
            fmt("%.1f x faster", ratio),
            ratio >= 10 && replicaKind.equals("snapshot") ? "pass" : "FAIL"));
    double catalogRatio = buildCatalogSeconds / replicaCatalogSeconds;
    table.add(
        row(
            "  the same, from the catalog read (log)",
            fmt("%.1f s", replicaCatalogSeconds),
            fmt("%.1f s", buildCatalogSeconds),
            fmt("%.1f x faster", catalogRatio),
            Double.isNaN(catalogRatio) ? "-" : catalogRatio >= 10 ? "pass" : "FAIL"));
    table.add(
        row(
            "replica answers like the publisher",
            sameHits ? "same top-10 ids" : "different top-10 ids",
            fmt("node A, %d queries, same tableVersion", CORRECTNESS_QUERIES),
            "-",
            sameHits ? "pass" : "FAIL"));
    table.add(
        row(
            "recall@10 against brute force",
            fmt("A %.2f, B %.2f, C (its own build) %.2f", recallA, recallB, recallC),
            fmt("exact top 10 of %d queries over the seeded rows", CORRECTNESS_QUERIES),
            "-",
            "-"));
    table.add(
        row(
            "snapshot size",
            fmt(
                "%.1f MiB in %d files (%.0f bytes a row)",
                mib(snapshotBytes), snapshotFiles, per()),
            fmt(
                "raw vectors %.1f MiB (%d x 4 bytes a row)",
                mib(4L * dimensions * rows), dimensions),
            fmt("%.2f x", snapshotBytes / (4.0 * dimensions * rows)),
            "-"));
    table.add(
        row(
            "publish (POST .../snapshots)",
            fmt("%.1f s", publishSeconds),
            fmt("ingest of the rows: %.1f s", ingestSeconds),
            fmt("%.3f x", publishSeconds / ingestSeconds),
            "-"));
    table.add(
        row(
            "raw snapshot download, one object at a time",
            fmt("%.0f MiB/s", mib(downloadBytes) / downloadSeconds),
            fmt("%.1f MiB in %.2f s, loopback S3Proxy", mib(downloadBytes), downloadSeconds),
            "-",
            "-"));
    if (lags != null && lags.count() > 0) {
      table.add(
          row(
              "commit on A to searchable on B",
              fmt(
                  "p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples)",
                  lags.percentileMs(50), lags.percentileMs(99), lags.maxMs(), lags.count()),
              "B's lakeshelf.index.sync-interval " + syncInterval,
              fmt("p50 %.2f x the interval", lags.percentileMs(50) / millis(syncInterval)),
              "-"));
    }
    int[] w = new int[5];
    String[] head = {"figure", "measured", "anchor", "ratio", "pass"};
    for (int i = 0; i < 5; i++) {
      w[i] = head[i].length();
      for (String[] r : table) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    String f =
        "| %-" + w[0] + "s | %-" + w[1] + "s | %-" + w[2] + "s | %-" + w[3] + "s | %-" + w[4]
            + "s |%n";
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "---- issue 16, stateless replicas: %,d rows x %d dims, quantization %s, S3Proxy on"
            + " loopback, %d cores ----%n",
        rows,
        dimensions,
        quantization,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, f, (Object[]) head);
    System.out.printf(
        Locale.ROOT,
        f,
        "-".repeat(w[0]),
        "-".repeat(w[1]),
        "-".repeat(w[2]),
        "-".repeat(w[3]),
        "-".repeat(w[4]));
    for (String[] r : table) {
      System.out.printf(Locale.ROOT, f, (Object[]) r);
    }
    System.out.println();
    System.out.println("notes:");
    notes.forEach(n -> System.out.println("  " + n));
    System.out.println(
        "  B was timed with A up and idle; C alone on the machine: the ratio is conservative");
    if (!Double.isNaN(mergeWaitSeconds)) {
      System.out.printf(
          Locale.ROOT,
          "  A published after its idle merge down to one segment (%.1f s after the last"
              + " ingest; --publish-merged false publishes at once)%n",
          mergeWaitSeconds);
    }
    System.out.printf(Locale.ROOT, "  benchmark wall time %.0f s%n", wallNanos / 1e9);
    System.out.flush();
  }

  private double per() {
    return (double) snapshotBytes / rows;
  }

  private static String[] row(String... cells) {
    return cells;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static long millis(String duration) {
    String d = duration.trim().toLowerCase(Locale.ROOT);
    if (d.endsWith("ms")) {
      return Long.parseLong(d.substring(0, d.length() - 2));
    }
    if (d.endsWith("s")) {
      return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 1000);
    }
    return Duration.parse(duration).toMillis();
  }

  // --- the steps
  // ----------------------------------------------------------------------------------

  /**
   * Ingests the rows A does not have yet, batch {@code i} from its own seed (so a resumed ingest
   * writes what one run would); stops after {@code budget} seconds when positive. Answers whether
   * all rows are in.
   */
  private boolean ingestAll(Node a, Properties state, long budget) throws Exception {
    String vector =
        "{\"dimensions\": %d, \"similarity\": \"cosine\"%s}"
            .formatted(
                dimensions,
                quantization.equals("none") ? "" : ", \"quantization\": \"" + quantization + "\"");
    HttpAnswer existing = a.send("GET", "/v1/collections/" + COLLECTION, null);
    long have = 0;
    if (existing.status() == 200) {
      have = existing.json().get("documents").asLong();
      System.out.printf(Locale.ROOT, "  A holds %,d rows already: resuming%n", have);
    } else {
      a.send("PUT", "/v1/collections/" + COLLECTION, "{\"vectors\": {\"body\": " + vector + "}}")
          .expect(201, "create the collection on A");
    }
    double before = Double.parseDouble(state.getProperty("seconds", "0"));
    long start = System.nanoTime();
    long nextReport = start + 15_000_000_000L;
    boolean complete = true;
    for (int from = (int) (have / batch * batch); from < rows; from += batch) {
      if (budget > 0 && System.nanoTime() - start > budget * 1_000_000_000L) {
        complete = false;
        break;
      }
      int to = Math.min(rows, from + batch);
      String body = documents("doc-", from, to, new Random(7_919L * (from / batch) + 16), null);
      long version =
          a.send("POST", "/v1/collections/" + COLLECTION + "/documents", body)
              .expect(200, "ingest rows " + from + ".." + to + " on A")
              .json()
              .get("tableVersion")
              .asLong();
      long now = System.nanoTime();
      if (now >= nextReport || to == rows) {
        System.out.printf(
            Locale.ROOT,
            "  ingest on A: %,d rows (%,d in %.0f s, %,.0f rows/s), table version %d; load %s%n",
            to,
            to - have,
            (now - start) / 1e9,
            (to - have) / ((now - start) / 1e9),
            version,
            Files.readString(Path.of("/proc/loadavg")).trim());
        nextReport = now + 15_000_000_000L;
      }
    }
    state.setProperty("seconds", Double.toString(before + (System.nanoTime() - start) / 1e9));
    return complete;
  }

  private void publish(Node a) throws Exception {
    long start = System.nanoTime();
    HttpAnswer answer =
        a.send("POST", "/v1/admin/collections/" + COLLECTION + "/snapshots", null)
            .expect(200, "publish a snapshot on A");
    publishSeconds = (System.nanoTime() - start) / 1e9;
    JsonNode s = answer.json().get("snapshots").get(0);
    if (!s.path("outcome").asString().equals("published")) {
      throw new IllegalStateException("the publish did not publish: " + answer.body());
    }
    snapshotBytes = s.get("bytes").asLong();
    snapshotFiles = s.get("files").asLong();
    System.out.printf(
        Locale.ROOT,
        "snapshot published by A in %.1f s: table version %d, %.1f MiB in %d files%n",
        publishSeconds,
        s.get("tableVersion").asLong(),
        mib(snapshotBytes),
        snapshotFiles);
  }

  /** Downloads every object of the collection's snapshots, one at a time, as a restore does. */
  private void downloadRate(S3Client client, String catalog, Path target) throws IOException {
    BlobStore store = new S3BlobStore(client, S3Location.parse(catalog));
    String vector = "snapshots/" + COLLECTION + "/body/";
    // the snapshot a restore would choose (newest version, fewest segments) names its upload
    List<SnapshotManifest> all = new IndexSnapshots(store, COLLECTION, "body").all();
    if (all.isEmpty()) {
      throw new IllegalStateException("no snapshot manifest under " + vector);
    }
    String data = all.get(0).data();
    List<BlobStore.Entry> entries = store.list(vector + data);
    Files.createDirectories(target);
    long start = System.nanoTime();
    int n = 0;
    for (BlobStore.Entry e : entries) {
      store.download(e.key(), target.resolve(Integer.toString(n++)));
      downloadBytes += e.size();
    }
    downloadSeconds = (System.nanoTime() - start) / 1e9;
    deleteTree(target);
    System.out.printf(
        Locale.ROOT,
        "raw download of the newest snapshot's %d files (%.1f MiB) from S3Proxy, one after the"
            + " other: %.2f s, %.0f MiB/s%n",
        entries.size(),
        mib(downloadBytes),
        downloadSeconds,
        mib(downloadBytes) / downloadSeconds);
  }

  /** Answers the table version after the last sample. */
  private long lag(Node a, Node b, Random random) throws Exception {
    lags = new Latencies(lagSamples);
    long version = -1;
    long runId = System.currentTimeMillis();
    for (int s = 0; s < lagSamples; s++) {
      // a random phase against B's sync schedule
      Thread.sleep(random.nextInt((int) Math.max(1, millis(syncInterval))));
      float[][] vectors = new float[lagBatch][];
      String prefix = "lag-" + runId + "-" + s + "-";
      String body = documents(prefix, 0, lagBatch, random, vectors);
      String first = prefix + "0";
      version =
          a.send("POST", "/v1/collections/" + COLLECTION + "/documents", body)
              .expect(200, "ingest a small batch on A")
              .json()
              .get("tableVersion")
              .asLong();
      long committed = System.nanoTime();
      String query = search(vectors[0], 1);
      while (true) {
        JsonNode hits =
            b.send("POST", "/v1/collections/" + COLLECTION + "/search", query)
                .expect(200, "search on B")
                .json()
                .get("hits");
        if (!hits.isEmpty() && hits.get(0).get("id").asString().equals(first)) {
          break;
        }
        if (System.nanoTime() - committed > 120_000_000_000L) {
          throw new IllegalStateException("B did not find " + first + " within 120 s");
        }
        Thread.sleep(20);
      }
      lags.add(System.nanoTime() - committed);
    }
    System.out.printf(
        Locale.ROOT,
        "lag from an ingest of %d documents on A to searchable on B (sync interval %s): p50 %.0f"
            + " ms, p99 %.0f ms, max %.0f ms over %d samples%n",
        lagBatch,
        syncInterval,
        lags.percentileMs(50),
        lags.percentileMs(99),
        lags.maxMs(),
        lags.count());
    return version;
  }

  /** Waits until A's index is one segment (its idle merge done), up to 8 minutes. */
  private void awaitOneSegment(Path data) throws Exception {
    long start = System.nanoTime();
    int stable = 0;
    while (stable < 3) {
      long segments = 0;
      try (Stream<Path> walk = Files.walk(data.resolve("collections"))) {
        for (Path index :
            walk.filter(p -> p.getFileName().toString().startsWith("segments_"))
                .map(Path::getParent)
                .distinct()
                .toList()) {
          try (FSDirectory d = FSDirectory.open(index)) {
            segments += SegmentInfos.readLatestCommit(d).size();
          } catch (IOException racedWithACommit) {
            segments = -1;
          }
        }
      } catch (java.io.UncheckedIOException racedWithADelete) {
        segments = -1;
      }
      stable = segments == 1 ? stable + 1 : 0;
      if (System.nanoTime() - start > 480_000_000_000L) {
        System.out.println("A's index is still " + segments + " segments after 8 min: publishing");
        break;
      }
      Thread.sleep(1000);
    }
    mergeWaitSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "A's index merged down to one segment: %.1f s after the ingest%n",
        mergeWaitSeconds);
  }

  /** Writes the definitions of one catalog into another: the same collection, no snapshots. */
  private static void copyDefinitions(S3Client client, String from, String to) throws IOException {
    BlobStore source = new S3BlobStore(client, S3Location.parse(from));
    BlobStore target = new S3BlobStore(client, S3Location.parse(to));
    for (BlobStore.Entry e : source.list("definitions/")) {
      target.createIfAbsent(e.key(), source.read(e.key()).orElseThrow());
    }
  }

  private List<List<String>> topIds(Node node, List<float[]> queries, long version)
      throws Exception {
    List<List<String>> out = new ArrayList<>();
    for (float[] q : queries) {
      JsonNode answer =
          node.send("POST", "/v1/collections/" + COLLECTION + "/search", search(q, 20))
              .expect(200, "search on " + node.name)
              .json();
      if (answer.get("tableVersion").asLong() != version) {
        throw new IllegalStateException(
            node.name
                + " answered at table version "
                + answer.get("tableVersion")
                + ", not "
                + version);
      }
      // the first 10 seeded rows: lag documents (vectors not kept across runs) are left out
      List<String> ids = new ArrayList<>();
      answer
          .get("hits")
          .forEach(
              h -> {
                String id = h.get("id").asString();
                if (id.startsWith("doc-") && ids.size() < 10) {
                  ids.add(id);
                }
              });
      out.add(ids);
    }
    return out;
  }

  // --- request bodies
  // -----------------------------------------------------------------------------

  private float[] unitVector(Random random) {
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      double g = random.nextGaussian();
      v[i] = (float) g;
      norm += g * g;
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }

  /** Documents {@code prefix + i} for i in [from, to), each with a random unit vector. */
  private String documents(String prefix, int from, int to, Random random, float[][] vectors) {
    StringBuilder b = new StringBuilder((to - from) * (dimensions * 9 + 80));
    b.append("{\"documents\": [");
    for (int i = from; i < to; i++) {
      float[] v = unitVector(random);
      if (vectors != null) {
        vectors[i - from] = v;
      }
      b.append(i > from ? "," : "").append("{\"id\": \"").append(prefix).append(i);
      b.append("\", \"title\": \"Title ").append(i).append("\", \"text\": \"Row ").append(i);
      b.append(".\", \"vectors\": {\"body\": ");
      appendVector(b, v);
      b.append("}}");
    }
    return b.append("]}").toString();
  }

  private static String search(float[] v, int k) {
    StringBuilder b = new StringBuilder(v.length * 9 + 40).append("{\"k\": ").append(k);
    b.append(", \"vector\": ");
    appendVector(b, v);
    return b.append('}').toString();
  }

  /** Six decimals, without String.format (millions of components). */
  private static void appendVector(StringBuilder b, float[] v) {
    b.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      long m = Math.round(v[i] * 1_000_000.0);
      if (m < 0) {
        b.append('-');
        m = -m;
      }
      b.append(m / 1_000_000).append('.');
      String frac = Long.toString(m % 1_000_000);
      b.append("000000", frac.length(), 6).append(frac);
    }
    b.append(']');
  }

  // --- a node: the service in a child JVM
  // -----------------------------------------------------------

  private static final class Node implements AutoCloseable {
    private final SnapshotBenchmark bench;
    private final String name;
    private final Process process;
    private final String base;
    private final Path log;
    private final long startNanos;
    private final Instant startWall;
    private Double upSeconds;
    private Double readySeconds;
    private String states = "";

    private Node(
        SnapshotBenchmark bench,
        String name,
        Process process,
        String base,
        Path log,
        long startNanos,
        Instant startWall) {
      this.bench = bench;
      this.name = name;
      this.process = process;
      this.base = base;
      this.log = log;
      this.startNanos = startNanos;
      this.startWall = startWall;
    }

    static Node start(
        SnapshotBenchmark bench, String name, S3TestServer s3, String catalog, Path dir)
        throws IOException {
      Path home = Files.createDirectories(dir.resolve("nodes").resolve(name));
      Path data = home.resolve("data"); // empty: the node is new
      Path log = home.resolve("service.log");
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command =
          List.of(
              java,
              "-Xmx" + bench.heap,
              "-XX:+UseG1GC",
              "-XX:+ExitOnOutOfMemoryError",
              "--add-modules",
              "jdk.incubator.vector",
              "--enable-native-access=ALL-UNNAMED",
              "-Daws.accessKeyId=" + S3TestServer.ACCESS_KEY,
              "-Daws.secretAccessKey=" + S3TestServer.SECRET_KEY,
              "-cp",
              System.getProperty("java.class.path"),
              SnapshotBenchmark.class.getName(),
              "--node",
              "--server.port=" + port,
              "--lakeshelf.data-dir=" + data,
              "--lakeshelf.s3.endpoint=" + s3.endpoint(),
              "--lakeshelf.s3.path-style-access=true",
              "--lakeshelf.catalog.location=" + catalog,
              // no scheduled publish (its first round falls anywhere in half an interval): the
              // benchmark publishes on request, and a replica's own publish would load the machine
              "--lakeshelf.catalog.snapshot-interval=365d",
              "--lakeshelf.index.sync-interval=" + bench.syncInterval,
              "--spring.main.banner-mode=off",
              "--logging.level.root=WARN",
              "--logging.level.io.lakeshelf=INFO",
              "--logging.level.io.delta.kernel.internal.snapshot.SnapshotManager=ERROR");
      System.out.printf(
          Locale.ROOT,
          "--- node %s: a child JVM, %s data directory %s, catalog %s, log %s%n",
          name,
          Files.exists(data) ? "its" : "an empty",
          data,
          catalog,
          log);
      Instant wall = Instant.now();
      long nanos = System.nanoTime();
      Process p =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      p.getOutputStream().close();
      return new Node(bench, name, p, "http://127.0.0.1:" + port, log, nanos, wall);
    }

    HttpAnswer send(String method, String path, String json)
        throws IOException, InterruptedException {
      return HttpAnswer.send(bench.http, base, method, path, json);
    }

    private String loadAverage = "?";

    JsonNode collection() throws IOException, InterruptedException {
      return send("GET", "/v1/collections/" + COLLECTION, null)
          .expect(200, "the collection on " + name)
          .json();
    }

    void awaitUp() throws Exception {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (true) {
        checkAlive();
        try {
          if (send("GET", "/v1/collections", null).status() == 200) {
            System.out.printf(
                Locale.ROOT,
                "node %s up in %.1f s%n",
                name,
                (System.nanoTime() - startNanos) / 1e9);
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("node " + name + " did not start; see " + log);
        }
        Thread.sleep(50);
      }
    }

    /**
     * Seconds from the process start until the collection is ready at {@code version} and a search
     * answers at it; progress lines every 15 s.
     */
    double awaitReady(long version) throws Exception {
      long deadline = System.nanoTime() + 1_800_000_000_000L;
      long nextReport = System.nanoTime() + 15_000_000_000L;
      String query = "{\"k\": 1, \"vector\": " + zeroish(bench.dimensions) + "}";
      String state = "not listening";
      String shown = null;
      List<String> states = new ArrayList<>();
      while (true) {
        checkAlive();
        try {
          HttpAnswer got = send("GET", "/v1/collections/" + COLLECTION, null);
          if (upSeconds == null) {
            upSeconds = (System.nanoTime() - startNanos) / 1e9;
          }
          if (got.status() == 200) {
            JsonNode c = got.json();
            state =
                c.get("status").asString()
                    + ", "
                    + c.get("documents").asLong()
                    + " documents, indexed version "
                    + c.get("indexedVersion").asLong();
            if (c.get("status").asString().equals("failed")) {
              throw new IllegalStateException("collection failed on " + name + ": " + c);
            }
            if (c.get("status").asString().equals("ready")
                && c.get("indexedVersion").asLong() >= version) {
              long asked = System.nanoTime();
              HttpAnswer s = send("POST", "/v1/collections/" + COLLECTION + "/search", query);
              states.add(
                  fmt(
                      "%.2f s %s; a search asked then answered %d in %.2f s",
                      (asked - startNanos) / 1e9,
                      state,
                      s.status(),
                      (System.nanoTime() - asked) / 1e9));
              this.states = String.join("; ", states);
              if (s.status() == 200 && s.json().get("tableVersion").asLong() >= version) {
                readySeconds = (System.nanoTime() - startNanos) / 1e9;
                loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
                return readySeconds;
              }
            }
          } else {
            state = "HTTP " + got.status();
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        long now = System.nanoTime();
        if (!state.equals(shown)) {
          states.add(fmt("%.2f s %s", (now - startNanos) / 1e9, state));
          shown = state;
          this.states = String.join("; ", states);
        }
        if (now >= nextReport) {
          System.out.printf(
              Locale.ROOT, "  node %s at %.0f s: %s%n", name, (now - startNanos) / 1e9, state);
          nextReport = now + 15_000_000_000L;
        }
        if (now > deadline) {
          throw new IllegalStateException("node " + name + " not ready in 30 min; see " + log);
        }
        Thread.sleep(20);
      }
    }

    /**
     * Prints what the node's log says, in seconds after its process started: the catalog opened,
     * the snapshot download began ({@code download}, when not null), the collection served, the
     * service started; answers the seconds from the catalog line to ready (NaN when not found).
     */
    double breakdown(String download) throws IOException {
      Double catalogAt = null;
      Double downloadAt = null;
      Double servingAt = null;
      Double startedAt = null;
      for (String line : Files.readAllLines(log)) {
        if (catalogAt == null && line.contains("Collection catalog: ")) {
          catalogAt = secondsOf(line);
        } else if (download != null && downloadAt == null && line.contains(download)) {
          downloadAt = secondsOf(line);
        } else if (servingAt == null && line.contains("Serving collection " + COLLECTION)) {
          servingAt = secondsOf(line);
        } else if (startedAt == null && line.contains("Started ")) {
          startedAt = secondsOf(line);
        }
      }
      String line =
          fmt(
              "node %s, seconds after its process started: catalog opened %s,%s collection"
                  + " served %s, service started %s, first HTTP answer %s, ready at the table"
                  + " version %s",
              name,
              show(catalogAt),
              download == null ? "" : " snapshot download began " + show(downloadAt) + ",",
              show(servingAt),
              show(startedAt),
              show(upSeconds),
              show(readySeconds));
      System.out.println(line);
      System.out.println("  its states while starting: " + states);
      bench.notes.add(line);
      bench.notes.add("  (load average while it started: " + loadAverage + ")");
      return catalogAt == null ? Double.NaN : readySeconds - catalogAt;
    }

    private static String show(Double seconds) {
      return seconds == null ? "n/a" : fmt("%.2f s", seconds);
    }

    private Double secondsOf(String line) {
      int space = line.indexOf(' ');
      if (space < 0) {
        return null;
      }
      try {
        Instant at = OffsetDateTime.parse(line.substring(0, space)).toInstant();
        return Duration.between(startWall, at).toMillis() / 1000.0;
      } catch (RuntimeException e) {
        return null;
      }
    }

    private void checkAlive() throws IOException {
      if (!process.isAlive()) {
        List<String> lines = Files.readAllLines(log);
        throw new IllegalStateException(
            "node "
                + name
                + " exited with "
                + process.exitValue()
                + "; its log ends:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
      }
    }

    private static String zeroish(int dimensions) {
      float[] v = new float[dimensions];
      Arrays.fill(v, (float) (1 / Math.sqrt(dimensions)));
      StringBuilder b = new StringBuilder();
      appendVector(b, v);
      return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
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
