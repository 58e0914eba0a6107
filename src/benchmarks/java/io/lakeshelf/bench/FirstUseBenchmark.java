package io.lakeshelf.bench;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What a person meets first (issue 17), each figure beside an anchor measured in the same run:
 *
 * <ul>
 *   <li><b>The command line's ingest</b>: a JSONL file of {@code --documents} rows with client
 *       vectors ({@code --dimensions}) loaded by {@code lakeshelf-cli ingest} (a child {@code java
 *       -jar}, as a user runs it), against the anchor of the same rows sent by this JVM straight to
 *       the ingest API in the same batches of 1,000, into a twin collection of the same service.
 *       The ratio says what the CLI (reading, batching, checkpoints, progress) costs over the
 *       service's own ingest.
 *   <li><b>The first text query after a restart</b>: the service (a child JVM) is stopped and
 *       started again over its data directory, which holds a collection that embeds with the
 *       bundled model; the first text query's latency is set against the p50 of the 20 after it,
 *       and against the anchor of what the first query would wait for without the preload: the
 *       model's load and first run, measured in this JVM.
 * </ul>
 *
 * <pre>
 * ./mvnw -B -DskipTests package -pl src/cli -am      # the CLI jar, once
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.FirstUseBenchmark --documents 50000
 * </pre>
 */
public final class FirstUseBenchmark {

  private static final int BATCH = 1000;
  private static final int QUERIES = 20;

