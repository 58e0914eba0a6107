package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Reindex jobs rebuild beside the serving index: progress while they run, one at a time, cancel,
 * atomic switch, and a restart in the middle leaves the old index serving and the job failed.
 */
class ReindexIT {

  static final int ROWS = 6000;
  // Slow enough (6000 rows at 2000 rows/s: 3 s) to observe and interrupt a running job.
  static final String THROTTLE = "--lakeshelf.index.reindex-rows-per-second=2000";

  @TempDir Path dataDir;

  static void fill(RunningService s) throws Exception {
    s.send("PUT", "/v1/collections/articles", "{\"vectors\": {\"body\": {\"dimensions\": 8}}}");
    Random random = new Random(7);
    for (int batch = 0; batch < ROWS / 1000; batch++) {
      StringBuilder body = new StringBuilder("{\"documents\": [");
      for (int i = 0; i < 1000; i++) {
        body.append(i == 0 ? "" : ",")
            .append("{\"id\": \"d")
            .append(batch * 1000 + i)
            .append("\", \"text\": \"row\", \"vectors\": {\"body\": [");
        for (int d = 0; d < 8; d++) {
          body.append(d == 0 ? "" : ",").append(random.nextGaussian());
        }
        body.append("]}}");
      }
      body.append("]}");
      assertThat(s.send("POST", "/v1/collections/articles/documents", body.toString()).status())
          .isEqualTo(200);
    }
  }

  static JsonNode awaitJob(RunningService s, String id, String state) throws Exception {
    JsonNode job = null;
    for (int i = 0; i < 600; i++) {
      job = s.get("/v1/admin/jobs/" + id).json();
      if (job.get("state").asString().equals(state)) {
        return job;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job never reached " + state + ": " + job);
  }

  static List<String> generations(Path dataDir) throws Exception {
    try (Stream<Path> dirs = Files.list(dataDir.resolve("collections/articles/index/body"))) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void rebuildsBesideTheServingIndexWhichNeverStopsAnswering() throws Exception {
    try (RunningService s = RunningService.start(dataDir, THROTTLE)) {
      fill(s);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger searches = new AtomicInteger();
      AtomicInteger bad = new AtomicInteger();
      Thread searcher =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    Answer a =
                        s.send(
                            "POST",
                            "/v1/collections/articles/search",
                            "{\"vector\": [1,0,0,0,0,0,0,1], \"k\": 5, \"include\": []}");
                    if (a.status() != 200 || a.json().get("hits").size() != 5) {
                      bad.incrementAndGet();
                    }
                    searches.incrementAndGet();
                  } catch (Exception e) {
                    bad.incrementAndGet();
                  }
                }
              });
      searcher.start();

      Answer started = s.send("POST", "/v1/admin/collections/articles/reindex", null);
      assertThat(started.status()).isEqualTo(202);
      String id = started.json().get("id").asString();
      Answer second = s.send("POST", "/v1/admin/collections/articles/reindex", null);
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.json().get("code").asString()).isEqualTo("REINDEX_IN_PROGRESS");

      boolean sawProgress = false;
      JsonNode job;
      do {
        job = s.get("/v1/admin/jobs/" + id).json();
        long done = job.get("rowsDone").asLong();
        if (job.get("state").asString().equals("running") && done > 0 && done < ROWS) {
          assertThat(job.get("rowsTotal").asLong()).isEqualTo(ROWS);
          sawProgress = true;
        }
        Thread.sleep(50);
      } while (job.get("state").asString().matches("queued|running"));
      stop.set(true);
      searcher.join();

