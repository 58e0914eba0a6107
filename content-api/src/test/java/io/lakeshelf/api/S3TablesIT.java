package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The service over tables and images on S3: a real S3-protocol server (S3Proxy) in this process,
 * real HTTP, the AWS SDK's default credential chain.
 */
class S3TablesIT {

  @TempDir static Path dir;
  static S3TestServer s3;
  static final String BUCKET = "content";
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 9, 8, 7, 6, 5, 4};

  @BeforeAll
  static void startS3() {
    s3 = S3TestServer.start();
    s3.createBucket(BUCKET);
    try (S3Client client = s3.client(io.lakeshelf.content.storage.StorageRequestListener.NONE)) {
      client.putObject(b -> b.bucket(BUCKET).key("images/cat.png"), RequestBody.fromBytes(PNG));
      client.putObject(b -> b.bucket(BUCKET).key("private/key.png"), RequestBody.fromBytes(PNG));
    }
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  static RunningService service(String name, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--lakeshelf.s3.endpoint=" + s3.endpoint(),
                "--lakeshelf.s3.path-style-access=true",
                "--lakeshelf.images.allowed-locations=s3://" + BUCKET + "/images/",
                "--lakeshelf.storage.managed-roots=s3://"
                    + BUCKET
                    + "/tables/,s3://no-such-bucket/"));
    args.addAll(List.of(more));
    return RunningService.start(dir.resolve(name), args.toArray(String[]::new));
  }

  static long requests(RunningService s, String operation) throws Exception {
    Answer m =
        s.get(
            "/actuator/metrics/lakeshelf.storage.requests?tag=store:s3&tag=operation:" + operation);
    if (m.status() == 404) {
      return 0;
    }
    assertThat(m.status()).as(m.body()).isEqualTo(200);
    return (long) m.json().get("measurements").get(0).get("value").asDouble();
  }

  /**
   * Two services (two data directories, one managed table on S3) upsert the same new ids at the
   * same moment, round after round, and then each deletes half of them: after every round each id
   * has exactly one live row in the table, search finds each id once, and the deletes leave none.
   */
  @Test
  void twoServicesUpsertingTheSameNewIdsOnOneTableLeaveOneRowPerId() throws Exception {
    String table = "s3://" + BUCKET + "/tables/shared";
    String collection =
        """
        {"table": "%s", "vectors": {"body": {"dimensions": 3, "similarity": "cosine"}}}\
        """
            .formatted(table);
    try (RunningService a = service("writer-a");
        RunningService b = service("writer-b")) {
      assertThat(a.send("PUT", "/v1/collections/shared", collection).status()).isIn(200, 201);
      assertThat(b.send("PUT", "/v1/collections/shared", collection).status()).isIn(200, 201);
      RunningService[] services = {a, b};
      List<String> all = new ArrayList<>();
      try (var threads = java.util.concurrent.Executors.newFixedThreadPool(2)) {
        for (int round = 0; round < 6; round++) {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            ids.add("r" + round + "-" + i);
          }
          all.addAll(ids);
          java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
          List<java.util.concurrent.Future<Answer>> writes = new ArrayList<>();
          for (int w = 0; w < 2; w++) {
            RunningService s = services[w];
            StringBuilder body = new StringBuilder("{\"documents\": [");
            for (int i = 0; i < ids.size(); i++) {
              body.append(i == 0 ? "" : ",")
                  .append("{\"id\": \"")
                  .append(ids.get(i))
                  .append("\", \"text\": \"from ")
                  .append(w)
                  .append("\", \"vectors\": {\"body\": [1, ")
                  .append(w)
                  .append(", ")
                  .append(i)
                  .append("]}}");
            }
            String json = body.append("]}").toString();
            writes.add(
                threads.submit(
                    () -> {
                      start.await();
                      return s.send("POST", "/v1/collections/shared/documents", json);
                    }));
          }
          for (var w : writes) {
            Answer answer = w.get();
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
          }
          Map<String, Long> rows = rowsPerId(table);
          for (String id : ids) {
            assertThat(rows.get(id)).as("live rows of %s after round %d", id, round).isEqualTo(1L);
          }
        }
      }
      // Each service's search sees every id once, once it has caught up with the other's commits.
      long version = a.get("/v1/collections/shared").json().get("tableVersion").asLong();
      for (RunningService s : services) {
        JsonNode hits = null;
        for (int i = 0; i < 100; i++) {
          JsonNode c = s.get("/v1/collections/shared").json();
          if (c.get("indexedVersion").asLong() >= version) {
            hits =
                s.send(
                        "POST",
                        "/v1/collections/shared/search",
                        "{\"vector\": [1, 0, 0], \"k\": 1000}")
                    .json()
                    .get("hits");
            break;
          }
          Thread.sleep(100);
        }
        assertThat(hits).as("search after catching up").isNotNull();
        List<String> found = new ArrayList<>();
        hits.forEach(h -> found.add(h.get("id").asString()));
        assertThat(found).containsExactlyInAnyOrderElementsOf(all);
      }
      // Deletes: each service deletes half; every row of every id goes.
      int half = all.size() / 2;
      for (int w = 0; w < 2; w++) {
        List<String> mine = w == 0 ? all.subList(0, half) : all.subList(half, all.size());
        String ids =
            mine.stream()
                .map(id -> "\"" + id + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        Answer deleted =
            services[w].send(
                "POST", "/v1/collections/shared/documents/delete", "{\"ids\": [" + ids + "]}");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      }
      assertThat(rowsPerId(table)).isEmpty();
    }
  }

  /** How many live rows of the table hold each id, read with Kernel straight from S3. */
  private static Map<String, Long> rowsPerId(String table) {
    try (S3Client client = s3.client(io.lakeshelf.content.storage.StorageRequestListener.NONE)) {
      var engine =
          io.lakeshelf.content.storage.TableEngines.withS3(
              client, io.lakeshelf.content.storage.StorageRequestListener.NONE);
      var snapshot =
          io.lakeshelf.content.table.ContentTable.open(
                  engine, table, io.lakeshelf.content.table.ContentColumns.MANAGED, List.of())
              .latest();
      String id = io.lakeshelf.content.table.ContentColumns.MANAGED.id();
      Map<String, Long> counts = new java.util.TreeMap<>();
      for (var row : io.lakeshelf.content.testing.KernelRows.read(snapshot, List.of(id)).values()) {
        counts.merge((String) row.get(id), 1L, Long::sum);
      }
      return counts;
    }
  }

  @Test
  void aManagedCollectionOnS3IsWrittenSearchedAndSurvivesARestart() throws Exception {
    String table = "s3://" + BUCKET + "/tables/articles";
    String collection =
        """
        {"table": "%s", "vectors": {"body": {"dimensions": 3, "similarity": "cosine"}}}\
        """
            .formatted(table);
    try (RunningService s = service("managed")) {
      Answer created = s.send("PUT", "/v1/collections/articles", collection);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().get("table").asString()).isEqualTo(table);
      Answer ingest =
          s.send("POST", "/v1/collections/articles/documents", LakeshelfServiceIT.THREE_DOCS);
      assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
      Answer search =
          s.send("POST", "/v1/collections/articles/search", "{\"vector\": [1, 0, 0], \"k\": 2}");
      assertThat(search.status()).as(search.body()).isEqualTo(200);
      assertThat(search.json().get("hits").get(0).get("id").asString()).isEqualTo("doc-1");
      assertThat(search.json().get("hits").get(0).get("document").get("text").asString())
          .isEqualTo("Lakes hold water.");
      assertThat(requests(s, "put")).as("commits and data files went to S3").isGreaterThan(0);
    }
    // the table lives in the bucket: the log and the data files are there
    try (S3Client client = s3.client(io.lakeshelf.content.storage.StorageRequestListener.NONE)) {
      List<String> keys =
          client.listObjectsV2(b -> b.bucket(BUCKET).prefix("tables/articles/")).contents().stream()
              .map(o -> o.key())
              .toList();
      assertThat(keys).contains("tables/articles/_delta_log/00000000000000000001.json");
      assertThat(keys).anyMatch(k -> k.endsWith(".parquet"));
    }
    try (RunningService s = service("managed")) {
      Answer doc = s.get("/v1/collections/articles/documents/doc-2");
      assertThat(doc.status()).as(doc.body()).isEqualTo(200);
      assertThat(doc.json().get("tableVersion").asLong()).isEqualTo(1);
      Answer purge = s.send("DELETE", "/v1/collections/articles?purge=true", null, null);
      assertThat(purge.status()).isEqualTo(204);
    }
    try (S3Client client = s3.client(io.lakeshelf.content.storage.StorageRequestListener.NONE)) {
      assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("tables/articles/")).contents())
          .as("purge removed the table's objects")
          .isEmpty();
    }
  }

  @Test
  void theSparkTableOnS3IsServedInPlaceAndAWarmJoinCostsOneReadPerFile() throws Exception {
    s3.upload(Fixtures.root().resolve("spark-content-table/table"), BUCKET, "spark/content");
    Path expected = Fixtures.root().resolve("spark-content-table/expected");
    Map<String, JsonNode> sparkRows = new HashMap<>();
    for (String line : Files.readAllLines(expected.resolve("live_rows.jsonl"))) {
      JsonNode row = RunningService.JSON.readTree(line);
      sparkRows.put(row.get("doc_id").asString(), row);
    }
    // no polling while requests are counted: every request below is the search's own
    try (RunningService s = service("spark", "--lakeshelf.index.sync-interval=1h")) {
      Answer created =
          s.send(
              "PUT",
              "/v1/collections/spark",
              SparkTableIT.externalCollection(Path.of("/x"))
                  .replace("/x", "s3://" + BUCKET + "/spark/content"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      Answer ready = SparkTableIT.waitUntilIndexed(s, "spark");
      assertThat(ready.json().get("documents").asLong()).isEqualTo(384);
      assertThat(ready.json().get("tableVersion").asLong()).isEqualTo(6);

      List<String> lines = Files.readAllLines(expected.resolve("queries.jsonl"));
      long dataFiles;
      try (var files = Files.walk(Fixtures.root().resolve("spark-content-table/table"))) {
        dataFiles =
            files
                .filter(
                    f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
                .count();
      }
      long joinReads = 0;
      for (int q = 0; q < lines.size(); q++) {
        JsonNode query = RunningService.JSON.readTree(lines.get(q));
        long before = requests(s, "range_get");
        long otherBefore = requests(s, "get") + requests(s, "head") + requests(s, "list");
        Answer search =
            s.send(
                "POST",
                "/v1/collections/spark/search",
                "{\"vector\": " + query.get("vector") + ", \"k\": 10}");
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : search.json().get("hits")) {
          ids.add(hit.get("id").asString());
          SparkTableIT.assertSameRow(hit.get("document"), sparkRows.get(hit.get("id").asString()));
        }
        List<String> want = new ArrayList<>();
        query.get("top10_cosine").forEach(id -> want.add(id.asString()));
        assertThat(ids).as("query " + q).isEqualTo(want);
        long reads = requests(s, "range_get") - before;
        assertThat(requests(s, "get") + requests(s, "head") + requests(s, "list"))
            .isEqualTo(otherBefore);
        // one read per distinct file at most, all in parallel
        assertThat(reads).as("range reads of query " + q).isBetween(0L, 10L);
        joinReads += reads;
      }
      // Every file of this table is smaller than the first read of a file's tail (64KB), so that
      // read brought the whole file: each file was read once, however many queries hit it.
      assertThat(joinReads).isLessThanOrEqualTo(dataFiles);
    }
  }

  @Test
  void s3ImagesRedirectToAPresignedUrlOrStreamAndRefuseEverythingElse() throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PNG));
    String images =
        String.join(
            ",",
            ImageIT.anchor(
                "s3://" + BUCKET + "/images/cat.png", PNG.length, sha, "SHA-256"), // 0 ok
            ImageIT.anchor(
                "s3://" + BUCKET + "/private/key.png",
                PNG.length,
                sha,
                "SHA-256"), // 1 outside prefix
            ImageIT.anchor(
                "s3://" + BUCKET + "/images/../private/key.png",
                PNG.length,
                sha,
                "SHA-256"), // 2 relative
            ImageIT.anchor(
                "s3://other/images/cat.png", PNG.length, sha, "SHA-256"), // 3 other bucket
            ImageIT.anchor(
                "s3://" + BUCKET + "/images/missing.png", PNG.length, sha, "SHA-256"), // 4 missing
            ImageIT.anchor(
                "s3://" + BUCKET + "/images/cat.png", PNG.length + 1, sha, "SHA-256"), // 5 size
            ImageIT.anchor(
                "s3://" + BUCKET + "/images/cat.png",
                PNG.length,
                "00" + sha.substring(2),
                "SHA-256")); // 6 checksum
    String doc =
        "{\"documents\": [{\"id\": \"d\", \"images\": ["
            + images
            + "], \"vectors\": {\"body\": [1, 0, 0]}}]}";
    HttpClient http = HttpClient.newHttpClient();
    try (RunningService s = service("images-redirect", "--lakeshelf.images.presign-ttl=2m")) {
      s.send("PUT", "/v1/collections/c", LakeshelfServiceIT.COLLECTION);
      assertThat(s.send("POST", "/v1/collections/c/documents", doc).status()).isEqualTo(200);
      HttpResponse<byte[]> redirect =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:" + s.port + "/v1/collections/c/documents/d/images/0"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(redirect.statusCode()).isEqualTo(307);
      URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      assertThat(location.toString())
          .startsWith(s3.endpoint() + "/" + BUCKET + "/images/cat.png?")
          .contains("X-Amz-Expires=120");
      HttpResponse<byte[]> object =
          http.send(
              HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(object.statusCode()).isEqualTo(200);
      assertThat(object.body()).isEqualTo(PNG);
      assertThat(status(s, 1)).isEqualTo(403);
      assertThat(status(s, 2)).isEqualTo(403);
      assertThat(status(s, 3)).isEqualTo(403);
      assertThat(status(s, 4)).isEqualTo(404);
      assertThat(status(s, 5)).isEqualTo(422);
    }
    try (RunningService s = service("images-stream", "--lakeshelf.images.s3-delivery=stream")) {
      s.send("PUT", "/v1/collections/c", LakeshelfServiceIT.COLLECTION);
      assertThat(s.send("POST", "/v1/collections/c/documents", doc).status()).isEqualTo(200);
      HttpResponse<byte[]> streamed =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:" + s.port + "/v1/collections/c/documents/d/images/0"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body()).isEqualTo(PNG);
      assertThat(streamed.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
      assertThat(status(s, 6)).as("a checksum mismatch is not served").isEqualTo(422);
      assertThat(status(s, 4)).isEqualTo(404);
      assertThat(status(s, 1)).isEqualTo(403);
    }
  }

  static int status(RunningService s, int n) throws Exception {
    Answer a = s.get("/v1/collections/c/documents/d/images/" + n);
    assertThat(a.contentType()).as(a.body()).startsWith("application/problem+json");
    return a.status();
  }

  @Test
  void storageFailuresAnswer422Or503WithTheReasonAndHealthGoesDown() throws Exception {
    try (RunningService s = service("failures", "--lakeshelf.index.sync-interval=1h")) {
      Answer noBucket =
          s.send(
              "PUT",
              "/v1/collections/nobucket",
              "{\"table\": \"s3://no-such-bucket/t\", \"vectors\": {\"body\": {\"dimensions\":"
                  + " 3}}}");
      assertThat(noBucket.status()).as(noBucket.body()).isEqualTo(422);
      assertThat(noBucket.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");
      assertThat(noBucket.json().get("detail").asString()).contains("does not exist");

      // a second server whose death we can cause: the collection lives there
      try (S3TestServer doomed = S3TestServer.start()) {
        doomed.createBucket("doomed");
        try (RunningService t =
            RunningService.start(
                dir.resolve("doomed"),
                "--lakeshelf.s3.endpoint=" + doomed.endpoint(),
                "--lakeshelf.s3.path-style-access=true",
                "--lakeshelf.s3.request-timeout=2s",
                "--lakeshelf.index.sync-interval=1h",
                "--lakeshelf.storage.managed-roots=s3://doomed/")) {
          assertThat(
                  t.send(
                          "PUT",
                          "/v1/collections/c",
                          "{\"table\": \"s3://doomed/t\", \"vectors\": {\"body\": {\"dimensions\":"
                              + " 3, \"similarity\": \"cosine\"}}}")
                      .status())
              .isEqualTo(201);
          assertThat(
                  t.send("POST", "/v1/collections/c/documents", LakeshelfServiceIT.THREE_DOCS)
                      .status())
              .isEqualTo(200);
          Answer health = t.get("/actuator/health");
          assertThat(health.json().get("components").get("storage").get("status").asString())
              .isEqualTo("UP");
          doomed.close();
          Answer search =
              t.send("POST", "/v1/collections/c/search", "{\"vector\": [1, 0, 0], \"k\": 3}");
          // the index answers; the join to the rows needs the store, which is gone
          assertThat(search.status()).as(search.body()).isEqualTo(503);
          assertThat(search.contentType()).startsWith("application/problem+json");
          assertThat(search.json().get("code").asString()).isEqualTo("STORAGE_UNAVAILABLE");
          Answer ingest =
              t.send("POST", "/v1/collections/c/documents", LakeshelfServiceIT.THREE_DOCS);
          assertThat(ingest.status()).as(ingest.body()).isEqualTo(503);
        }
      }
    }
  }
}