  private final HttpClient http = HttpClient.newHttpClient();
  private int documents = 50_000;
  private int dimensions = 384;
  private Path dir;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--service")) {
      LakeshelfApplication.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    FirstUseBenchmark b = new FirstUseBenchmark();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--documents" -> b.documents = Integer.parseInt(args[++i]);
        case "--dimensions" -> b.dimensions = Integer.parseInt(args[++i]);
        case "--dir" -> b.dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    b.dir =
        b.dir == null
            ? Files.createTempDirectory("lakeshelf-first-use")
            : Files.createDirectories(b.dir);
    b.run();
  }

  private void run() throws Exception {
    Path cli = cliJar();
    System.out.printf(
        Locale.ROOT,
        "first use: %d documents x %d dimensions, CLI %s, work in %s%n",
        documents,
        dimensions,
        cli,
        dir);
    Path file = writeJsonl(dir.resolve("documents.jsonl"));
    Path data = dir.resolve("data");
    List<String[]> rows = new ArrayList<>();

    double cliRate;
    double directRate;
    try (Service s = Service.start(dir, data)) {
      s.awaitReady();
      String vectors =
          "{\"vectors\": {\"body\": {\"dimensions\": "
              + dimensions
              + ", \"similarity\": \"cosine\"}}}";
      for (String c : new String[] {"cli_1", "direct_1", "direct_2", "cli_2"}) {
        s.send("PUT", "/v1/collections/" + c, vectors).expect(201, "create " + c);
      }
      s.send(
              "PUT",
              "/v1/collections/questions",
              "{\"vectors\": {\"body\": {\"embed\": \"all-minilm-l6-v2\", \"similarity\":"
                  + " \"cosine\"}}}")
          .expect(201, "create questions");
      s.send("POST", "/v1/collections/questions/documents", questions())
          .expect(200, "ingest questions");

      // CLI, direct, direct, CLI, each into a collection of its own: each way runs once first
      // and once after the other, whose background merges then share the cores
      double c1 = viaCli(s, cli, file, "cli_1");
      double d1 = direct(s, file, "direct_1");
      double d2 = direct(s, file, "direct_2");
      double c2 = viaCli(s, cli, file, "cli_2");
      cliRate = 2 / (1 / c1 + 1 / c2);
      directRate = 2 / (1 / d1 + 1 / d2);
    }
    rows.add(
        row(
            "CLI ingest, JSONL, client vectors, batches of 1,000 (two runs, harmonic mean)",
            fmt("%.0f rows/s", cliRate),
            fmt("direct HTTP batches %.0f rows/s", directRate),
            fmt("%.2f", cliRate / directRate)));

    long modelNanos = System.nanoTime();
    try (MiniLmEmbedder model = MiniLmEmbedder.load()) {
      model.embed(List.of("How long does the first question wait?"));
    }
    double modelMs = (System.nanoTime() - modelNanos) / 1e6;

    try (Service s = Service.start(dir, data)) {
      double readySeconds = s.awaitReady();
      long[] took = new long[QUERIES + 1];
      for (int i = 0; i <= QUERIES; i++) {
        long t0 = System.nanoTime();
        s.send(
                "POST",
                "/v1/collections/questions/search",
                "{\"text\": \"which passage speaks of lake number " + (i * 7) + "?\", \"k\": 10}")
            .expect(200, "text query " + i);
        took[i] = System.nanoTime() - t0;
      }
      long[] rest = Arrays.copyOfRange(took, 1, took.length);
      Arrays.sort(rest);
      double first = took[0] / 1e6;
      double p50 = rest[rest.length / 2] / 1e6;
      rows.add(row("restart to ready (readiness UP)", fmt("%.1f s", readySeconds), "", ""));
      rows.add(
          row(
              "first text query after the restart",
              fmt("%.1f ms", first),
              fmt("p50 of the next %d: %.1f ms", QUERIES, p50),
              fmt("%.2f", first / p50)));
      rows.add(
          row(
              "first text query after the restart",
              fmt("%.1f ms", first),
              fmt("model load + first run in process: %.0f ms", modelMs),
              fmt("%.3f", first / modelMs)));
    }

    System.out.println();
    System.out.println("---- summary: first use ----");
    System.out.printf(
        Locale.ROOT, "| %s | %s | %s | %s |%n", "figure", "measured", "anchor", "ratio");
    System.out.println("| --- | --- | --- | --- |");
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", (Object[]) r);
    }
  }

  private double direct(Service s, Path file, String collection) throws Exception {
    List<String> lines = Files.readAllLines(file);
    long t0 = System.nanoTime();
    for (int from = 0; from < lines.size(); from += BATCH) {
      String batch = String.join(",", lines.subList(from, Math.min(lines.size(), from + BATCH)));
      s.send(
              "POST",
              "/v1/collections/" + collection + "/documents",
              "{\"documents\": [" + batch + "]}")
          .expect(200, "direct batch at " + from);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "direct: %d rows in %.1f s%n", lines.size(), seconds);
    return lines.size() / seconds;
  }

  private double viaCli(Service s, Path cli, Path file, String collection) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = dir.resolve("cli.log");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                cli.toString(),
                "ingest",
                file.toString(),
                "--collection",
                collection,
                "--url",
                s.base,
                "--checkpoint",
                dir.resolve("checkpoint.json").toString(),
                "--restart")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the CLI failed (" + p.exitValue() + "); see " + log);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> out = Files.readAllLines(log);
    System.out.println("cli into " + collection + ": " + out.get(out.size() - 1));
    return documents / seconds;
  }

  private Path writeJsonl(Path file) throws IOException {
    Random random = new Random(17);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < documents; i++) {
        StringBuilder b = new StringBuilder(dimensions * 12);
        b.append("{\"id\": \"d-")
            .append(i)
            .append("\", \"title\": \"Document ")
            .append(i)
            .append("\", \"text\": \"row ")
            .append(i)
            .append(" of the first-use benchmark\", \"vectors\": {\"body\": [");
        for (int d = 0; d < dimensions; d++) {
          if (d > 0) {
            b.append(',');
          }
          b.append((float) random.nextGaussian());
        }
        b.append("]}, \"metadata\": {\"lang\": \"").append(i % 2 == 0 ? "en" : "fr").append("\"}}");
        w.write(b.toString());
        w.newLine();
      }
    }
    return file;
  }

  private static String questions() {
    StringBuilder b = new StringBuilder("{\"documents\": [");
    for (int i = 0; i < 100; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"id\": \"q-")
          .append(i)
          .append("\", \"text\": \"This passage speaks of lake number ")
          .append(i)
          .append(" and the shelf beside it.\"}");
    }
    return b.append("]}").toString();
  }

  /** {@code src/cli/target/lakeshelf-cli-*.jar} above the working directory. */
  private static Path cliJar() throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path target = d.resolve("src/cli/target");
      if (Files.isDirectory(target)) {
        try (var files = Files.list(target)) {
          var jar =
              files
                  .filter(f -> f.getFileName().toString().matches("lakeshelf-cli-[^-]+.*\\.jar"))
                  .filter(f -> !f.getFileName().toString().contains("original"))
                  .findFirst();
          if (jar.isPresent()) {
            return jar.get();
          }
        }
      }
    }
    throw new IllegalStateException(
        "no CLI jar: build it first with ./mvnw -B -DskipTests package -pl src/cli -am");
  }

  private static String[] row(String... cells) {
    return cells;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** The service in a child JVM on a random port over a data directory. */
  private static final class Service implements AutoCloseable {
    private final Process process;
    private final String base;
    private final Path log;
    private final long started = System.nanoTime();
    private final HttpClient http = HttpClient.newHttpClient();

    private Service(Process process, String base, Path log) {
      this.process = process;
      this.base = base;
      this.log = log;
    }

    static Service start(Path dir, Path data) throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String java = ProcessHandle.current().info().command().orElse("java");
      Path log = Files.createTempFile(dir, "service-", ".log");
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx2g",
                  "--add-modules",
                  "jdk.incubator.vector",
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  FirstUseBenchmark.class.getName(),
                  "--service",
                  "--server.port=" + port,
                  "--lakeshelf.data-dir=" + data,
                  "--spring.main.banner-mode=off",
                  "--logging.level.root=WARN",
                  "--logging.level.io.lakeshelf=INFO")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      System.out.printf(Locale.ROOT, "service: child JVM on port %d, log %s%n", port, log);
      return new Service(p, "http://127.0.0.1:" + port, log);
    }

    /** Seconds from the process start until readiness answers UP. */
    double awaitReady() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the service exited; see " + log);
        }
        try {
          HttpAnswer a = send("GET", "/actuator/health/readiness", null);
          if (a.status() == 200) {
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "service: ready in %.1f s%n", seconds);
            return seconds;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("the service did not get ready; see " + log);
    }

    HttpAnswer send(String method, String path, String json)
        throws IOException, InterruptedException {
      return HttpAnswer.send(http, base, method, path, json);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy(); // SIGTERM: a graceful stop, so the next start finds a clean directory
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