      assertThat(job.get("state").asString()).isEqualTo("succeeded");
      assertThat(job.get("rowsDone").asLong()).isEqualTo(ROWS);
      assertThat(job.get("finishedAt").isNull()).isFalse();
      assertThat(sawProgress).as("a running job reports rows done of rows total").isTrue();
      assertThat(bad.get())
          .as("searches that failed or came back short during the reindex")
          .isZero();
      assertThat(searches.get()).isPositive();
      assertThat(generations(dataDir)).hasSize(1).doesNotContain("g0");
      assertThat(s.get("/v1/collections/articles").json().get("documents").asLong())
          .isEqualTo(ROWS);
      assertThat(s.get("/v1/collections/articles/documents/d42").status()).isEqualTo(200);
    }
  }

  @Test
  void aCancelledJobLeavesTheOldIndexServing() throws Exception {
    try (RunningService s =
        RunningService.start(dataDir, "--lakeshelf.index.reindex-rows-per-second=500")) {
      fill(s);
      String id =
          s.send("POST", "/v1/admin/collections/articles/reindex", null)
              .json()
              .get("id")
              .asString();
      awaitJob(s, id, "running");
      Answer cancel = s.send("DELETE", "/v1/admin/jobs/" + id, null, null);
      assertThat(cancel.status()).isEqualTo(200);
      JsonNode job = awaitJob(s, id, "cancelled");
      assertThat(job.get("rowsDone").asLong()).isLessThan(ROWS);
      assertThat(generations(dataDir)).containsExactly("g0");
      assertThat(
              s.send("POST", "/v1/collections/articles/search", "{\"vector\": [1,0,0,0,0,0,0,1]}")
                  .json()
                  .get("hits")
                  .size())
          .isEqualTo(10);
      // A new job may start once the cancelled one ended.
      assertThat(s.send("POST", "/v1/admin/collections/articles/reindex", null).status())
          .isEqualTo(202);
    }
  }

  @Test
  void aRestartDuringAReindexKeepsTheOldIndexAndFailsTheJob() throws Exception {
    String id;
    try (RunningService s =
        RunningService.start(dataDir, "--lakeshelf.index.reindex-rows-per-second=500")) {
      fill(s);
      id =
          s.send("POST", "/v1/admin/collections/articles/reindex", null)
              .json()
              .get("id")
              .asString();
      JsonNode job;
      do {
        job = awaitJob(s, id, "running");
      } while (job.get("rowsDone").asLong() == 0);
    }
    // A graceful stop stops the job before the service closes: once stopped, nothing of the
    // reindex is left under the data directory and the job is recorded as failed.
    assertThat(generations(dataDir)).containsExactly("g0");
    assertThat(Files.readString(dataDir.resolve("jobs").resolve(id + ".json")))
        .contains("\"failed\"")
        .contains("stopped");
    try (RunningService s = RunningService.start(dataDir)) {
      JsonNode job = s.get("/v1/admin/jobs/" + id).json();
      assertThat(job.get("state").asString()).isEqualTo("failed");
      assertThat(job.get("error").asString()).contains("stopped");
      assertThat(generations(dataDir)).containsExactly("g0");
      Answer c = s.get("/v1/collections/articles");
      assertThat(c.json().get("documents").asLong()).isEqualTo(ROWS);
      assertThat(c.json().get("status").asString()).isEqualTo("ready");
    }
  }

  @Test
  void deletingACollectionWhileItsReindexWritesStopsTheJobFirst() throws Exception {
    for (boolean purge : new boolean[] {false, true}) {
      try (RunningService s =
          RunningService.start(dataDir, "--lakeshelf.index.reindex-rows-per-second=1000")) {
        fill(s);
        String id =
            s.send("POST", "/v1/admin/collections/articles/reindex", null)
                .json()
                .get("id")
                .asString();
        JsonNode job;
        do {
          job = awaitJob(s, id, "running");
        } while (job.get("rowsDone").asLong() == 0);
        Answer deleted =
            s.send("DELETE", "/v1/collections/articles" + (purge ? "?purge=true" : ""), null, null);
        assertThat(deleted.status()).as("purge=%s: %s", purge, deleted.body()).isEqualTo(204);
        job = s.get("/v1/admin/jobs/" + id).json();
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("cancelled");
        assertThat(s.get("/v1/collections/articles").status()).isEqualTo(404);
        assertThat(dataDir.resolve("collections/articles/index")).doesNotExist();
        // The name can be used again at once.
        assertThat(
                s.send(
                        "PUT",
                        "/v1/collections/articles",
                        "{\"vectors\": {\"body\": {\"dimensions\": 8}}}")
                    .status())
            .isEqualTo(201);
        assertThat(s.send("DELETE", "/v1/collections/articles?purge=true", null, null).status())
            .isEqualTo(204);
      }
    }
  }

  @Test
  void unknownJobsAndCollectionsAnswer404() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      Answer job = s.get("/v1/admin/jobs/nope");
      assertThat(job.status()).isEqualTo(404);
      assertThat(job.json().get("code").asString()).isEqualTo("JOB_NOT_FOUND");
      Answer reindex = s.send("POST", "/v1/admin/collections/nope/reindex", null);
      assertThat(reindex.json().get("code").asString()).isEqualTo("COLLECTION_NOT_FOUND");
    }
  }
}
