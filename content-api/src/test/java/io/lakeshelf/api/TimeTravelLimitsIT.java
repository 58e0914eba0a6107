package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Time travel ({@code asOfVersion}) is bounded (issue 12): a version with more rows than {@code
 * lakeshelf.time-travel.max-rows} is refused before anything is built; concurrent searches of one
 * version share one build; with the build pool busy and its queue full a further version is refused
 * at once with 503 {@code OVERLOADED}; built versions are cached up to {@code cache-versions}.
 * Builds are observed through the {@code lakeshelf.time-travel.builds} counter.
 */
class TimeTravelLimitsIT {

  @TempDir static Path dir;
  static RunningService service;
  static final int MAX_ROWS = 20;

  @BeforeAll
  static void start() {
    service =
        RunningService.start(
            dir.resolve("data"),
            "--lakeshelf.time-travel.max-rows=" + MAX_ROWS,
            "--lakeshelf.time-travel.threads=1",
            "--lakeshelf.time-travel.queue-capacity=1",
            "--lakeshelf.time-travel.cache-versions=2");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** Creates a collection of 3-d vectors; answers nothing. */
  static void create(String name) throws Exception {
    Answer a =
        service.send(
            "PUT", "/v1/collections/" + name, "{\"vectors\": {\"body\": {\"dimensions\": 3}}}");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
  }

  /** Ingests documents {@code prefix0..prefix(n-1)} in one commit; answers its table version. */
  static long ingest(String name, String prefix, int n) throws Exception {
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(
          "{\"id\": \""
              + prefix
              + i
              + "\", \"text\": \"row "
              + prefix
              + i
              + "\", \"vectors\": {\"body\": ["
              + (1 + i)
              + ", "
              + (i % 3)
              + ", 0.5]}}");
    }
    Answer a =
        service.send(
            "POST",
            "/v1/collections/" + name + "/documents",
            "{\"documents\": [" + String.join(",", docs) + "]}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().get("tableVersion").asLong();
  }

  static Answer searchAsOf(String name, long version) throws Exception {
    return service.send(
        "POST",
        "/v1/collections/" + name + "/search",
        "{\"vector\": [1, 0, 0], \"k\": 50, \"include\": [\"text\"], \"asOfVersion\": "
            + version
            + "}");
  }

  static Set<String> ids(Answer a) {
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    Set<String> ids = new TreeSet<>();
    a.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  static Set<String> expected(String prefix, int n) {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  /** A metric's value ({@code statistic} COUNT or VALUE), 0 when it was never registered. */
  static double metric(String name, String collection) throws Exception {
    Answer a =
        service.get(
            "/actuator/metrics/"
                + name
                + (collection == null ? "" : "?tag=collection:" + collection));
    if (a.status() == 404) {
      return 0;
    }
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().get("measurements").get(0).get("value").asDouble();
  }

  static double builds(String collection) throws Exception {
    return metric("lakeshelf.time-travel.builds", collection);
  }

  static void awaitMetric(String name, double value) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (metric(name, null) != value) {
      assertThat(Instant.now()).as("%s never reached %s", name, value).isBefore(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aVersionOverTheRowCapIsRefusedWithoutBuilding() throws Exception {
    create("big");
    long tooBig = ingest("big", "b", MAX_ROWS + 5);
    ingest("big", "c", 1);
    Answer a = searchAsOf("big", tooBig);
    assertThat(a.status()).as(a.body()).isEqualTo(422);
    assertThat(a.contentType()).startsWith("application/problem+json");
    JsonNode problem = a.json();
    assertThat(problem.get("code").asString()).isEqualTo("VERSION_TOO_LARGE");
    assertThat(problem.get("detail").asString())
        .contains(Integer.toString(MAX_ROWS + 5))
        .contains(Integer.toString(MAX_ROWS))
        .contains("lakeshelf.time-travel.max-rows");
    assertThat(builds("big")).isZero();
    // the current version is served by the index, whatever its size
    Answer current =
        service.send("POST", "/v1/collections/big/search", "{\"vector\": [1, 0, 0], \"k\": 50}");
    assertThat(ids(current)).hasSize(MAX_ROWS + 6);
  }

  @Test
  void concurrentSearchesOfOneVersionShareOneBuild() throws Exception {
    create("shared");
    long v1 = ingest("shared", "s", 5);
    ingest("shared", "t", 5);
    int n = 8;
    ExecutorService clients = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return searchAsOf("shared", v1);
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                },
                clients));
      }
      for (CompletableFuture<Answer> f : answers) {
        Answer a = f.join();
        assertThat(ids(a)).isEqualTo(expected("s", 5));
        assertThat(a.json().get("tableVersion").asLong()).isEqualTo(v1);
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(builds("shared")).isEqualTo(1.0);
  }

  @Test
  void aFullBuildQueueAnswersOverloadedAtOnce() throws Exception {
    create("busy");
    long v1 = ingest("busy", "a", 1);
    Path table = dir.resolve("data/collections/busy/table");
    Path first;
    try (Stream<Path> files = Files.list(table)) {
      first = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    long v2 = ingest("busy", "b", 1);
    long v3 = ingest("busy", "c", 1);
    ingest("busy", "d", 1);
    // Every past version holds the first file: a named pipe in its place holds a build until the
    // test writes to it, so the one build thread stays busy for as long as the test needs.
    Path saved = first.resolveSibling("saved.bin");
    Files.move(first, saved);
    Process mkfifo = new ProcessBuilder("mkfifo", first.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Answer> building =
          CompletableFuture.supplyAsync(() -> call("busy", v1), clients);
      awaitMetric("lakeshelf.time-travel.builds.active", 1);
      CompletableFuture<Answer> queued =
          CompletableFuture.supplyAsync(() -> call("busy", v2), clients);
      awaitMetric("lakeshelf.time-travel.builds.queued", 1);

      Answer refused = searchAsOf("busy", v3);
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("code").asString()).isEqualTo("OVERLOADED");
      assertThat(refused.header("Retry-After")).contains("1");
      assertThat(refused.json().get("detail").asString())
          .contains("lakeshelf.time-travel.queue-capacity");
      assertThat(building).isNotDone();

      // Release: open the pipe's writing end (the blocked build's open returns), put the real
      // file back, then close the pipe: the first build reads a broken file and fails, the queued
      // one reads the real file.
      try (FileOutputStream pipe = new FileOutputStream(first.toFile())) {
        Files.move(
            saved, first, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      Answer failed = building.join();
      assertThat(failed.status()).as(failed.body()).isNotEqualTo(200);
      assertThat(ids(queued.join())).isEqualTo(Set.of("a0", "b0"));
      // a failed build is not kept: the version builds again, now from the real file
      assertThat(ids(searchAsOf("busy", v1))).isEqualTo(Set.of("a0"));
      assertThat(ids(searchAsOf("busy", v3))).isEqualTo(Set.of("a0", "b0", "c0"));
    } finally {
      if (Files.exists(saved)) {
        Files.move(
            saved, first, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      clients.shutdownNow();
    }
    awaitMetric("lakeshelf.time-travel.builds.active", 0);
  }

  @Test
  void theCacheKeepsOnlyItsBoundOfVersions() throws Exception {
    create("evict");
    long v1 = ingest("evict", "e", 1);
    long v2 = ingest("evict", "f", 1);
    long v3 = ingest("evict", "g", 1);
    ingest("evict", "h", 1);
    double evictions = metric("lakeshelf.time-travel.evictions", null);
    assertThat(ids(searchAsOf("evict", v1))).isEqualTo(Set.of("e0"));
    assertThat(ids(searchAsOf("evict", v2))).isEqualTo(Set.of("e0", "f0"));
    assertThat(builds("evict")).isEqualTo(2.0);
    assertThat(ids(searchAsOf("evict", v1))).isEqualTo(Set.of("e0"));
    assertThat(builds("evict")).as("both versions fit the cache").isEqualTo(2.0);
    assertThat(ids(searchAsOf("evict", v3))).isEqualTo(Set.of("e0", "f0", "g0"));
    assertThat(builds("evict")).isEqualTo(3.0);
    assertThat(metric("lakeshelf.time-travel.evictions", null)).isGreaterThan(evictions);
    assertThat(metric("lakeshelf.time-travel.cache.versions", null)).isLessThanOrEqualTo(2.0);
    // v2 was the least recently used of three: evicted, so asking for it builds it again
    assertThat(ids(searchAsOf("evict", v2))).isEqualTo(Set.of("e0", "f0"));
    assertThat(builds("evict")).isEqualTo(4.0);
    assertThat(ids(searchAsOf("evict", v2))).isEqualTo(Set.of("e0", "f0"));
    assertThat(builds("evict")).isEqualTo(4.0);
  }

  /**
   * The memory bound, in a service of its own: a version whose vectors alone exceed {@code
   * max-bytes} is refused before building, and the cache keeps no more than {@code max-bytes} of
   * built versions (but always the one built last), however many {@code cache-versions} allows.
   */
  @Test
  void theMemoryBoundRefusesAndEvicts(@TempDir Path other) throws Exception {
    RunningService main = service;
    try (RunningService small =
        RunningService.start(
            other.resolve("data"),
            "--lakeshelf.time-travel.max-bytes=1KB",
            "--lakeshelf.time-travel.cache-versions=8")) {
      service = small;
      create("bytes");
      long wide = ingest("bytes", "w", 100); // 100 rows x 3 floats = 1,200 bytes of vectors
      ingest("bytes", "x", 1);
      Answer refused = searchAsOf("bytes", wide);
      assertThat(refused.status()).as(refused.body()).isEqualTo(422);
      assertThat(refused.json().get("code").asString()).isEqualTo("VERSION_TOO_LARGE");
      assertThat(refused.json().get("detail").asString())
          .contains("1024")
          .contains("lakeshelf.time-travel.max-bytes");
      assertThat(builds("bytes")).isZero();

      create("kept");
      long v1 = ingest("kept", "k", 1);
      long v2 = ingest("kept", "l", 1);
      ingest("kept", "m", 1);
      assertThat(ids(searchAsOf("kept", v1))).isEqualTo(Set.of("k0"));
      assertThat(ids(searchAsOf("kept", v2))).isEqualTo(Set.of("k0", "l0"));
      assertThat(builds("kept")).isEqualTo(2.0);
      // each built version takes more than 1KB: only the last one built is kept
      assertThat(metric("lakeshelf.time-travel.cache.versions", null)).isEqualTo(1.0);
      assertThat(ids(searchAsOf("kept", v2))).isEqualTo(Set.of("k0", "l0"));
      assertThat(builds("kept")).isEqualTo(2.0);
      assertThat(ids(searchAsOf("kept", v1))).isEqualTo(Set.of("k0"));
      assertThat(builds("kept")).isEqualTo(3.0);
    } finally {
      service = main;
    }
  }

  private static Answer call(String name, long version) {
    try {
      return searchAsOf(name, version);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
