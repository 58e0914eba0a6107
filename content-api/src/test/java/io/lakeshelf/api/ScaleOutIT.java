package io.lakeshelf.api;

import static io.lakeshelf.api.SharedCatalogIT.COLLECTION;
import static io.lakeshelf.api.SharedCatalogIT.docs;
import static io.lakeshelf.api.SharedCatalogIT.eventually;
import static io.lakeshelf.api.SharedCatalogIT.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.testing.S3TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Three service processes and one S3-protocol server (S3Proxy in this JVM), as the issue asks: the
 * first creates a managed collection, ingests and publishes a snapshot; the second and third start
 * with empty data directories and serve it from the snapshot without a build, answering the same
 * hits at the same {@code tableVersion}; an ingest on the second is seen by the first and the
 * third; killing the first leaves the others serving and writing.
 */
class ScaleOutIT {

  private static final String BUCKET = "lakeshelf-scale";

  @TempDir Path dir;

  private static List<String> ids(Answer search) {
    List<String> ids = new ArrayList<>();
    search.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  @Test
  void replicasServeFromTheSnapshotAndEveryNodeSeesEveryWrite() throws Exception {
    try (S3TestServer s3 =
        S3TestServer.start(java.nio.file.Files.createDirectories(dir.resolve("s3")))) {
      s3.createBucket(BUCKET);
      String catalog = "s3://" + BUCKET + "/lakeshelf";
      List<String> jvm =
          List.of(
              "-Daws.accessKeyId=" + S3TestServer.ACCESS_KEY,
              "-Daws.secretAccessKey=" + S3TestServer.SECRET_KEY);
      String[] args = {
        "--lakeshelf.s3.endpoint=" + s3.endpoint(),
        "--lakeshelf.s3.path-style-access=true",
        "--lakeshelf.catalog.location=" + catalog,
        "--lakeshelf.catalog.snapshot-interval=1h",
        "--lakeshelf.index.sync-interval=300ms"
      };
      Random random = new Random(17);
      try (ServiceProcess one = ServiceProcess.start("one", dir, jvm, args).awaitStarted()) {
        Answer created = one.send("PUT", "/v1/collections/docs", COLLECTION);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        for (int b = 0; b < 3; b++) {
          Answer a =
              one.send(
                  "POST", "/v1/collections/docs/documents", docs(b * 500, (b + 1) * 500, random));
          assertThat(a.status()).as(a.body()).isEqualTo(200);
        }
        Answer published = one.send("POST", "/v1/admin/collections/docs/snapshots", null);
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        JsonNode snapshot = published.json().get("snapshots").get(0);
        assertThat(snapshot.get("outcome").asString()).isEqualTo("published");
        long version = snapshot.get("tableVersion").asLong();

        try (ServiceProcess two = ServiceProcess.start("two", dir, jvm, args);
            ServiceProcess three = ServiceProcess.start("three", dir, jvm, args)) {
          two.awaitStarted();
          three.awaitStarted();
          for (ServiceProcess replica : List.of(two, three)) {
            JsonNode c = replica.get("/v1/collections/docs").json();
            assertThat(c.get("indexSource").get("kind").asString())
                .as(replica.name)
                .isEqualTo("snapshot");
            assertThat(c.get("indexSource").get("tableVersion").asLong()).isEqualTo(version);
            assertThat(c.get("documents").asLong()).isEqualTo(1500);
            assertThat(replica.output())
                .as(replica.name + " restored, and built nothing")
                .contains("Restored docs/body from the snapshot at table version " + version)
                .doesNotContain("Building index body of collection docs");
          }
          for (int q = 0; q < 10; q++) {
            String query = query(random);
            Answer a = one.send("POST", "/v1/collections/docs/search", query);
            for (ServiceProcess replica : List.of(two, three)) {
              Answer b = replica.send("POST", "/v1/collections/docs/search", query);
              assertThat(b.json().get("tableVersion")).isEqualTo(a.json().get("tableVersion"));
              assertThat(b.json().get("hits")).as(replica.name).isEqualTo(a.json().get("hits"));
            }
          }

          // an ingest on the second node: read-your-writes there, seen by the first and third
          Answer w = two.send("POST", "/v1/collections/docs/documents", docs(1495, 1520, random));
          assertThat(w.status()).as(w.body()).isEqualTo(200);
          long written = w.json().get("tableVersion").asLong();
          String probe = query(random);
          Answer atTwo = two.send("POST", "/v1/collections/docs/search", probe);
          assertThat(atTwo.json().get("tableVersion").asLong()).isEqualTo(written);
          for (ServiceProcess other : List.of(one, three)) {
            eventually(
                other.name + " serves version " + written,
                () ->
                    other.get("/v1/collections/docs").json().get("indexedVersion").asLong()
                        >= written);
            assertThat(other.get("/v1/collections/docs/documents/doc-1519").status())
                .isEqualTo(200);
            Answer there = other.send("POST", "/v1/collections/docs/search", probe);
            assertThat(there.json().get("hits")).isEqualTo(atTwo.json().get("hits"));
            assertThat(
                    there.json().get("documents") == null
                        || there.json().get("documents").asLong() == 1520)
                .isTrue();
          }
          assertThat(one.get("/v1/collections/docs").json().get("documents").asLong())
              .isEqualTo(1520);

          // the publisher dies: the others go on serving, and writing
          one.kill();
          Answer afterKill = three.send("POST", "/v1/collections/docs/search", probe);
          assertThat(afterKill.status()).isEqualTo(200);
          assertThat(ids(afterKill)).isEqualTo(ids(atTwo));
          Answer w3 =
              three.send("POST", "/v1/collections/docs/documents", docs(2000, 2005, random));
          assertThat(w3.status()).as(w3.body()).isEqualTo(200);
          long third = w3.json().get("tableVersion").asLong();
          eventually(
              "two serves version " + third,
              () -> two.get("/v1/collections/docs").json().get("indexedVersion").asLong() >= third);
          assertThat(two.get("/v1/collections/docs/documents/doc-2004").status()).isEqualTo(200);
          // and one of them publishes in its place
          Answer republished = two.send("POST", "/v1/admin/collections/docs/snapshots", null);
          assertThat(republished.json().get("snapshots").get(0).get("tableVersion").asLong())
              .isGreaterThanOrEqualTo(third);
        }
      }
    }
  }
}
