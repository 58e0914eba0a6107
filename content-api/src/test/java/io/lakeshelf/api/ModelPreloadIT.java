package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The bundled model is loaded and run once before the service reports itself ready, when a
 * collection embeds with it: the first text query after a restart does not wait seconds for it.
 */
class ModelPreloadIT {

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
    }
    try (RunningService s = RunningService.start(dir)) {
      // nothing asked for a vector yet: the start itself loaded the model
      assertThat(s.get("/actuator/health/readiness").json().get("status").asString())
          .isEqualTo("UP");
      assertThat(models(s).get("loaded").toString()).isEqualTo("[\"all-minilm-l6-v2\"]");
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
