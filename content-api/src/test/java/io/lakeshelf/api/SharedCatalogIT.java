package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.testing.S3TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two services in this JVM sharing one catalog on S3 (S3Proxy): definitions written by one are
 * served by the other within a sync interval, a node with an empty data directory serves from the
 * newest snapshot instead of building, two nodes changing one collection at once leave one change,
 * and drops propagate. The three-process proof is {@code ScaleOutIT}.
 */
class SharedCatalogIT {

  private static final String BUCKET = "lakeshelf-shared";
  private static S3TestServer s3;

  @TempDir Path dir;

  @BeforeAll
  static void startS3() {
    s3 = S3TestServer.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  private RunningService node(String name, String catalog) {
    return RunningService.start(
        dir.resolve(name),
        "--lakeshelf.s3.endpoint=" + s3.endpoint(),
        "--lakeshelf.s3.path-style-access=true",
        "--lakeshelf.catalog.location=" + catalog,
        "--lakeshelf.catalog.snapshot-interval=1h");
  }

  static String docs(int from, int to, Random random) {
    StringBuilder b = new StringBuilder("{\"documents\": [");
    for (int i = from; i < to; i++) {
      if (i > from) {
        b.append(',');
      }
      b.append("{\"id\": \"doc-").append(i).append("\", \"title\": \"title ").append(i);
      b.append("\", \"text\": \"text ").append(i).append("\", \"vectors\": {\"body\": [");
      for (int j = 0; j < 8; j++) {
        b.append(j == 0 ? "" : ",")
            .append(String.format(Locale.ROOT, "%.5f", random.nextGaussian()));
      }
      b.append("]}}");
    }
    return b.append("]}").toString();
  }

  static String query(Random random) {
    StringBuilder b = new StringBuilder("{\"k\": 10, \"include\": [\"title\"], \"vector\": [");
    for (int j = 0; j < 8; j++) {
      b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", random.nextGaussian()));
    }
    return b.append("]}").toString();
  }

  static final String COLLECTION =
      """
      {"vectors": {"body": {"dimensions": 8, "similarity": "cosine"}}}\
      """;

  /** Polls until {@code check} holds (up to 60 s). */
  static void eventually(String what, Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!check.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aSecondNodeServesFromTheSnapshotAndSeesTheFirstNodesChanges() throws Exception {
    String catalog = "s3://" + BUCKET + "/serve";
    Random random = new Random(16);
    try (RunningService one = node("one", catalog)) {
      assertThat(one.send("PUT", "/v1/collections/docs", COLLECTION).status()).isEqualTo(201);
      Answer got = one.get("/v1/collections/docs");
      assertThat(got.status()).as(got.body()).isEqualTo(200);
      JsonNode created = got.json();
      assertThat(created.get("table").asString()).isEqualTo(catalog + "/tables/docs");
      assertThat(created.get("indexSource").get("kind").asString()).isEqualTo("build");
      for (int b = 0; b < 3; b++) {
        Answer a =
            one.send(
                "POST", "/v1/collections/docs/documents", docs(b * 400, (b + 1) * 400, random));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
      }
      Answer published = one.send("POST", "/v1/admin/collections/docs/snapshots", null, null);
      assertThat(published.status()).as(published.body()).isEqualTo(200);
      JsonNode snapshot = published.json().get("snapshots").get(0);
      assertThat(snapshot.get("outcome").asString()).isEqualTo("published");
      long version = snapshot.get("tableVersion").asLong();
      assertThat(version).isEqualTo(3);
      Answer again = one.send("POST", "/v1/admin/collections/docs/snapshots", null, null);
      JsonNode second = again.json().get("snapshots").get(0);
      if (second.get("outcome").asString().equals("published")) {
        // the idle merge-down finished in between: the same version in fewer segments
        assertThat(second.get("tableVersion").asLong()).isEqualTo(version);
        assertThat(second.get("segments").asInt()).isLessThan(snapshot.get("segments").asInt());
      } else {
        assertThat(second.get("outcome").asString()).isEqualTo("existing");
      }

      try (RunningService two = node("two", catalog)) {
        JsonNode served = two.get("/v1/collections/docs").json();
        assertThat(served.get("indexSource").get("kind").asString()).isEqualTo("snapshot");
        assertThat(served.get("indexSource").get("tableVersion").asLong()).isEqualTo(version);
        assertThat(served.get("documents").asLong()).isEqualTo(1200);
        for (int q = 0; q < 5; q++) {
          String query = query(random);
          Answer a = one.send("POST", "/v1/collections/docs/search", query);
          Answer b = two.send("POST", "/v1/collections/docs/search", query);
          assertThat(b.json().get("tableVersion")).isEqualTo(a.json().get("tableVersion"));
          assertThat(b.json().get("hits")).isEqualTo(a.json().get("hits"));
        }

        // a write on the second node is seen by the first
        Answer w = two.send("POST", "/v1/collections/docs/documents", docs(5000, 5010, random));
        assertThat(w.status()).as(w.body()).isEqualTo(200);
        long written = w.json().get("tableVersion").asLong();
        assertThat(two.get("/v1/collections/docs/documents/doc-5003").status()).isEqualTo(200);
        eventually(
            "node one serves version " + written,
            () -> one.get("/v1/collections/docs").json().get("indexedVersion").asLong() >= written);
        assertThat(one.get("/v1/collections/docs/documents/doc-5003").status()).isEqualTo(200);

        // a collection created on one node is served by the other; a drop stops it there
        assertThat(two.send("PUT", "/v1/collections/more", COLLECTION).status()).isEqualTo(201);
        eventually("node one serves 'more'", () -> one.get("/v1/collections/more").status() == 200);
        assertThat(one.send("DELETE", "/v1/collections/more?purge=true", null, null).status())
            .isEqualTo(204);
        eventually(
            "node two stops serving 'more'", () -> two.get("/v1/collections/more").status() == 404);

        // a change of the definition on one node is served by the other, its index rebuilt there
        String int8 =
            "{\"vectors\": {\"body\": {\"dimensions\": 8, \"similarity\": \"cosine\","
                + " \"quantization\": \"int8\"}}}";
        Answer changed = one.send("PUT", "/v1/collections/docs?reindex=true", int8);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        eventually(
            "node two serves the int8 definition",
            () -> {
              JsonNode c = two.get("/v1/collections/docs").json();
              return c.get("vectors").get("body").has("quantization")
                  && c.get("status").asString().equals("ready");
            });
        assertThat(two.get("/v1/collections/docs").json().get("documents").asLong())
            .isEqualTo(1210);

        // snapshots health
        JsonNode health = two.get("/actuator/health/snapshots").json();
        assertThat(health.get("status").asString()).isEqualTo("UP");
      }
    }
  }

  @Test
  void ofTwoNodesChangingACollectionAtOnceOneChangeIsKeptAndTheOtherRefused() throws Exception {
    String catalog = "s3://" + BUCKET + "/race";
    try (RunningService one = node("one", catalog);
        RunningService two = node("two", catalog)) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Answer>> creates = new ArrayList<>();
        String[] bodies = {
          "{\"vectors\": {\"body\": {\"dimensions\": 8, \"similarity\": \"cosine\"}}}",
          "{\"vectors\": {\"body\": {\"dimensions\": 8, \"similarity\": \"dot\"}}}"
        };
        RunningService[] nodes = {one, two};
        for (int n = 0; n < 2; n++) {
          int i = n;
          creates.add(pool.submit(() -> nodes[i].send("PUT", "/v1/collections/raced", bodies[i])));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Answer> f : creates) {
          statuses.add(f.get().status());
        }
        assertThat(statuses).containsExactlyInAnyOrder(201, 409);
      } finally {
        pool.shutdownNow();
      }
      eventually(
          "both nodes serve the same definition",
          () -> {
            Answer a = one.get("/v1/collections/raced");
            Answer b = two.get("/v1/collections/raced");
            return a.status() == 200
                && b.status() == 200
                && a.json().get("vectors").equals(b.json().get("vectors"));
          });
    }
  }
}
