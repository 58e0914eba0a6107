package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Before the service reports itself ready, it loads and runs the models its collections embed with
 * and searches each collection once (its join included), so the first text query after a restart
 * waits for neither; the warm-up is not counted as a search.
 */
class WarmUpIT {

  @TempDir Path dir;

  static JsonNode models(RunningService s) throws Exception {
    return s.get("/actuator/info").json().get("lakeshelf").get("embeddingModels");
  }

  @Test
  void aRestartLoadsTheModelsItsCollectionsEmbedWithBeforeItIsReady() throws Exception {
    try (RunningService s = RunningService.start(dir)) {
      assertThat(models(s).get("loaded").toString()).isEqualTo("[]");
      RunningService.Answer created =
          s.send(
              "PUT",
              "/v1/collections/rag",
              "{\"vectors\": {\"body\": {\"embed\": \"all-minilm-l6-v2\", \"similarity\":"
                  + " \"cosine\"}}}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(models(s).get("loaded").toString()).isEqualTo("[\"all-minilm-l6-v2\"]");
      RunningService.Answer ingested =
          s.send(
              "POST",
              "/v1/collections/rag/documents",
              "{\"documents\": [{\"id\": \"a\", \"text\": \"Lakes hold water.\"},"
                  + " {\"id\": \"b\", \"text\": \"Shelves hold books.\"}]}");
      assertThat(ingested.status()).as(ingested.body()).isEqualTo(200);
    }
    try (RunningService s = RunningService.start(dir)) {
      // nothing asked for a vector yet: the start itself loaded the model
      assertThat(s.get("/actuator/health/readiness").json().get("status").asString())
          .isEqualTo("UP");
      assertThat(models(s).get("loaded").toString()).isEqualTo("[\"all-minilm-l6-v2\"]");
      // ... and searched once, reading a hit's row from its data file, not counted as a search
      assertThat(
              s.get(
                      "/actuator/metrics/lakeshelf.storage.requests?tag=store:local&tag=operation:range_get")
                  .json()
                  .get("measurements")
                  .get(0)
                  .get("value")
                  .asDouble())
          .isGreaterThan(0);
      assertThat(s.get("/actuator/metrics/lakeshelf.search").status()).isEqualTo(404);
    }
  }

  /** A service without collections that embed loads no model. */
  @Test
  void noCollectionThatEmbedsLoadsNoModel() throws Exception {
    try (RunningService s = RunningService.start(dir)) {
      s.send("PUT", "/v1/collections/plain", LakeshelfServiceIT.COLLECTION);
    }
    try (RunningService s = RunningService.start(dir)) {
      assertThat(models(s).get("loaded").toString()).isEqualTo("[]");
    }
  }
}
