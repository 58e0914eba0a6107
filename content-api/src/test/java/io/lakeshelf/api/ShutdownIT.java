package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.testing.KernelRows;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: SIGTERM while the bundled model embeds ingests. The real service runs in a child JVM
 * (its working directory a temporary one, where a native crash would leave its {@code hs_err}
 * file); several clients ingest long texts in a loop, and keep sending while the service shuts
 * down. The service must exit by itself, soon, with the status of a JVM ended by SIGTERM (143),
 * without a native crash; every answer is 200 or 503 problem+json (or no answer: the connection
 * refused or closed), never a 500; and every batch answered 200 is in the table.
 */
class ShutdownIT {

  private static final int CLIENTS = 5;
  private static final int DOCS_PER_REQUEST = 8;

  @TempDir Path dir;

  /** One request's outcome: the status (0 for no answer), its content type and body, its ids. */
  record Outcome(
      int status, String contentType, String body, List<String> ids, boolean afterSigterm) {}

  @Test
  void sigtermDuringEmbeddingExitsCleanlyAndLosesNoAcknowledgedBatch() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path data = dir.resolve("data");
    Path log = dir.resolve("service.log");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            // The client compiler alone: the child spends its life starting up and in the
            // model's native code, which the JIT does not touch.
            "-XX:TieredStopAtLevel=1",
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            LakeshelfApplication.class.getName(),
            "--server.port=" + port,
            "--lakeshelf.data-dir=" + data,
            "--lakeshelf.index.sync-interval=200ms",
            // One batch per request, so that requests are acknowledged soon on a slow machine.
            "--lakeshelf.embedding.batch-size=" + DOCS_PER_REQUEST);
    Process service =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    service.getOutputStream().close();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://localhost:" + port;
    try {
      awaitStarted(http, base, service, log);
      HttpResponse<String> created =
          send(
              http,
              "PUT",
              base + "/v1/collections/c",
              "{\"vectors\": {\"body\": {\"embed\": \"all-minilm-l6-v2\"}}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
      AtomicBoolean sigterm = new AtomicBoolean();
      CountDownLatch firstAcknowledged = new CountDownLatch(1);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(
            Thread.ofPlatform()
                .name("client-" + c)
                .start(
                    () -> {
                      Random random = new Random(client);
                      for (int request = 0; ; request++) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"documents\": [");
                        for (int d = 0; d < DOCS_PER_REQUEST; d++) {
                          String id = "c" + client + "-r" + request + "-d" + d;
                          ids.add(id);
                          body.append(d == 0 ? "" : ",")
                              .append("{\"id\": \"")
                              .append(id)
                              .append("\", \"title\": \"Passage ")
                              .append(id)
                              .append("\", \"text\": \"")
                              .append(longText(random))
                              .append("\"}");
                        }
                        body.append("]}");
                        boolean after = sigterm.get();
                        Outcome o;
                        try {
                          HttpResponse<String> r =
                              send(
                                  http,
                                  "POST",
                                  base + "/v1/collections/c/documents",
                                  body.toString());
                          o =
                              new Outcome(
                                  r.statusCode(),
                                  r.headers().firstValue("Content-Type").orElse(""),
                                  r.body(),
                                  ids,
                                  after);
                        } catch (IOException e) {
                          o = new Outcome(0, "", String.valueOf(e), ids, after);
                        } catch (InterruptedException e) {
                          return;
                        }
                        outcomes.add(o);
                        if (o.status() == 200) {
                          firstAcknowledged.countDown();
                        } else {
                          return; // refused, or the service is gone: this client is done
                        }
                      }
                    }));
      }
      assertThat(firstAcknowledged.await(60, TimeUnit.SECONDS))
          .as("a first batch acknowledged")
          .isTrue();
      Thread.sleep(300); // the clients' next batches are embedding now
      sigterm.set(true);
      long start = System.nanoTime();
      service.destroy(); // SIGTERM
      boolean exited = service.waitFor(60, TimeUnit.SECONDS);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      for (Thread t : clients) {
        t.join(TimeUnit.SECONDS.toMillis(70));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(exited).as("exited within 60 s of SIGTERM; output:\n" + tail(output)).isTrue();
      assertThat(service.exitValue())
          .as("exit status after " + seconds + " s; output:\n" + tail(output))
          .isEqualTo(143);
      assertThat(output)
          .doesNotContain("SIGSEGV")
          .doesNotContain("A fatal error has been detected");
      // Embedding stopped first, then the web server's graceful wait ended on its own.
      assertThat(output)
          .contains("Embedding stops taking texts")
          .contains("Graceful shutdown complete");
      assertThat(output.indexOf("Embedding stops taking texts"))
          .isLessThan(output.indexOf("Commencing graceful shutdown"));
      try (Stream<Path> files = Files.list(work)) {
        assertThat(
                files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")))
            .isEmpty();
      }

      Set<String> acknowledged = new TreeSet<>();
      int refused = 0;
      int unanswered = 0;
      for (Outcome o : outcomes) {
        switch (o.status()) {
          case 200 -> acknowledged.addAll(o.ids());
          case 503 -> {
            refused++;
            assertThat(o.contentType()).as(o.body()).startsWith("application/problem+json");
            JsonNode p = RunningService.JSON.readTree(o.body());
            assertThat(p.get("code").asString()).as(o.body()).isIn("SHUTTING_DOWN", "OVERLOADED");
          }
          case 0 -> unanswered++;
          default ->
              throw new AssertionError(
                  "answered "
                      + o.status()
                      + " (after SIGTERM: "
                      + o.afterSigterm()
                      + "): "
                      + o.body()
                      + "\nservice output:\n"
                      + tail(output));
        }
      }
      System.out.println("service output:\n" + tail(output));
      System.out.printf(
          "ShutdownIT: exited %d s after SIGTERM; %d ids acknowledged, %d refused with 503,"
              + " %d unanswered%n",
          seconds, acknowledged.size(), refused, unanswered);
      assertThat(liveIds(data)).containsAll(acknowledged);
    } finally {
      if (service.isAlive()) {
        service.destroyForcibly();
        service.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitStarted(HttpClient http, String base, Process service, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(service.isAlive()).as("service alive; output:\n" + Files.readString(log)).isTrue();
      try {
        if (send(http, "GET", base + "/v1/collections", null).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not start; output:\n" + Files.readString(log));
  }

  private static HttpResponse<String> send(HttpClient http, String method, String uri, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(90));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String[] WORDS =
      ("lake shelf delta table vector index search passage model embedding batch commit parquet"
           + " lucene graph neighbor query river mountain harbor engine quantization recall filter"
           + " keyword hybrid ranking coffee descaling manual ")
          .split(" ");

  /** About 300 words: longer than the 256 tokens the model reads. */
  private static String longText(Random random) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  private static String tail(String output) {
    return output.length() <= 8000 ? output : output.substring(output.length() - 8000);
  }

  private static Set<String> liveIds(Path data) {
    String table = data.resolve("collections/c/table").toString();
    var snapshot =
        ContentTable.open(TableEngines.local(), table, ContentColumns.MANAGED, List.of()).latest();
    Set<String> ids = new TreeSet<>();
    KernelRows.read(snapshot, List.of(ContentColumns.MANAGED.id()))
        .values()
        .forEach(r -> ids.add((String) r.get(ContentColumns.MANAGED.id())));
    return ids;
  }
}
