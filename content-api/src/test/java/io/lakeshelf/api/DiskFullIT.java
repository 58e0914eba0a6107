package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.testing.KernelRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A full disk, for real: the data directory on a 4 MB tmpfs (mounted by the test, so it needs root
 * and skips elsewhere). Ingest runs until the file system is full: every answer is 200 or 507
 * {@code STORAGE_FULL}, never a 500; every acknowledged batch is in the table and no refused one
 * left a row; once the file system grows, ingest works again and search shows every acknowledged
 * document, also those acknowledged as not yet searchable.
 */
class DiskFullIT {

  @TempDir Path dir;

  @Test
  void aFullDiskAnswers507AndLosesNothing() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString()) == 0,
        "needs root to mount a small tmpfs");
    try {
      Set<String> acknowledged = new LinkedHashSet<>();
      Set<String> refused = new LinkedHashSet<>();
      Random random = new Random(5);
      try (RunningService s = RunningService.start(small.resolve("data"))) {
        assertThat(
                s.send("PUT", "/v1/collections/c", "{\"vectors\": {\"body\": {\"dimensions\": 8}}}")
                    .status())
            .isEqualTo(201);
        int full = 0;
        for (int batch = 0; batch < 400 && full < 6; batch++) {
          List<String> ids = new ArrayList<>();
          Answer a = s.send("POST", "/v1/collections/c/documents", batch(random, batch, ids));
          if (a.status() == 200) {
            acknowledged.addAll(ids);
          } else {
            assertThat(a.status()).as(a.body()).isEqualTo(507);
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.json().get("code").asString()).isEqualTo("STORAGE_FULL");
            refused.addAll(ids);
            full++;
          }
        }
        assertThat(full).as("the file system filled up").isPositive();
        assertThat(acknowledged).isNotEmpty();
        // Reads still answer while the disk is full.
        assertThat(s.get("/v1/collections/c").status()).isEqualTo(200);
        assertThat(liveIds(small)).isEqualTo(new TreeSet<>(acknowledged));

        assertThat(run("mount", "-o", "remount,size=256m", small.toString())).isZero();
        List<String> later = new ArrayList<>();
        Answer again = s.send("POST", "/v1/collections/c/documents", batch(random, 10_000, later));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        acknowledged.addAll(later);
        assertThat(liveIds(small)).isEqualTo(new TreeSet<>(acknowledged));
        assertServes(s, acknowledged);
      }
      // A restart on the same directory serves the same documents.
      try (RunningService s = RunningService.start(small.resolve("data"))) {
        assertServes(s, acknowledged);
      }
    } finally {
      run("umount", "-l", small.toString());
    }
  }

  private static String batch(Random random, int batch, List<String> ids) {
    StringBuilder b = new StringBuilder("{\"documents\": [");
    for (int i = 0; i < 40; i++) {
      String id = "b" + batch + "-" + i;
      ids.add(id);
      StringBuilder text = new StringBuilder();
      while (text.length() < 2000) {
        text.append("w").append(random.nextInt(1_000_000)).append(' ');
      }
      b.append(i == 0 ? "" : ",")
          .append("{\"id\": \"")
          .append(id)
          .append("\", \"text\": \"")
          .append(text)
          .append("\", \"vectors\": {\"body\": [");
      for (int d = 0; d < 8; d++) {
        b.append(d == 0 ? "" : ",").append(random.nextFloat());
      }
      b.append("]}}");
    }
    return b.append("]}").toString();
  }

  /**
   * The service's index caught up with the table and holds exactly the acknowledged documents:
   * their count, a search's hits among them, and each found by id.
   */
  private static void assertServes(RunningService s, Set<String> acknowledged) throws Exception {
    JsonNode c = null;
    for (int attempt = 0; attempt < 150; attempt++) {
      c = s.get("/v1/collections/c").json();
      if (c.get("indexedVersion").asLong() == c.get("tableVersion").asLong()
          && c.get("documents").asLong() == acknowledged.size()) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(c.get("indexedVersion").asLong())
        .as(c.toString())
        .isEqualTo(c.get("tableVersion").asLong());
    assertThat(c.get("documents").asLong()).isEqualTo(acknowledged.size());
    Answer a =
        s.send(
            "POST",
            "/v1/collections/c/search",
            "{\"vector\": [1,1,1,1,1,1,1,1], \"k\": 1000, \"include\": []}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    Set<String> hits = new TreeSet<>();
    a.json().get("hits").forEach(h -> hits.add(h.get("id").asString()));
    assertThat(hits).hasSize(Math.min(1000, acknowledged.size()));
    assertThat(acknowledged).containsAll(hits);
    for (String id : acknowledged) {
      assertThat(s.get("/v1/collections/c/documents/" + id).status()).as(id).isEqualTo(200);
    }
  }

  private static Set<String> liveIds(Path small) {
    String table = small.resolve("data/collections/c/table").toString();
    var snapshot =
        ContentTable.open(TableEngines.local(), table, ContentColumns.MANAGED, List.of()).latest();
    Set<String> ids = new TreeSet<>();
    KernelRows.read(snapshot, List.of(ContentColumns.MANAGED.id()))
        .values()
        .forEach(r -> ids.add((String) r.get(ContentColumns.MANAGED.id())));
    return ids;
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
