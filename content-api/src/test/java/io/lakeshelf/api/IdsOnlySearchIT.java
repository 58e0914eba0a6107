package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A search that asks for no part of a document ({@code "include": []}) answers from the index
 * alone: no request to the table's storage (the page cache is off here, so every join reads), yet
 * each hit carries the same id and {@code ingestedAt} as the table holds for its row, also after a
 * restart on the same index and for a version searched by time travel.
 */
class IdsOnlySearchIT {

  @TempDir Path dir;

  private static double rangeGets(RunningService s) throws Exception {
    RunningService.Answer a =
        s.get(
            "/actuator/metrics/lakeshelf.storage.requests?tag=store:local&tag=operation:range_get");
    return a.status() == 404 ? 0 : a.json().get("measurements").get(0).get("value").asDouble();
  }

  private static Map<String, String> ingestedAtOfHits(JsonNode answer) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode hit : answer.get("hits")) {
      JsonNode d = hit.get("document");
      assertThat(d.has("text")).as(hit.toString()).isFalse();
      out.put(hit.get("id").asString(), d.get("ingestedAt").asString());
    }
    return out;
  }

  private static String noise(Random random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  @Test
  void idsOnlyHitsCarryTheTablesIngestedAtWithoutReadingTheTable() throws Exception {
    String[] noPageCache = {"--lakeshelf.storage.page-cache-size=0"};
    String search = "{\"vector\": [1, 0.1, 0], \"k\": 3, \"include\": []}";
    String searchV1 = "{\"vector\": [1, 0.1, 0], \"k\": 3, \"include\": [], \"asOfVersion\": 1}";
    Map<String, String> fromTable = new HashMap<>();
    // texts of random letters, so that each data file is larger than the tail the join reads
    // first (64 KiB): a join that reads the id column then makes a request of its own
    Random random = new Random(17);
    try (RunningService s = RunningService.start(dir, noPageCache)) {
      assertThat(s.send("PUT", "/v1/collections/c", LakeshelfServiceIT.COLLECTION).status())
          .isEqualTo(201);
      for (int batch = 0; batch < 2; batch++) {
        StringBuilder b = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 4; i++) {
          b.append(i > 0 ? "," : "")
              .append("{\"id\": \"d")
              .append(batch)
              .append(i)
              .append("\", \"text\": \"")
              .append(noise(random, 40_000))
              .append("\", \"vectors\": {\"body\": [1, ")
              .append(0.1 * i + batch)
              .append(", 0]}}");
        }
        RunningService.Answer a =
            s.send("POST", "/v1/collections/c/documents", b.append("]}").toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        Thread.sleep(5); // the batches' ingestedAt differ
      }
      for (String id : new String[] {"d00", "d01", "d02", "d03", "d10", "d11", "d12", "d13"}) {
        JsonNode d = s.get("/v1/collections/c/documents/" + id).json();
        fromTable.put(id, d.get("ingestedAt").asString());
      }

      double before = rangeGets(s);
      RunningService.Answer idsOnly = s.send("POST", "/v1/collections/c/search", search);
      assertThat(idsOnly.status()).as(idsOnly.body()).isEqualTo(200);
      assertThat(rangeGets(s)).as("storage reads of an ids-only search").isEqualTo(before);
      Map<String, String> hits = ingestedAtOfHits(idsOnly.json());
      assertThat(hits).hasSize(3);
      hits.forEach((id, at) -> assertThat(at).as(id).isEqualTo(fromTable.get(id)));

      // the same search with a part reads the rows (so the counter does count joins here)
      RunningService.Answer joined =
          s.send(
              "POST",
              "/v1/collections/c/search",
              "{\"vector\": [1, 0.1, 0], \"k\": 3, \"include\": [\"text\"]}");
      assertThat(joined.status()).isEqualTo(200);
      assertThat(rangeGets(s)).isGreaterThan(before);

      // time travel to the first batch's version: its rows only, from the version's own index
      RunningService.Answer past = s.send("POST", "/v1/collections/c/search", searchV1);
      assertThat(past.status()).as(past.body()).isEqualTo(200);
      Map<String, String> pastHits = ingestedAtOfHits(past.json());
      assertThat(pastHits).isNotEmpty();
      pastHits.forEach(
          (id, at) -> {
            assertThat(id).startsWith("d0");
            assertThat(at).as(id).isEqualTo(fromTable.get(id));
          });
    }
    try (RunningService s = RunningService.start(dir, noPageCache)) {
      double before = rangeGets(s);
      RunningService.Answer idsOnly = s.send("POST", "/v1/collections/c/search", search);
      assertThat(idsOnly.status()).isEqualTo(200);
      assertThat(rangeGets(s)).isEqualTo(before);
      ingestedAtOfHits(idsOnly.json())
          .forEach((id, at) -> assertThat(at).as(id).isEqualTo(fromTable.get(id)));
    }
  }
}
